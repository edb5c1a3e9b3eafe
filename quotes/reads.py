"""Reads of the published record: what each reader may see, loaded for showing.

The API's viewsets and the site's pages call these (and the FilterSets of
quotes/filters.py, search in quotes/search.py, paging in quotes/paging.py and the rows
of quotes/rows.py), so a page and its API resource always show the same thing. Each
function takes the reader (`user`): curators see drafts and retractions, everyone else
verified statements only (Statement.objects.visible_to).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from quotes.models import (
    Affiliation,
    Appearance,
    Organization,
    Revision,
    Source,
    Speaker,
    Statement,
    Topic,
    sees_every_statement,
)
from quotes.services import changes_between, history_of

User = AbstractBaseUser | AnonymousUser
OTHER_STATEMENTS = 10
# What the public sees of a statement's history: the fields StatementSerializer shows.
PUBLIC_FIELDS = (
    "text", "kind", "speaker", "organization", "speaker_title", "said_on",
    "said_on_precision", "setting", "location", "anonymity_reason", "topics", "status",
    "in_response_to", "appearances",
)  # fmt: skip
A_CURATOR = "a curator"


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


def retracted_statement(pk: int) -> Statement | None:
    """The statement `pk` if it was retracted after the public had seen it: verified
    once (verified_at, or a verify in its history, as a revert may clear the field).
    One retracted while still a draft was never news: to the public it does not exist."""
    verified = Revision.objects.filter(
        content_type__app_label="quotes",
        content_type__model="statement",
        # Its own history only, not that of a duplicate merged into it.
        origin_id=OuterRef("pk"),
        action=Revision.Action.VERIFY,
    )
    once_public = Q(verified_at__isnull=False) | Q(Exists(verified))
    retracted = Statement.objects.filter(pk=pk, status=Statement.Status.RETRACTED)
    return retracted.filter(once_public).first()


def other_statements_by_speaker(statement: Statement, user: User) -> QuerySet[Statement]:
    """The speaker's OTHER_STATEMENTS most recent other statements, brief fields only."""
    if statement.speaker_id is None:
        return Statement.objects.none()
    return (
        Statement.objects.visible_to(user)
        .filter(speaker_id=statement.speaker_id)
        .exclude(pk=statement.pk)
        .only("text", "kind", "said_on", "said_on_precision", "first_reported_on")
        .order_by("-said_on", "-id")[:OTHER_STATEMENTS]
    )


def visible_response_to(statement: Statement, user: User) -> int | None:
    """The id of the statement this one answers, if `user` may see that one."""
    target = statement.in_response_to_id
    if target is None or sees_every_statement(user):
        return target
    return target if Statement.objects.published().filter(pk=target).exists() else None


def statement_history(statement: Statement, user: User) -> list[dict[str, Any]]:
    """The statement's recorded changes, newest first, as `user` may see them.

    Curators see every revision with who made it. The public sees the published
    versions only, each with what changed in the public fields since the previous
    published version, "by a curator": not curator notes, not who verified, nothing of
    a draft (a merged duplicate's history included)."""
    revisions = list(history_of(statement).select_related("user"))
    if sees_every_statement(user):
        return [
            _revision(r, r.changes, r.user.get_username() if r.user else None) for r in revisions
        ]
    published = [
        r for r in reversed(revisions)
        if r.origin_id == statement.pk and r.snapshot.get("status") == Statement.Status.VERIFIED
    ]  # fmt: skip
    hidden = _hidden_statements(published)
    shown, before = [], None
    for revision in published:
        state = _public_state(revision.snapshot, hidden)
        if before is not None:
            changes = changes_between(before, state)
        elif "status" in revision.changes:  # the revision that published it
            changes = {}
        else:
            changes = _already_public_changes(revision)
        published_here = before is None and "status" in revision.changes
        if published_here or changes:
            shown.append(_revision(revision, changes, None))
        before = state
    return shown[::-1]


def _already_public_changes(revision: Revision) -> dict[str, Any]:
    """The public fields' recorded changes of the first published revision of a
    statement that was public before it (published by the seed load, which records no
    revision): there is no earlier published version to compare with."""
    changes = {name: list(pair) for name, pair in revision.changes.items() if name in PUBLIC_FIELDS}
    if pair := changes.get("in_response_to"):
        # Either side may be a statement the public may not see.
        shown = set(
            Statement.objects.published()
            .filter(pk__in=[v for v in pair if v])
            .values_list("pk", flat=True)
        )
        changes["in_response_to"] = [v if v in shown else None for v in pair]
    return {name: pair for name, pair in changes.items() if pair[0] != pair[1]}


def _public_state(snapshot: dict[str, Any], hidden: set[int]) -> dict[str, Any]:
    state = {name: snapshot.get(name) for name in PUBLIC_FIELDS}
    if state["in_response_to"] in hidden:
        state["in_response_to"] = None
    return state


def _hidden_statements(revisions: list[Revision]) -> set[int]:
    """Of the statements these revisions answer, those the public may not see."""
    targets = {r.snapshot.get("in_response_to") for r in revisions} - {None}
    published = Statement.objects.published().filter(pk__in=targets)
    return targets - set(published.values_list("pk", flat=True))


def _revision(revision: Revision, changes: dict, username: str | None) -> dict[str, Any]:
    return {
        "version": revision.version,
        "action": revision.action,
        "user": username,
        "by": username or A_CURATOR,
        "at": revision.at,
        "reason": revision.reason,
        "changes": changes,
    }


# Speakers


def speakers(user: User) -> QuerySet[Speaker]:
    """Speakers with `statement_count`: how many of their statements `user` may see.
    The public sees only speakers with a published statement: a speaker entered for a
    draft (an unnamed source of a story not yet out) is not news yet."""
    visible = Statement.objects.visible_to(user)
    public = not sees_every_statement(user)
    listed = Speaker.objects.select_related("organization").with_first_source(public)
    if not sees_every_statement(user):
        listed = listed.filter(Exists(visible.filter(speaker=OuterRef("pk"))))
    return listed.annotate(statement_count=counted(visible, "speaker")).order_by("name", "id")


def speaker_labels(ids: list[int], user: User, *, quoting: bool = True) -> dict[int, str]:
    """The label of each speaker `ids` names (Speaker.labelled), by id."""
    public = not sees_every_statement(user)
    labelled = Speaker.objects.filter(pk__in=ids).with_first_source(public)
    return {speaker.pk: speaker.labelled(quoting=quoting) for speaker in labelled}


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
    """`speaker` with its affiliations (and their organizations) loaded, its
    annotations kept."""
    affiliations = Affiliation.objects.select_related("organization")
    prefetch_related_objects([speaker], Prefetch("affiliations", affiliations))
    return speaker


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


def affiliations(user: User) -> QuerySet[Affiliation]:
    """Affiliations of the speakers `user` may see: one whose every statement is a
    draft is not news yet (see speakers)."""
    listed = Affiliation.objects.select_related("speaker", "organization").order_by("id")
    if not sees_every_statement(user):
        visible = Statement.objects.visible_to(user)
        listed = listed.filter(Exists(visible.filter(speaker=OuterRef("speaker"))))
    return listed
