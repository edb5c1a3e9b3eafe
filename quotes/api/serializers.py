"""Read serializers: what a statement, speaker, organization, source or topic looks like."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quotes.models import Affiliation, Appearance, Organization, Source, Speaker, Statement, Topic


class OrganizationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "slug", "name"]


class OutletRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["slug", "name"]


class SpeakerRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Speaker
        fields = ["id", "slug", "name", "aliases", "description", "is_anonymous"]


class SourceRefSerializer(serializers.ModelSerializer):
    outlet = OutletRefSerializer(allow_null=True)

    class Meta:
        model = Source
        fields = ["id", "title", "url", "published_on", "outlet"]


class AppearanceSerializer(serializers.ModelSerializer):
    source = SourceRefSerializer()
    via = OutletRefSerializer(allow_null=True)

    class Meta:
        model = Appearance
        fields = ["source", "quoted_text", "attribution", "via", "offset"]


class WordingDifferenceSerializer(serializers.Serializer):
    change = serializers.ChoiceField(choices=["dropped", "added", "changed"])
    canonical = serializers.CharField(help_text="The canonical text's words (empty if added).")
    printed = serializers.CharField(help_text="The outlet's words (empty if dropped).")


class AppearanceDetailSerializer(AppearanceSerializer):
    differences = WordingDifferenceSerializer(
        many=True,
        read_only=True,
        help_text="How this wording differs from the canonical text, word by word.",
    )

    class Meta(AppearanceSerializer.Meta):
        fields = [*AppearanceSerializer.Meta.fields, "differences"]


class StatementSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:statement-detail")
    speaker = SpeakerRefSerializer(allow_null=True)
    organization = OrganizationRefSerializer(allow_null=True)
    topics = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    in_response_to = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    appearances = AppearanceSerializer(many=True)
    highlight = serializers.SerializerMethodField(
        help_text="With `q`: a snippet with the matched words in <mark>…</mark>, "
        "everything else HTML-escaped. Null without `q`."
    )

    class Meta:
        model = Statement
        fields = [
            "id",
            "url",
            "text",
            "kind",
            "speaker",
            "organization",
            "speaker_title",
            "said_on",
            "said_on_precision",
            "setting",
            "location",
            "anonymity_reason",
            "topics",
            "status",
            "in_response_to",
            "appearances",
            "highlight",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_highlight(self, statement: Statement) -> str | None:
        return self.context.get("highlights", {}).get(statement.id)


class StatementBriefSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:statement-detail")

    class Meta:
        model = Statement
        fields = ["id", "url", "text", "kind", "said_on", "said_on_precision"]


class StatementDetailSerializer(StatementSerializer):
    appearances = AppearanceDetailSerializer(many=True)
    other_statements_by_speaker = serializers.SerializerMethodField()

    class Meta(StatementSerializer.Meta):
        fields = [*StatementSerializer.Meta.fields, "other_statements_by_speaker"]

    @extend_schema_field(StatementBriefSerializer(many=True))
    def get_other_statements_by_speaker(self, statement: Statement) -> list[dict]:
        others = self.context.get("other_statements", [])
        return StatementBriefSerializer(others, many=True, context=self.context).data


class AffiliationSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer()

    class Meta:
        model = Affiliation
        fields = ["organization", "title", "start_on", "end_on"]


class SpeakerSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:speaker-detail", lookup_field="slug")
    organization = OrganizationRefSerializer(allow_null=True)
    statement_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Speaker
        fields = [
            "id",
            "url",
            "slug",
            "name",
            "aliases",
            "description",
            "is_anonymous",
            "organization",
            "country",
            "statement_count",
        ]


class SpeakerDetailSerializer(SpeakerSerializer):
    affiliations = AffiliationSerializer(many=True)
    statements_by_kind = serializers.SerializerMethodField()
    statements_url = serializers.HyperlinkedIdentityField(
        view_name="api:speaker-statements", lookup_field="slug"
    )

    class Meta(SpeakerSerializer.Meta):
        fields = [
            *SpeakerSerializer.Meta.fields,
            "statements_by_kind",
            "affiliations",
            "statements_url",
        ]

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "integer"}})
    def get_statements_by_kind(self, speaker: Speaker) -> dict[str, int]:
        return self.context.get("statements_by_kind", {})


class OrganizationSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:organization-detail", lookup_field="slug"
    )
    parent = OrganizationRefSerializer(allow_null=True)
    children = OrganizationRefSerializer(many=True)

    class Meta:
        model = Organization
        fields = ["id", "url", "slug", "name", "kind", "country", "aliases", "parent", "children"]


class OutletSerializer(serializers.ModelSerializer):
    source_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "slug", "name", "country", "aliases", "source_count"]


class SourceSerializer(serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:source-detail")
    outlet = OutletRefSerializer(allow_null=True)
    appearance_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "api_url",
            "title",
            "url",
            "kind",
            "outlet",
            "published_on",
            "authors",
            "language",
            "appearance_count",
        ]


class SourceDetailSerializer(SourceSerializer):
    text = serializers.SerializerMethodField(
        help_text="The full text as received; shown to curators only (null otherwise)."
    )

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "text"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_text(self, source: Source) -> str | None:
        return source.text if self.context.get("show_text") else None


class TopicSerializer(serializers.ModelSerializer):
    statement_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Topic
        fields = ["id", "slug", "name", "description", "statement_count"]


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="The value to filter by.")
    label = serializers.CharField()
    count = serializers.IntegerField()
    filter = serializers.CharField(help_text="Query string to add to narrow to this value.")


class FacetsSerializer(serializers.Serializer):
    considered = serializers.IntegerField(help_text="Statements the counts were taken over.")
    complete = serializers.BooleanField(
        help_text="False when the filtered set was larger than the facet limit and the "
        "counts cover only its first `considered` statements in the requested order."
    )
    speaker = FacetValueSerializer(many=True)
    organization = FacetValueSerializer(many=True)
    outlet = FacetValueSerializer(many=True)
    kind = FacetValueSerializer(many=True)
    topic = FacetValueSerializer(many=True)
    year = FacetValueSerializer(many=True)
