"""The intake's rows: how each source came in, and the extractor's candidates for review.

Imported at the end of quotes/models.py, so they belong to the quotes app. Neither is
public: no public API or page reads them, and their tables are not among those whose
changes move the data generation (quotes/generation.py), so reviewing never empties the
public page cache.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Trim
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from quotes.models import (
    DatePrecision,
    Organization,
    OrganizationKind,
    Source,
    Speaker,
    Statement,
    StatementKind,
    Versioned,
)


class ImportMethod(models.TextChoices):
    URL = "url", "Fetched from a URL"
    FILE = "file", "Uploaded file"
    TEXT = "text", "Pasted text"
    HTML = "html", "HTML given"


class SourceImport(models.Model):
    """How a source came in through intake, and the keys that recognise it again.

    `text_digest` is unique: two imports of the same text racing each other (two batch
    runs on PostgreSQL) cannot both insert one, so the second finds the first's source.
    Sources entered by hand have no row here; their URL still finds them.
    """

    Method = ImportMethod

    source = models.OneToOneField(Source, on_delete=models.CASCADE, related_name="source_import")
    text_digest = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the text, whitespace normalised."
    )
    method = models.CharField(max_length=10, choices=Method.choices)
    requested_url = models.URLField("URL given", max_length=2000, blank=True)
    fetched_url = models.URLField("URL fetched", max_length=2000, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    outlet_found_by = models.CharField(
        max_length=50, blank=True, help_text='How the outlet was recognised ("domain", …).'
    )
    proposed_outlet = models.CharField(
        max_length=200,
        blank=True,
        help_text="A news outlet the article names that the database does not know yet.",
    )
    extractor_version = models.CharField(
        max_length=20, help_text="The extractor that last proposed this source's candidates."
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "source import"
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=ImportMethod.values), name="quotes_sourceimport_method_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_id} ({self.get_method_display()})"


class CandidateStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    MERGED = "merged", "Merged into a statement"
    REJECTED = "rejected", "Rejected"


# What a curator can correct before accepting; `edited_fields` names those corrected.
EDITABLE_FIELDS = ("speaker", "kind", "span", "said_on", "via", "organization")


class Candidate(Versioned):
    """One statement the extractor proposed in a source, and what review made of it.

    The proposed values (wording span, kind, speaker, date, relay …) are kept as the
    extractor gave them, with every field of its output in `proposal`, so that what
    curators change can be counted per extractor version. `start`/`end` are the
    wording's offsets in the source's text (the appearance it would become).
    """

    Status = CandidateStatus

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="candidates")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField(help_text="The wording, as printed at start…end.")
    kind = models.CharField(max_length=20, choices=StatementKind.choices)
    speaker = models.ForeignKey(
        Speaker,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The known speaker the printed name resolved to.",
    )
    speaker_mention = models.CharField(max_length=300, blank=True)
    speaker_name = models.CharField(max_length=200, blank=True)
    speaker_anonymous = models.BooleanField(default=False)
    speaker_description = models.CharField(max_length=300, blank=True)
    speaker_country = models.CharField(max_length=100, blank=True)
    speaker_title = models.CharField(max_length=200, blank=True)
    # The article's speaker this candidate is credited to: candidates sharing one share
    # the speaker created when the first of them is accepted.
    speaker_key = models.PositiveIntegerField(default=0)
    match_score = models.FloatField(null=True, blank=True)
    organization_speaking = models.BooleanField(default=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization_name = models.CharField(max_length=200, blank=True)
    said_on = models.DateField(null=True, blank=True)
    said_on_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    setting = models.CharField(max_length=300, blank=True)
    location = models.CharField(max_length=200, blank=True)
    anonymity_reason = models.CharField(max_length=500, blank=True)
    attribution = models.CharField(max_length=500, blank=True)
    via = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": OrganizationKind.NEWS_OUTLET},
    )
    via_name = models.CharField(max_length=200, blank=True)
    matches_statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    match_similarity = models.FloatField(null=True, blank=True)
    confidence = models.FloatField()
    extractor_version = models.CharField(max_length=20)
    proposal = models.JSONField(help_text="Every field of the extractor's output.")
    # What review made of it.
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.SET_NULL, related_name="candidates"
    )
    created_speaker = models.ForeignKey(
        Speaker, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_fields = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True, help_text="Why: a rejection's reason, or a note.")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source", "start", "end"]
        constraints = [
            # The same span is never proposed twice: a re-import skips what is known.
            models.UniqueConstraint(
                fields=["source", "start", "end"], name="quotes_candidate_unique_span"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="quotes_candidate_span"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CandidateStatus.values), name="quotes_candidate_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | GreaterThan(Trim("reason"), ""),
                name="quotes_candidate_rejection_has_reason",
            ),
        ]
        indexes = [
            # The queue: open candidates per source, oldest first.
            models.Index(fields=["status", "created_at", "source"], name="quotes_candidate_queue"),
            models.Index(fields=["extractor_version", "status"], name="quotes_candidate_stats"),
        ]

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 60 else self.text[:59] + "…"
        return f"Candidate {self.pk} in source {self.source_id}: “{text}”"

    @property
    def is_open(self) -> bool:
        return self.status == CandidateStatus.OPEN

    @property
    def said_on_display(self) -> str:
        """The date said, as precisely as proposed: "20 Nov 2024", "Nov 2024", "2024"."""
        if self.said_on is None:
            return "unknown"
        formats = {DatePrecision.MONTH: "%b %Y", DatePrecision.YEAR: "%Y"}
        return self.said_on.strftime(formats.get(self.said_on_precision, "%-d %b %Y"))

    def wording_in_source(self, source_text: str) -> bool:
        """Whether the source's text still holds this wording where it was proposed."""
        return source_text[self.start : self.end] == self.text
