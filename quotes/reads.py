"""Reads of the published record: what each reader may see, loaded for showing.

The API's viewsets and the site's pages call these (and the FilterSets of
quotes/filters.py, search in quotes/search.py, paging in quotes/paging.py and the rows
of quotes/rows.py), so a page and its API resource always show the same thing. Each
function takes the reader (`user`): curators see drafts and retractions, everyone else
verified statements only (Statement.objects.visible_to).
"""

from __future__ import annotations

from collections import Counter

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from quotes.models import Affiliation, Appearance, Organization, Source, Speaker, Statement, Topic

User = AbstractBaseUser | AnonymousUser
OTHER_STATEMENTS = 10


def counted(rows: QuerySet, field: str) -> Coalesce:
    """How many of `rows` point at the outer row through `field`.

    A correlated subquery rather than a JOIN and GROUP BY, so it is evaluated only for
    the rows on the returned page, not for the whole table before paginating.
    """
    per_row = rows.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(per_row.annotate(n=Count("pk")).values("n")), 0)


# Statements


def statements(user: User) -> QuerySet[Statement]:
    """Statements `user` may see, with everything a statement's page or card shows."""
    # Not the sources' full texts (kilobytes each): no statement view shows them.
    appearances = Appearance.objects.select_related("source__outlet", "via").defer("source__text")
    return (
        Statement.objects.visible_to(user)
        .select_related("speaker", "organization")
        .prefetch_related(Prefetch("appearances", queryset=appearances), "topics")
    )


def other_statements_by_speaker(statement: Statement, user: User) -> QuerySet[Statement]:
    """The speaker's OTHER_STATEMENTS most recent other statements, brief fields only."""
    if statement.speaker_id is None:
        return Statement.objects.none()
    return (
        Statement.objects.visible_to(user)
        .filter(speaker_id=statement.speaker_id)
        .exclude(pk=statement.pk)
        .only("text", "kind", "said_on", "said_on_precision")
        .order_by("-said_on", "-id")[:OTHER_STATEMENTS]
    )


# Speakers


def speakers(user: User) -> QuerySet[Speaker]:
    """Speakers with `statement_count`: how many of their statements `user` may see."""
    visible = Statement.objects.visible_to(user)
    return (
        Speaker.objects.select_related("organization")
        .annotate(statement_count=counted(visible, "speaker"))
        .order_by("name", "id")
    )


def statements_by_kind(speaker: Speaker, user: User) -> dict[str, int]:
    """How many statements of each kind `user` may see of the speaker's.

    One count per kind, united: each is read off the (kind, status, speaker) index
    alone, where grouping a prolific speaker's 90,000 statements by kind read every one
    of them (200 ms).
    """
    spoken = Statement.objects.visible_to(user).filter(speaker=speaker)
    first, *others = (
        spoken.filter(kind=kind).order_by().values_list("kind").annotate(n=Count("kind"))
        for kind in Statement.Kind.values
    )
    return dict(sorted(first.union(*others, all=True)))


def with_affiliations(speaker: Speaker) -> Speaker:
    """`speaker` again with its affiliations (and their organizations) loaded."""
    affiliations = speaker.affiliations.select_related("organization")
    detail = Speaker.objects.prefetch_related(Prefetch("affiliations", affiliations)).get(
        pk=speaker.pk
    )
    if hasattr(speaker, "statement_count"):
        detail.statement_count = speaker.statement_count
    return detail


# Organizations, outlets, sources, topics, affiliations


def organizations() -> QuerySet[Organization]:
    """Organizations with their parent and children."""
    children = Prefetch("children", queryset=Organization.objects.order_by("name"))
    return (
        Organization.objects.select_related("parent")
        .prefetch_related(children)
        .order_by("name", "id")
    )


def outlets() -> QuerySet[Organization]:
    """News outlets with `source_count`: how many of their sources the database holds."""
    return (
        Organization.objects.filter(kind=Organization.Kind.NEWS_OUTLET)
        .annotate(source_count=counted(Source.objects.all(), "outlet"))
        .order_by("name", "id")
    )


def sources(user: User) -> QuerySet[Source]:
    """Sources, newest first, with `appearance_count`: the appearances of statements
    `user` may see. Without their full texts (see source_text)."""
    visible = Statement.objects.visible_to(user)
    appearances = Appearance.objects.filter(statement__in=visible.values("pk"))
    return (
        Source.objects.select_related("outlet")
        .defer("text")
        .annotate(appearance_count=counted(appearances, "source"))
        .order_by("-published_on", "-id")
    )


def source_text(source: Source) -> str:
    """The source's full text, which sources() leaves out."""
    source.refresh_from_db(fields=["text"])
    return source.text


def topics() -> QuerySet[Topic]:
    """Topics with `statement_count` over every statement; pass what is shown through
    without_hidden_statements (Topic.objects.with_tagged_counts says why)."""
    return Topic.objects.with_tagged_counts().order_by("name", "id")


def without_hidden_statements(topics: list[Topic], user: User) -> list[Topic]:
    """`topics` (from topics()) with the statements `user` may not see taken out of their
    counts: one query over those statements, few in a curated archive (drafts and
    retractions), however many statements the topics carry."""
    hidden = Statement.objects.hidden_from(user)
    if topics and not hidden.query.is_empty():
        tagged = Statement.topics.through.objects.filter(
            topic_id__in=[topic.pk for topic in topics], statement__in=hidden.values("pk")
        )
        counts = Counter(tagged.values_list("topic_id", flat=True))
        for topic in topics:
            topic.statement_count -= counts[topic.pk]
    return topics


def affiliations() -> QuerySet[Affiliation]:
    return Affiliation.objects.select_related("speaker", "organization").order_by("id")
