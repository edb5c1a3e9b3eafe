"""What the intake API reads and writes: imports, candidates and their review."""

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quotes.intake.models import Candidate, CandidateStatus
from quotes.intake.review import KEEP, CandidateEdits, NewSpeaker
from quotes.models import DatePrecision, Organization, Source, Speaker, StatementKind

from .serializers import (
    NAME_LIST,
    OrganizationRefSerializer,
    OutletRefSerializer,
    SpeakerRefSerializer,
    optional_slug,
    outlets,
)

NO_NUL = r"^[^\x00]*$"
HTTP_URL = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\x00\s]+$"


def _text(limit: int, **kwargs: Any) -> serializers.CharField:
    # Kept exactly (offsets refer to it); NUL cannot be stored by any database.
    return serializers.CharField(max_length=limit, trim_whitespace=False, required=False, **kwargs)


class ImportMetadata(serializers.Serializer):
    """What a curator may say of an article instead of what it says of itself."""

    title = serializers.CharField(max_length=500, required=False, allow_blank=True)
    published_on = serializers.DateField(required=False, allow_null=True)
    authors = NAME_LIST
    language = serializers.CharField(max_length=20, required=False, allow_blank=True)
    outlet = optional_slug(outlets())

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        for name, value in data.items():
            if isinstance(value, str) and "\x00" in value:
                raise serializers.ValidationError({name: ["NUL characters cannot be stored."]})
        return data


class SourceImportSerializer(ImportMetadata):
    """JSON: a `url` to fetch, or the article's `text` or `html` (then `url`, if given,
    is the article's own address, not fetched)."""

    url = serializers.RegexField(HTTP_URL, max_length=2000, required=False)
    text = _text(2_000_000, help_text="Plain text or the seed format, kept as given.")
    html = _text(5_000_000, help_text="An HTML page; its article text is extracted.")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        data = super().validate(data)
        given = [name for name in ("text", "html") if data.get(name)]
        if len(given) > 1:
            raise serializers.ValidationError({"html": ["Give text or html, not both."]})
        if not given and not data.get("url"):
            raise serializers.ValidationError(
                {"url": ["Give a url to fetch, or the article's text or html."]}
            )
        return data


class SourceUploadSerializer(ImportMetadata):
    """multipart/form-data: an uploaded .html or .txt `file` (the seed format too)."""

    file = serializers.FileField(help_text=".html/.htm or .txt, at most the size limit.")
    url = serializers.RegexField(HTTP_URL, max_length=2000, required=False)


class ImportedSourceSerializer(serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:source-detail")
    outlet = OutletRefSerializer(allow_null=True)

    class Meta:
        model = Source
        fields = ["id", "api_url", "title", "url", "outlet", "published_on", "authors", "language"]


class ImportResultSerializer(serializers.Serializer):
    created = serializers.BooleanField(help_text="False when the article was imported before.")
    duplicate_of = serializers.CharField(
        allow_null=True, help_text='Why the existing source: "same URL" or "same text".'
    )
    detail = serializers.CharField()
    source = ImportedSourceSerializer()
    outlet_found_by = serializers.CharField(allow_blank=True)
    proposed_outlet = serializers.CharField(
        allow_blank=True, help_text="A news outlet the article names that is not known yet."
    )
    proposed = serializers.IntegerField(help_text="Candidates this import added.")
    known = serializers.IntegerField(help_text="Candidates the source had before.")
    candidates_url = serializers.URLField()


class CandidateSerializer(serializers.ModelSerializer):
    """One proposed statement, as the extractor proposed it and as review left it."""

    url = serializers.HyperlinkedIdentityField(view_name="api:candidate-detail")
    source = serializers.PrimaryKeyRelatedField(read_only=True)
    speaker = SpeakerRefSerializer(allow_null=True, help_text="The known speaker, if resolved.")
    organization = OrganizationRefSerializer(allow_null=True)
    via = OutletRefSerializer(allow_null=True)
    matches_statement = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    statement = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="What review made of it."
    )
    created_speaker = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    reviewed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    edited_fields = serializers.SerializerMethodField()
    proposal = serializers.SerializerMethodField()

    class Meta:
        model = Candidate
        fields = [
            "id", "url", "source", "status", "version", "start", "end", "text", "kind",
            "confidence", "extractor_version", "speaker", "speaker_mention", "speaker_name",
            "speaker_anonymous", "speaker_description", "speaker_country", "speaker_title",
            "organization_speaking", "organization", "organization_name", "said_on",
            "said_on_precision", "setting", "location", "anonymity_reason", "attribution",
            "via", "via_name", "matches_statement", "match_similarity", "statement",
            "created_speaker", "edited_fields", "reason", "reviewed_by", "reviewed_at",
            "created_at", "proposal",
        ]  # fmt: skip

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_edited_fields(self, candidate: Candidate) -> list[str]:
        return list(candidate.edited_fields)

    @extend_schema_field({"type": "object", "additionalProperties": True})
    def get_proposal(self, candidate: Candidate) -> dict[str, Any]:
        """Every field of the extractor's output, as it gave it."""
        return candidate.proposal


class CandidateFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CandidateStatus.choices, required=False)


class NewSpeakerSerializer(serializers.Serializer):
    name = serializers.RegexField(NO_NUL, max_length=200)
    is_anonymous = serializers.BooleanField(default=False)
    description = serializers.RegexField(NO_NUL, max_length=300, required=False, allow_blank=True)
    country = serializers.RegexField(NO_NUL, max_length=100, required=False, allow_blank=True)

    def validate_name(self, name: str) -> str:
        if not name.strip():
            raise serializers.ValidationError("Name the speaker.")
        return name.strip()


class CandidateEditSerializer(serializers.Serializer):
    """Corrections made before accepting; a field left out keeps the proposed value."""

    speaker = optional_slug(Speaker.objects.all())
    new_speaker = NewSpeakerSerializer(required=False, help_text="A speaker to create.")
    kind = serializers.ChoiceField(choices=StatementKind.choices, required=False)
    start = serializers.IntegerField(min_value=0, max_value=2_000_000_000, required=False)
    end = serializers.IntegerField(min_value=1, max_value=2_000_000_000, required=False)
    said_on = serializers.DateField(required=False, allow_null=True)
    said_on_precision = serializers.ChoiceField(choices=DatePrecision.choices, required=False)
    via = optional_slug(outlets())
    organization = optional_slug(Organization.objects.all())

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "speaker" in data and "new_speaker" in data:
            raise serializers.ValidationError({"new_speaker": ["Give speaker or new_speaker."]})
        for pair in (("start", "end"), ("said_on", "said_on_precision")):
            if (pair[0] in data) != (pair[1] in data):
                raise serializers.ValidationError({pair[1]: [f"Give {' and '.join(pair)}."]})
        return data

    def edits(self) -> CandidateEdits:
        data = self.validated_data
        speaker = data.get("speaker", KEEP)
        if "new_speaker" in data:
            speaker = NewSpeaker(**data["new_speaker"])
        return CandidateEdits(
            speaker=speaker,
            kind=data.get("kind", KEEP),
            span=(data["start"], data["end"]) if "start" in data else KEEP,
            said_on=(data["said_on"], data["said_on_precision"]) if "said_on" in data else KEEP,
            via=data.get("via", KEEP),
            organization=data.get("organization", KEEP),
        )


class CandidateMergeSerializer(serializers.Serializer):
    statement = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The statement it is another printing of."
    )


class CandidateRejectSerializer(serializers.Serializer):
    reason = serializers.RegexField(NO_NUL, max_length=2_000, help_text="Why it is rejected.")


class BulkAcceptSerializer(serializers.Serializer):
    min_confidence = serializers.FloatField(
        min_value=0.0, max_value=1.0, default=settings.INTAKE_HIGH_CONFIDENCE
    )


class BulkAcceptResultSerializer(serializers.Serializer):
    accepted = CandidateSerializer(many=True)
    refused = serializers.DictField(
        child=serializers.CharField(), help_text="Candidate id: why it stays open."
    )
