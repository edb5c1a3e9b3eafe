"""The attribution data model.

A Statement is one remark by one speaker (or one organization speaking as a body).
Each time an outlet prints it, that printing is an Appearance: the outlet's own
wording, how it attributed the remark and, for second-hand reports, the outlet it
relayed the remark from. Integrity rules live in the database as constraints so
that no path (admin, API, fixtures, raw SQL) can break them.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, JSONObject, Trim
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils import timezone

# How many of an anonymous source's first words its label quotes.
LABEL_WORDS = 5


def _shortened(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _no_blank(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=GreaterThan(Trim(field), ""), name=f"%(app_label)s_%(class)s_{field}_not_blank"
    )


def _validate_string_list(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("Enter a list of names.")


class OrganizationKind(models.TextChoices):
    GOVERNMENT = "government", "Government"
    AGENCY = "agency", "Ministry or agency"
    MILITARY = "military", "Military"
    DIPLOMATIC_MISSION = "diplomatic_mission", "Diplomatic mission"
    NGO = "ngo", "NGO or advocacy group"
    NEWS_OUTLET = "news_outlet", "News outlet"
    CAMPAIGN = "campaign", "Campaign"
    OTHER = "other", "Other"


class SourceKind(models.TextChoices):
    ARTICLE = "article", "Article"
    TRANSCRIPT = "transcript", "Transcript"
    VIDEO = "video", "Video"
    OTHER = "other", "Other"


class StatementKind(models.TextChoices):
    DIRECT_QUOTE = "direct_quote", "Direct quote"
    PARTIAL_QUOTE = "partial_quote", "Partial quote"
    PARAPHRASE = "paraphrase", "Paraphrase"
    WRITTEN_STATEMENT = "written_statement", "Written statement"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    UNKNOWN = "unknown", "Unknown"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    VERIFIED = "verified", "Verified"
    RETRACTED = "retracted", "Retracted"


class OrganizationQuerySet(models.QuerySet):
    def subtree_ids(self, slug: str) -> RawSQL:
        """A subquery of the ids of the organization `slug` and all its descendants.

        A recursive CTE, so the tree is walked inside the database (SQLite and
        PostgreSQL alike) however deep it is; UNION stops on a cycle.
        """
        return RawSQL(
            "WITH RECURSIVE tree(id) AS ("
            " SELECT id FROM quotes_organization WHERE slug = %s"
            " UNION SELECT child.id FROM quotes_organization child"
            " JOIN tree ON child.parent_id = tree.id"
            ") SELECT id FROM tree",
            [slug],
        )


class SlugNaturalKeyManager(models.Manager):
    """Fixtures refer to slugged rows by slug, so they read well and reload safely."""

    def get_by_natural_key(self, slug: str) -> models.Model:
        return self.get(slug=slug)


class Versioned(models.Model):
    """A row with a version that every write increments.

    Writers compare-and-set it (``UPDATE … WHERE version = n``), so two people editing
    the same row cannot silently overwrite each other; the API exposes it as the ETag.
    """

    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta:
        abstract = True


class TopicQuerySet(models.QuerySet):
    def with_tagged_counts(self) -> TopicQuerySet:
        """Annotated with `statement_count`: how many statements carry each topic,
        drafts and retractions included, counted off the tagging table's topic index
        alone. Pass the topics through reads.without_hidden_statements before showing them
        to anyone who may not see every statement.

        A topic of a large archive carries tens of thousands of statements; checking
        each one's status as well took seconds for a page of topics.
        """
        tagged = (
            Statement.topics.through.objects.filter(topic_id=OuterRef("pk"))
            .order_by()
            .values("topic_id")
            .annotate(n=Count("topic_id"))
            .values("n")
        )
        return self.annotate(statement_count=Coalesce(Subquery(tagged), 0))


class Topic(Versioned):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    objects = SlugNaturalKeyManager.from_queryset(TopicQuerySet)()

    class Meta:
        ordering = ["name"]
        constraints = [_no_blank("name"), _no_blank("slug")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("site:topic", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Organization(Versioned):
    Kind = OrganizationKind

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = models.CharField(max_length=100, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    aliases = models.JSONField(
        default=list,
        blank=True,
        validators=[_validate_string_list],
        help_text='Other names, one per line (e.g. "Pentagon" for the Department of Defense).',
    )

    objects = SlugNaturalKeyManager.from_queryset(OrganizationQuerySet)()

    class Meta:
        ordering = ["name"]
        constraints = [
            _no_blank("name"),
            _no_blank("slug"),
            models.CheckConstraint(
                condition=Q(kind__in=OrganizationKind.values), name="quotes_organization_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="quotes_organization_not_own_parent"
            ),
        ]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The public page: an outlet's lists what it printed, another's what it said."""
        page = "outlet" if self.kind == OrganizationKind.NEWS_OUTLET else "organization"
        return reverse(f"site:{page}", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def ancestors(self) -> list[Organization]:
        """Parents from the nearest up; stops on a cycle rather than looping."""
        chain: list[Organization] = []
        node = self.parent
        while node is not None and node not in chain and node != self:
            chain.append(node)
            node = node.parent
        return chain

    def clean(self) -> None:
        if self.parent_id and (self.parent == self or self in self.parent.ancestors()):
            raise ValidationError({"parent": "An organization cannot be its own ancestor."})


class SpeakerQuerySet(models.QuerySet):
    def with_statement_count(self) -> SpeakerQuerySet:
        """Annotate `statement_count`, the number of statements credited to each speaker."""
        return self.annotate(statement_count=Count("statements", distinct=True))

    def with_first_source(self, published_only: bool = False) -> SpeakerQuerySet:
        """Annotated with the outlet, title and date of the earliest source that printed
        each anonymous source (of its published statements only, if so asked), and the
        first statement's text, which `label` shows: two "U.S. official"s are told apart
        by who quoted them when, and what they said.

        The speaker's first reported statement (undated ones last, then by id) comes
        off the (speaker, status, first_reported_on) index, and its first appearance's
        values in one JSON object: one subquery per speaker, where one per value
        repeated the first statement's lookup in each (ten subqueries a speaker, a
        third of a speaker list's processor time to compile)."""
        mine = Statement.objects.filter(speaker=OuterRef("pk"))
        if published_only:
            mine = mine.filter(status=ReviewStatus.VERIFIED)
        printed = Appearance.objects.filter(statement=OuterRef("pk")).order_by(
            F("source__published_on").asc(nulls_last=True), "source_id", "offset"
        )
        values = {
            "outlet": "source__outlet__name",
            "title": "source__title",
            "published_on": "source__published_on",
        }
        first = (
            mine.order_by(F("first_reported_on").asc(nulls_last=True), "id")
            .annotate(
                first_source=JSONObject(
                    text=F("text"),
                    **{name: Subquery(printed.values(field)[:1]) for name, field in values.items()},
                )
            )
            .values("first_source")[:1]
        )
        return self.annotate(
            first_source=Case(
                When(is_anonymous=True, then=Subquery(first)), output_field=models.JSONField()
            )
        )


class SpeakerManager(SlugNaturalKeyManager.from_queryset(SpeakerQuerySet)):
    pass


class Speaker(Versioned):
    """A named person, or an anonymous source as one outlet described them.

    The same unnamed source quoted several times in one article is one speaker;
    "a U.S. official" in two articles is two speakers unless reporting shows otherwise.
    """

    name = models.CharField(
        max_length=200, help_text='Display name: "Lloyd Austin", or "U.S. official" for a source.'
    )
    slug = models.SlugField(max_length=200, unique=True)
    aliases = models.JSONField(
        default=list,
        blank=True,
        validators=[_validate_string_list],
        help_text="Other spellings, one per line, including misspellings an outlet printed.",
    )
    description = models.CharField(
        max_length=300,
        blank=True,
        help_text="Who they are; for an anonymous source, how the outlet described them.",
    )
    is_anonymous = models.BooleanField(default=False)
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="anonymous_speakers",
        help_text="For an anonymous source: the organization the outlet ties them to.",
    )
    country = models.CharField(
        max_length=100, blank=True, help_text="For an anonymous source: the country given."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SpeakerManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            _no_blank("name"),
            _no_blank("slug"),
            models.CheckConstraint(
                condition=Q(is_anonymous=False) | Q(description__gt=""),
                name="quotes_speaker_anonymous_has_description",
            ),
        ]
        indexes = [models.Index(fields=["is_anonymous"])]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("site:speaker", args=[self.slug])

    @property
    def label(self) -> str:
        """The name, and for an anonymous source who printed it first, when, and the first
        words of its first statement (with SpeakerQuerySet.with_first_source): "U.S.
        official (The Washington Post, 19 Nov 2024: “Russia is sending waves of…”)"."""
        return self.labelled(quoting=True)

    # What SpeakerQuerySet.with_first_source read (None without it, or for a named person).
    @property
    def first_outlet(self) -> str | None:
        return (getattr(self, "first_source", None) or {}).get("outlet")

    @property
    def first_title(self) -> str | None:
        return (getattr(self, "first_source", None) or {}).get("title")

    @property
    def first_published_on(self) -> datetime.date | None:
        day = (getattr(self, "first_source", None) or {}).get("published_on")
        return datetime.date.fromisoformat(day[:10]) if day else None

    @property
    def first_text(self) -> str | None:
        return (getattr(self, "first_source", None) or {}).get("text")

    def labelled(self, *, quoting: bool) -> str:
        """`label`, without the first words when not `quoting`: beside one of the source's
        own statements they would repeat it, and the outlet and date suffice there."""
        if not self.is_anonymous or not hasattr(self, "first_source"):
            return self.name
        where = self.first_outlet or _shortened(self.first_title or "")
        when = self.first_published_on
        shown = ", ".join(part for part in (where, when and f"{when:%-d %b %Y}") if part)
        # One article often quotes several unnamed officials: their first words tell
        # them apart where the outlet and the date cannot.
        if quoting and (words := (self.first_text or "").split()):
            opening = " ".join(words[:LABEL_WORDS]) + ("…" if len(words) > LABEL_WORDS else "")
            shown = f"{shown}: “{opening}”" if shown else f"“{opening}”"
        return f"{self.name} ({shown})" if shown else self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def clean(self) -> None:
        if self.is_anonymous and not self.description.strip():
            raise ValidationError(
                {"description": "Describe an anonymous source as the outlet did."}
            )


class Affiliation(Versioned):
    """A role a speaker held in an organization, optionally bounded in time."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="affiliations"
    )
    title = models.CharField(max_length=200, blank=True)
    start_on = models.DateField(null=True, blank=True)
    end_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["speaker", "-start_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_on__isnull=True)
                | Q(end_on__isnull=True)
                | Q(end_on__gte=F("start_on")),
                name="quotes_affiliation_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["speaker", "organization", "title", "start_on"],
                name="quotes_affiliation_unique_role",
            ),
            # NULLs are distinct to the constraint above: undated roles need their own.
            models.UniqueConstraint(
                fields=["speaker", "organization", "title"],
                condition=Q(start_on__isnull=True),
                name="quotes_affiliation_unique_undated_role",
            ),
        ]

    def __str__(self) -> str:
        role = f"{self.title}, {self.organization}" if self.title else str(self.organization)
        return f"{self.speaker}: {role}"

    def clean(self) -> None:
        if self.start_on and self.end_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": "The role cannot end before it starts."})


class Source(Versioned):
    """Where statements were printed: an article, later perhaps a transcript or a video."""

    Kind = SourceKind

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    outlet = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sources",
        limit_choices_to={"kind": OrganizationKind.NEWS_OUTLET},
        help_text="Leave empty when the text does not establish the outlet.",
    )
    title = models.CharField(max_length=500)
    url = models.URLField("URL", max_length=2000, blank=True)
    published_on = models.DateField(null=True, blank=True)
    authors = models.JSONField(
        default=list, blank=True, validators=[_validate_string_list], help_text="One per line."
    )
    language = models.CharField(max_length=20, default="en", help_text="BCP 47 code, e.g. en.")
    text = models.TextField(help_text="The full text as received, kept for provenance.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            _no_blank("title"),
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values), name="quotes_source_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["url"], condition=Q(url__gt=""), name="quotes_source_unique_url"
            ),
        ]
        indexes = [
            models.Index(fields=["published_on"]),
            # Outlet facets look up the outlet of thousands of sources by id: with the
            # outlet in the index they never visit the table's rows (kilobytes of text).
            models.Index(fields=["id", "outlet"], name="quotes_source_id_outlet"),
            # The API's source list order (newest first, undated last), for all sources
            # and per outlet: a page stops after its rows instead of sorting them all.
            # PostgreSQL only, like the statement list's (migration 0010).
            *(
                models.Index(
                    *columns,
                    F("published_on").desc(nulls_last=True),
                    F("id").desc(),
                    name=name,
                )
                for columns, name in [
                    ((), "quotes_source_recent"),
                    ((F("outlet"),), "quotes_source_outlet_recent"),
                ]
            ),
        ]

    def __str__(self) -> str:
        outlet = self.outlet.name if self.outlet_id else "Unknown outlet"
        return f"{self.title} ({outlet})"

    def get_absolute_url(self) -> str:
        return reverse("site:source", args=[self.pk])


def sees_every_statement(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Curators (who may view statements in the admin) see drafts and retractions too."""
    return user.is_authenticated and user.has_perm("quotes.view_statement")


class StatementQuerySet(models.QuerySet):
    def published(self) -> StatementQuerySet:
        """Statements the public may see: verified ones only."""
        return self.filter(status=Statement.Status.VERIFIED)

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> StatementQuerySet:
        """Everything for those who may view statements in the admin (curators), else published."""
        return self if sees_every_statement(user) else self.published()

    def hidden_from(self, user: AbstractBaseUser | AnonymousUser) -> StatementQuerySet:
        """The statements visible_to(user) leaves out."""
        if sees_every_statement(user):
            return self.none()
        # The other statuses by name rather than `status <> verified`: an index range
        # on a few thousand drafts and retractions, not a scan of every statement.
        verified = Statement.Status.VERIFIED
        others = [status for status in Statement.Status.values if status != verified]
        return self.filter(status__in=others)

    def by_speakers(self, ids: Sequence[int]) -> StatementQuerySet:
        """The statements of any of these speakers, their ids as constants. One id is
        compared as a bigint: the (speaker, search vector) GIN index of migration 0022
        takes only an int8 constant (btree_gin has no int4 = int8 operator), and a search
        within one speaker's statements then reads that index alone. Several are an IN
        list (`= ANY` of an array, which a GIN index cannot take: the speakers' B-tree
        and the full-text index are AND-ed, as before 0022); an OR of casts, which it
        could, cost 142 ms of planning for 900 speakers."""
        if len(ids) == 1:
            return self.filter(speaker_id=Cast(Value(ids[0]), BigIntegerField()))
        return self.filter(speaker_id__in=ids)

    def with_appearance_count(self) -> StatementQuerySet:
        """Annotate `appearance_count`, how many times outlets printed each statement."""
        return self.annotate(appearance_count=Count("appearances", distinct=True))


class Statement(Versioned):
    Kind = StatementKind

    Precision = DatePrecision

    Status = ReviewStatus

    text = models.TextField(help_text="Canonical text: the fullest faithful wording.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    speaker = models.ForeignKey(
        Speaker,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
        help_text="Empty when an organization spoke as a body.",
        # quotes_stmt_speaker_newest (below) leads with the speaker: it serves the
        # foreign key's lookups too.
        db_index=False,
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
        help_text="The organization the speaker spoke for (or that spoke itself).",
    )
    speaker_title = models.CharField(
        max_length=200, blank=True, help_text="The speaker's title at the time."
    )
    said_on = models.DateField(
        null=True,
        blank=True,
        help_text="For month precision the first of the month; for year precision 1 January.",
    )
    said_on_precision = models.CharField(
        "date precision", max_length=10, choices=Precision.choices, default=Precision.UNKNOWN
    )
    anonymous = models.BooleanField(
        default=False,
        db_default=False,
        editable=False,
        help_text="Whether the speaker is an anonymous source (kept by the database: "
        "quotes/anonymity.py).",
    )
    first_reported_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The earliest publication date of the sources that printed it (kept by "
        "the database: quotes/search_index.py).",
    )
    setting = models.CharField(
        max_length=300, blank=True, help_text='e.g. "told reporters during a visit to Laos".'
    )
    location = models.CharField(max_length=200, blank=True)
    anonymity_reason = models.CharField(
        max_length=500, blank=True, help_text="The reason for anonymity as the outlet gave it."
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="statements")
    in_response_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verified_statements",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    retraction_reason = models.TextField(blank=True)
    notes = models.TextField("curator notes", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-said_on", "-id"]
        constraints = [
            _no_blank("text"),
            models.CheckConstraint(
                condition=Q(kind__in=StatementKind.values), name="quotes_statement_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values),
                name="quotes_statement_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(speaker__isnull=False) | Q(organization__isnull=False),
                name="quotes_statement_has_speaker_or_organization",
            ),
            models.CheckConstraint(
                condition=(Q(said_on__isnull=True) & Q(said_on_precision="unknown"))
                | (Q(said_on__isnull=False) & Q(said_on_precision="day"))
                | (Q(said_on__isnull=False) & Q(said_on_precision="month") & Q(said_on__day=1))
                | (
                    Q(said_on__isnull=False)
                    & Q(said_on_precision="year")
                    & Q(said_on__month=1)
                    & Q(said_on__day=1)
                ),
                name="quotes_statement_date_matches_precision",
            ),
            models.CheckConstraint(
                condition=~Q(status="verified")
                | (Q(verified_by__isnull=False) & Q(verified_at__isnull=False)),
                name="quotes_statement_verified_has_who_and_when",
            ),
            models.CheckConstraint(
                condition=~Q(status="retracted") | GreaterThan(Trim("retraction_reason"), ""),
                name="quotes_statement_retraction_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-said_on", "-id"]),
            models.Index(fields=["speaker", "-said_on"]),
            models.Index(fields=["organization", "-said_on"]),
            # Covers counting by kind and speaker (anonymous sources) from the index alone.
            models.Index(fields=["kind", "status", "speaker"]),
            # Counting a filtered set (topic, outlet) merges the statements in id order
            # with the tagging or appearance rows: with the status here, from the index
            # alone instead of reading every candidate statement (72 -> 16 ms).
            models.Index(fields=["id", "status"], name="quotes_statement_id_status"),
            # The API's default order, newest first with undated statements last, for
            # the public (status) and per speaker or organization: a page then stops after
            # its 21 rows instead of sorting every match (PostgreSQL's DESC alone puts
            # NULLs first). Leading status also lets a speaker's count read the index alone.
            models.Index(
                F("status"),
                F("said_on").desc(nulls_last=True),
                F("id").desc(),
                name="quotes_stmt_published_recent",
            ),
            *(
                models.Index(
                    F(column),
                    F("status"),
                    F("said_on").desc(nulls_last=True),
                    F("id").desc(),
                    name=f"quotes_stmt_{prefix}_recent",
                )
                for column, prefix in [("speaker", "speaker"), ("organization", "org")]
            ),
            # The report-date order (ordering=-reported_on), as the said_on one above.
            models.Index(
                F("status"),
                F("first_reported_on").desc(nulls_last=True),
                F("id").desc(),
                name="quotes_stmt_reported_recent",
            ),
            # Paraphrases of anonymous sources and the like: counted off one range, and
            # paged newest first (NULLS LAST on PostgreSQL; SQLite refuses it in an index).
            models.Index(
                F("kind"),
                F("anonymous"),
                F("status"),
                F("said_on").desc(nulls_last=True),
                F("id").desc(),
                name="quotes_stmt_kind_anon_recent",
            ),
            models.Index(
                fields=["kind", "anonymous", "status", "said_on", "id"],
                name="quotes_stmt_kind_anon",
            ),
            # A search within one speaker's statements: relevance ranks the newest
            # matches (search.ranked_candidates), read here newest first and stopping at
            # enough, where walking every statement newest first read 79,000 rows for a
            # prolific speaker and a common word at 1,000,000 (173 → 48 ms).
            models.Index(fields=["speaker", "id"], name="quotes_stmt_speaker_newest"),
            # A speaker's first reported statement (SpeakerQuerySet.with_first_source).
            models.Index(
                fields=["speaker", "status", "first_reported_on", "id"],
                name="quotes_stmt_speaker_reported",
            ),
        ]

    def __str__(self) -> str:
        who = self.speaker or self.organization
        text = self.text if len(self.text) <= 80 else self.text[:79] + "…"
        return f"{who}: “{text}”"

    def get_absolute_url(self) -> str:
        # The public page; a draft's opens to curators only, marked as a draft.
        return reverse("site:statement", args=[self.pk])

    @property
    def credited_to(self) -> Speaker | Organization | None:
        return self.speaker or self.organization

    @property
    def said_on_display(self) -> str:
        """The date as precisely as it is known: "20 Nov 2024", "Jun 2022", "2020"."""
        if self.said_on is None:
            return "unknown"
        formats = {self.Precision.MONTH: "%b %Y", self.Precision.YEAR: "%Y"}
        return self.said_on.strftime(formats.get(self.said_on_precision, "%-d %b %Y"))

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.speaker_id is None and self.organization_id is None:
            errors["speaker"] = "Credit the statement to a speaker or an organization."
        errors.update(date_precision_errors(self.said_on, self.said_on_precision))
        if self.pk and self.in_response_to_id == self.pk:
            errors["in_response_to"] = "A statement cannot respond to itself."
        if self.status == ReviewStatus.RETRACTED and not self.retraction_reason.strip():
            errors["retraction_reason"] = "Say why the statement is retracted."
        if errors:
            raise ValidationError(errors)


def date_precision_errors(said_on: datetime.date | None, precision: str) -> dict[str, str]:
    """Why a date and its precision disagree, keyed by field; empty when they agree."""
    P = DatePrecision
    if said_on is None:
        if precision != P.UNKNOWN:
            return {"said_on": f"Give the date, or set the precision to unknown ({precision})."}
        return {}
    if precision == P.UNKNOWN:
        return {"said_on_precision": "A dated statement needs a precision: day, month or year."}
    if precision == P.MONTH and said_on.day != 1:
        return {"said_on": "With month precision, use the first day of the month."}
    if precision == P.YEAR and (said_on.month, said_on.day) != (1, 1):
        return {"said_on": "With year precision, use 1 January of the year."}
    return {}


class Appearance(models.Model):
    """One statement as printed in one source, in that source's exact words."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="appearances")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="appearances")
    quoted_text = models.TextField(
        "wording", help_text="Verbatim, as printed: never correct an outlet's wording."
    )
    attribution = models.CharField(
        max_length=500,
        blank=True,
        help_text='How the source credited it, as printed: "one US official told the Post".',
    )
    via = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relayed_appearances",
        limit_choices_to={"kind": OrganizationKind.NEWS_OUTLET},
        help_text="For a second-hand report, the outlet it was relayed from.",
    )
    offset = models.PositiveIntegerField(
        help_text="Character offset of the wording in the source's full text."
    )

    class Meta:
        # Undated sources last on every backend (SQLite and PostgreSQL differ by default).
        ordering = [F("source__published_on").asc(nulls_last=True), "source_id", "offset"]
        constraints = [
            _no_blank("quoted_text"),
            models.UniqueConstraint(
                fields=["statement", "source", "offset"],
                name="quotes_appearance_unique_statement_source_offset",
            ),
        ]
        indexes = [
            models.Index(fields=["source", "offset"]),
            # The statements relayed via an outlet, from the index alone (`via` filter).
            models.Index(fields=["via", "statement"], name="quotes_appearance_via_stmt"),
        ]

    def __str__(self) -> str:
        return f"{self.source.title} @ {self.offset}"

    @property
    def end_offset(self) -> int:
        return self.offset + len(self.quoted_text)

    def differences(self) -> list[dict[str, str]]:
        """How this outlet's wording differs from the statement's canonical text."""
        return word_differences(self.statement.text, self.quoted_text)

    def wording_in_source(self) -> bool:
        """Whether the source's text carries this wording at `offset`, ignoring whitespace."""
        return wording_matches(self.source.text, self.offset, self.quoted_text)

    def clean(self) -> None:
        if self.source_id is None or self.offset is None or not self.quoted_text:
            return
        if not self.wording_in_source():
            found = locate_wording(self.source.text, self.quoted_text)
            hint = f" It occurs at offset {found}." if found is not None else ""
            message = (
                f"Source {self.source_id}'s text does not carry this wording at {self.offset}."
            )
            raise ValidationError({"offset": message + hint})


class RevisionAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    VERIFY = "verify", "Verified"
    RETRACT = "retract", "Retracted"
    MERGE = "merge", "Merged"
    REVERT = "revert", "Reverted"


class Revision(models.Model):
    """One recorded change to a curated row: who, when, what changed, and why.

    `changes` maps each changed field to ``[before, after]``; `snapshot` is the whole
    row after the change (with a statement's appearances and topics), so any version
    can be shown or restored. Written only by quotes.services, in the same transaction
    as the change itself.
    """

    Action = RevisionAction

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    # The row the change was made to: merging moves a duplicate's history (object_id)
    # to the row it was merged into, and the public must not see the duplicate's.
    origin_id = models.PositiveBigIntegerField(null=True, editable=False)
    object_repr = models.CharField(max_length=300)
    version = models.PositiveIntegerField(help_text="The row's version after this change.")
    action = models.CharField(max_length=10, choices=RevisionAction.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=RevisionAction.values), name="quotes_revision_action_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.object_repr} v{self.version}: {self.get_action_display()}"


def _wording_pattern(wording: str) -> re.Pattern[str] | None:
    # Runs of whitespace compare equal, so an outlet's line breaks or doubled spaces
    # inside a quote do not count as a different wording.
    words = wording.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(word) for word in words))


def wording_matches(text: str, offset: int, wording: str) -> bool:
    """True when `wording` occurs in `text` at `offset`, allowing whitespace differences."""
    pattern = _wording_pattern(wording)
    return bool(pattern and 0 <= offset <= len(text) and pattern.match(text, offset))


def locate_wording(text: str, wording: str, start: int = 0) -> int | None:
    """The first offset at or after `start` where `wording` occurs, whitespace-tolerant."""
    pattern = _wording_pattern(wording)
    match = pattern.search(text, start) if pattern else None
    return match.start() if match else None


_WORD = re.compile(r"\w+(?:[’'.\-]\w+)*")
_CHANGES = {"delete": "dropped", "insert": "added", "replace": "changed"}


def word_key(word: str) -> str:
    """A word as the wording comparison sees it: case and apostrophe style aside."""
    return word.casefold().replace("’", "'")


def word_differences(canonical: str, printed: str) -> list[dict[str, str]]:
    """Runs of words the printed wording dropped, added or changed from the canonical text.

    Compares words only (case, punctuation and curly versus straight apostrophes
    aside), since outlets restyle those without changing what was said.
    """
    ours, theirs = _WORD.findall(canonical), _WORD.findall(printed)
    matcher = difflib.SequenceMatcher(
        a=[word_key(w) for w in ours], b=[word_key(w) for w in theirs]
    )
    return [
        {
            "change": _CHANGES[tag],
            "canonical": " ".join(ours[i1:i2]),
            "printed": " ".join(theirs[j1:j2]),
        }
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


class SearchVariant(models.Model):
    """A compound and the two words it is also written as, found in the corpus itself
    ("landmines", "land mines", "land-mines"): searching one form finds the others, and
    searching the head word ("mines") finds the compound. Rebuilt by
    `manage.py rebuild_search_variants` (quotes/variants.py)."""

    compound = models.CharField(max_length=100, unique=True)
    modifier = models.CharField(max_length=100)
    head = models.CharField(max_length=100, db_index=True)

    class Meta:
        ordering = ["compound"]

    def __str__(self) -> str:
        return f"{self.compound} = {self.modifier} {self.head}"


# Article intake and the review queue keep their models beside their code (quotes/intake/);
# imported here so that they belong to this app.
from quotes.intake.models import Candidate, CandidateStatus, SourceImport  # noqa: E402, F401
