"""What statements, speakers, organizations, sources and topics look like, read and written."""

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quotes import reads
from quotes.models import (
    Affiliation,
    Appearance,
    Organization,
    Revision,
    Source,
    Speaker,
    Statement,
    Topic,
)

NULLABLE_STRING = {"type": "string", "nullable": True}


def statement_url_prefix(request: Any) -> str:
    """Every statement URL is this with the id and a slash after: built once per request,
    not reversed once per row."""
    sample = request.build_absolute_uri(reverse("api:statement-detail", args=[0]))
    return sample[: sample.rindex("0/")]


@extend_schema_field(OpenApiTypes.URI)
class StatementURLField(serializers.Field):
    """A statement's API URL, from the request's prefix (reversing a URL for every row
    of a page was a fifth of the time its serializers took)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="pk", read_only=True, **kwargs)

    def to_representation(self, pk: int) -> str:
        context = self.context  # the root serializer's: shared by every row
        if "statement_url_prefix" not in context:
            context["statement_url_prefix"] = statement_url_prefix(context["request"])
        return f"{context['statement_url_prefix']}{pk}/"


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


class StatementSerializer(serializers.ModelSerializer):
    url = StatementURLField()
    speaker = SpeakerRefSerializer(allow_null=True)
    organization = OrganizationRefSerializer(allow_null=True)
    topics = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    in_response_to = serializers.SerializerMethodField(
        help_text="The id of the statement this one answers (null when you may not see it)."
    )
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
            "first_reported_on",
            "setting",
            "location",
            "anonymity_reason",
            "topics",
            "status",
            "in_response_to",
            "appearances",
            "highlight",
        ]

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_in_response_to(self, statement: Statement) -> int | None:
        return reads.visible_response_to(statement, self.context["request"].user)

    @extend_schema_field(NULLABLE_STRING)
    def get_highlight(self, statement: Statement) -> str | None:
        return self.context.get("highlights", {}).get(statement.id)


class StatementBriefSerializer(serializers.ModelSerializer):
    url = StatementURLField()

    class Meta:
        model = Statement
        fields = ["id", "url", "text", "kind", "said_on", "said_on_precision", "first_reported_on"]


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
    label = serializers.CharField(
        read_only=True,
        help_text="The name; for an anonymous source with the outlet and date that first "
        "printed them and the first words of their first statement, to tell them apart: "
        '"U.S. official (The Washington Post, 19 Nov 2024: “Russia is sending waves of…”)".',
    )

    class Meta:
        model = Speaker
        fields = [
            "id",
            "url",
            "slug",
            "name",
            "label",
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

    @extend_schema_field(NULLABLE_STRING)
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
        "counts cover only the `considered` most recently added of its statements."
    )
    speaker = FacetValueSerializer(many=True)
    organization = FacetValueSerializer(many=True)
    outlet = FacetValueSerializer(many=True)
    kind = FacetValueSerializer(many=True)
    topic = FacetValueSerializer(many=True)
    year = FacetValueSerializer(many=True)
    corrected_query = serializers.CharField(
        allow_null=True, help_text="With `q`: the search run when a misspelled name was corrected."
    )
    original_query = serializers.CharField(
        allow_null=True, help_text="With a correction: `q` as typed."
    )


# Writes. The input names related rows by slug (or id for sources and statements),
# which is why these differ from the read serializers above.

TEXT_LIMIT = 10_000
NAME_LIST = serializers.ListField(
    child=serializers.CharField(max_length=200), max_length=50, required=False
)


def outlets() -> Any:
    return Organization.objects.filter(kind=Organization.Kind.NEWS_OUTLET)


class SlugReference(serializers.SlugRelatedField):
    """A reference to a row by its slug. Anything but a string without NUL characters is
    refused before it reaches a query (PostgreSQL refuses NUL in a query: a 500)."""

    default_error_messages = {
        **serializers.SlugRelatedField.default_error_messages,
        "invalid": "Give the slug as text (without NUL characters).",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="slug", **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


def optional_slug(queryset: Any) -> SlugReference:
    """A reference to a row by its slug, that may be left out or null."""
    return SlugReference(queryset=queryset, allow_null=True, required=False)


class AppearanceWriteSerializer(serializers.ModelSerializer):
    source = serializers.PrimaryKeyRelatedField(queryset=Source.objects.all())
    quoted_text = serializers.CharField(max_length=TEXT_LIMIT)
    via = optional_slug(outlets())
    offset = serializers.IntegerField(min_value=0, max_value=2_000_000_000)

    class Meta:
        model = Appearance
        fields = ["source", "quoted_text", "attribution", "via", "offset"]


class StatementWriteSerializer(serializers.ModelSerializer):
    text = serializers.CharField(max_length=TEXT_LIMIT)
    speaker = optional_slug(Speaker.objects.all())
    organization = optional_slug(Organization.objects.all())
    topics = SlugReference(queryset=Topic.objects.all(), many=True, required=False)
    in_response_to = serializers.PrimaryKeyRelatedField(
        queryset=Statement.objects.all(), allow_null=True, required=False
    )
    notes = serializers.CharField(max_length=TEXT_LIMIT, allow_blank=True, required=False)
    appearances = AppearanceWriteSerializer(many=True, required=False)

    class Meta:
        model = Statement
        fields = [
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
            "in_response_to",
            "notes",
            "appearances",
        ]


class SpeakerWriteSerializer(serializers.ModelSerializer):
    aliases = NAME_LIST
    organization = optional_slug(Organization.objects.all())

    class Meta:
        model = Speaker
        fields = [
            "name",
            "slug",
            "aliases",
            "description",
            "is_anonymous",
            "organization",
            "country",
        ]


class OrganizationWriteSerializer(serializers.ModelSerializer):
    aliases = NAME_LIST
    parent = optional_slug(Organization.objects.all())

    class Meta:
        model = Organization
        fields = ["name", "slug", "kind", "country", "parent", "aliases"]


class AffiliationWriteSerializer(serializers.ModelSerializer):
    speaker = SlugReference(queryset=Speaker.objects.all())
    organization = SlugReference(queryset=Organization.objects.all())

    class Meta:
        model = Affiliation
        fields = ["speaker", "organization", "title", "start_on", "end_on"]


class AffiliationDetailSerializer(serializers.ModelSerializer):
    speaker = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organization = OrganizationRefSerializer()

    class Meta:
        model = Affiliation
        fields = ["id", "speaker", "organization", "title", "start_on", "end_on"]


class SourceWriteSerializer(serializers.ModelSerializer):
    outlet = optional_slug(outlets())
    authors = NAME_LIST
    text = serializers.CharField(max_length=2_000_000, trim_whitespace=False)

    class Meta:
        model = Source
        fields = ["kind", "outlet", "title", "url", "published_on", "authors", "language", "text"]


class TopicWriteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["name", "slug", "description"]


class RetractSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2_000, help_text="Why the statement is retracted.")


class StatementMergeSerializer(serializers.Serializer):
    duplicate = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The id of the statement folded into this one."
    )


class SpeakerMergeSerializer(serializers.Serializer):
    duplicate = SlugReference(
        queryset=Speaker.objects.all(), help_text="The slug of the speaker folded into this one."
    )


class RevisionSerializer(serializers.Serializer):
    """One recorded change (quotes.reads.statement_history)."""

    version = serializers.IntegerField()
    action = serializers.ChoiceField(choices=Revision.Action.choices)
    user = serializers.CharField(
        allow_null=True, help_text="The curator's user name; null for the public."
    )
    by = serializers.CharField(help_text='Who made the change: a user name, or "a curator".')
    at = serializers.DateTimeField()
    reason = serializers.CharField(allow_blank=True)
    changes = serializers.DictField(
        child=serializers.ListField(min_length=2, max_length=2),
        help_text="Per field, [before, after]; for the public, public fields only and "
        "since the previous published version.",
    )
