"""Every write to curated data, shared by the admin, the API and management commands.

Each write claims the row with a compare-and-set on its version (one ``UPDATE … WHERE
version = n``), so of two concurrent writers exactly one wins and the other gets a
VersionConflict; and each records a Revision (who, when, what changed, why) in the
same transaction, so history can never disagree with the data.

Versions and history are hand-built rather than django-reversion, django-simple-history
or django-pghistory: those record a version after a save, whereas here the write itself
compare-and-sets the version (a lost race is a 412, never a silent overwrite), and a
statement's appearances and topics are one version with it.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F, Model, ProtectedError, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from knox.models import AuthToken

from .intake.articles import Article
from .intake.models import Candidate, CandidateStatus, SourceImport
from .intake.outlets import OutletFinding
from .intake.review import Accepted, CandidateEdits, NewSpeaker, accepted_values, canonical_text
from .models import (
    Appearance,
    Organization,
    OrganizationKind,
    Revision,
    Source,
    Speaker,
    Statement,
    Topic,
    Versioned,
)

CURATORS_GROUP = "Curators"
# Not the curators' to change: kept by the database (first_reported_on).
UNTRACKED = {"id", "version", "created_at", "updated_at", "first_reported_on"}
# What a statement's snapshot keeps of each appearance: restoring one writes them back.
APPEARANCE_FIELDS = ("source", "quoted_text", "attribution", "via", "offset")
Action = Revision.Action


class VersionConflict(Exception):
    """The row changed (or vanished) since the writer read it."""

    def __init__(self, current: int | None) -> None:
        super().__init__(f"the row is now at version {current}")
        self.current = current


class DeletionRefused(Exception):
    """Deleting the row would orphan what refers to it (statements, appearances…)."""


# Snapshots and history


def snapshot(instance: Model) -> dict[str, Any]:
    """The row's curated state as JSON-able data; a statement's includes its appearances
    and topics, which are edited with it."""
    data = {
        field.name: field.value_from_object(instance)
        for field in instance._meta.concrete_fields
        if field.name not in UNTRACKED
    }
    if isinstance(instance, Statement) and instance.pk:
        data["topics"] = sorted(instance.topics.values_list("slug", flat=True))
        data["appearances"] = [
            {name: getattr(a, _attname(Appearance, name)) for name in APPEARANCE_FIELDS}
            for a in instance.appearances.order_by("source_id", "offset")
        ]
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _attname(model: type[Model], name: str) -> str:
    return model._meta.get_field(name).attname


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field by field, ``[before, after]`` for every field whose value differs."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name)
    }


def revision_record(
    *,
    instance: Model,
    action: str,
    by: AbstractBaseUser | None,
    before: dict[str, Any],
    reason: str = "",
) -> Revision:
    """Record that `by` changed `instance` from `before` to its current state."""
    after = {} if action == Action.DELETE else snapshot(instance)
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
        origin_id=instance.pk,
        object_repr=str(instance)[:300],
        version=getattr(instance, "version", 1),
        action=action,
        user=by if by and by.is_authenticated else None,
        reason=reason,
        changes=changes_between(before, after),
        snapshot=after or before,
    )


def history_of(instance: Model) -> QuerySet[Revision]:
    """The revisions of `instance`, newest first."""
    content_type = ContentType.objects.get_for_model(instance)
    return Revision.objects.filter(content_type=content_type, object_id=instance.pk)


# Validation: the models hold every rule (clean() and their constraints); each write
# runs them inside its transaction, so the API, the admin and commands refuse the same
# input with the same messages.


def validated(instance: Model, *, prefix: str = "", exclude: Iterable[str] = ()) -> None:
    """Run the row's full validation; errors keyed by field, under `prefix` when given
    (``appearances[1].offset``). Raises ValidationError."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        if not prefix:
            raise
        raise ValidationError(
            {
                prefix if name == NON_FIELD_ERRORS else f"{prefix}.{name}": messages
                for name, messages in error.message_dict.items()
            }
        ) from None


# Claiming rows


def row_claim(*, instance: Versioned, expected_version: int | None) -> dict[str, Any]:
    """Bump the row's version if it is still `expected_version` (None: whatever it is).

    The UPDATE also locks the row until the transaction ends, so a concurrent writer
    waits and then finds the version moved on. Returns the row's state before this
    write. Raises VersionConflict when the version moved or the row is gone.
    """
    assert transaction.get_connection().in_atomic_block, "claim rows inside a transaction"
    model = type(instance)
    rows = model.objects.filter(pk=instance.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if rows.update(version=F("version") + 1) != 1:
        current = model.objects.filter(pk=instance.pk).values_list("version", flat=True)
        raise VersionConflict(current.first())
    current_row = model.objects.get(pk=instance.pk)
    instance.version = current_row.version
    return snapshot(current_row)


# Generic rows: speakers, organizations, affiliations, sources, topics


@transaction.atomic
def object_create(*, instance: Versioned, by: AbstractBaseUser, reason: str = "") -> Versioned:
    """Save a new row and record its creation."""
    validated(instance)
    instance.save()
    revision_record(instance=instance, action=Action.CREATE, by=by, before={}, reason=reason)
    return instance


@transaction.atomic
def object_update(
    *,
    instance: Versioned,
    fields: dict[str, Any],
    expected_version: int | None,
    by: AbstractBaseUser,
    reason: str = "",
) -> Versioned:
    """Apply `fields` to the current row, if it is still at `expected_version`."""
    before = row_claim(instance=instance, expected_version=expected_version)
    current = type(instance).objects.get(pk=instance.pk)
    for name, value in fields.items():
        setattr(current, name, value)
    validated(current)
    current.save()
    revision_record(instance=current, action=Action.UPDATE, by=by, before=before, reason=reason)
    return current


@transaction.atomic
def object_delete(
    *, instance: Versioned, expected_version: int | None, by: AbstractBaseUser, reason: str = ""
) -> None:
    """Delete the row unless history depends on it; the deletion itself is recorded."""
    before = row_claim(instance=instance, expected_version=expected_version)
    pk = instance.pk
    try:
        instance.delete()
    except ProtectedError as exc:
        raise DeletionRefused(protected_explanation(instance, exc.protected_objects)) from None
    instance.pk = pk  # delete() clears it; the revision still names the row
    revision_record(instance=instance, action=Action.DELETE, by=by, before=before, reason=reason)


def protected_explanation(instance: Model, protected: Iterable[Model]) -> str:
    kinds: dict[str, int] = {}
    for obj in protected:
        label = str(obj._meta.verbose_name_plural)
        kinds[label] = kinds.get(label, 0) + 1
    listed = ", ".join(f"{count} {label}" for label, count in sorted(kinds.items()))
    return (
        f"{instance._meta.verbose_name.capitalize()} “{instance}” cannot be deleted: "
        f"{listed} refer to it. Reassign or merge them first."
    )


# Statements, with their appearances and topics


def _write_statement_parts(
    statement: Statement,
    topics: Iterable[Topic] | None,
    appearances: Iterable[dict[str, Any]] | None,
) -> None:
    if topics is not None:
        statement.topics.set(topics)
    if appearances is None:
        return
    rows = [Appearance(statement=statement, **fields) for fields in appearances]
    seen: dict[tuple[int, int], int] = {}
    for index, row in enumerate(rows):
        # The statement is excluded: its old appearances, replaced below, would clash.
        validated(row, prefix=f"appearances[{index}]", exclude=["statement"])
        if (key := (row.source_id, row.offset)) in seen:
            message = f"Duplicates appearance {seen[key]}: same source and offset."
            raise ValidationError({f"appearances[{index}].offset": message})
        seen[key] = index
    statement.appearances.all().delete()
    Appearance.objects.bulk_create(rows)


@transaction.atomic
def statement_create(
    *,
    fields: dict[str, Any],
    topics: Iterable[Topic] = (),
    appearances: Iterable[dict[str, Any]] = (),
    by: AbstractBaseUser,
    reason: str = "",
) -> Statement:
    """Create a statement with its appearances and topics, all or nothing."""
    statement = Statement(**fields)
    validated(statement)
    statement.save()
    _write_statement_parts(statement, topics, appearances)
    revision_record(instance=statement, action=Action.CREATE, by=by, before={}, reason=reason)
    return statement


@transaction.atomic
def statement_update(
    *,
    statement: Statement,
    expected_version: int | None,
    fields: dict[str, Any],
    topics: Iterable[Topic] | None = None,
    appearances: Iterable[dict[str, Any]] | None = None,
    by: AbstractBaseUser,
    reason: str = "",
    action: str = Action.UPDATE,
) -> Statement:
    """Change a statement; `topics` and `appearances`, when given, replace the old ones."""
    before = row_claim(instance=statement, expected_version=expected_version)
    current = Statement.objects.get(pk=statement.pk)
    for name, value in fields.items():
        setattr(current, name, value)
    validated(current)
    current.save()
    _write_statement_parts(current, topics, appearances)
    revision_record(instance=current, action=action, by=by, before=before, reason=reason)
    return current


@transaction.atomic
def statement_verify(
    *, statements: QuerySet[Statement], by: AbstractBaseUser, expected_version: int | None = None
) -> int:
    """Mark statements verified by `by`, now; each is recorded in its history.

    Already-verified statements keep their record (verifying is idempotent).
    `expected_version`, for a single statement, is compared-and-set like any other
    write. Returns how many changed.
    """
    now = timezone.now()
    changed = 0
    for pk in statements.order_by("pk").values_list("pk", flat=True):
        # Lock, then read: of verifications racing for one statement only the first
        # finds it unverified; the others leave the first one's record alone.
        statement = Statement.objects.select_for_update().get(pk=pk)
        if statement.status == Statement.Status.VERIFIED:
            continue
        fields = {"status": Statement.Status.VERIFIED, "verified_by": by, "verified_at": now}
        statement_update(
            statement=statement,
            expected_version=expected_version,
            fields=fields,
            by=by,
            action=Action.VERIFY,
        )
        changed += 1
    return changed


@transaction.atomic
def statement_retract(
    *, statement: Statement, reason: str, by: AbstractBaseUser, expected_version: int | None
) -> Statement:
    """Retract a statement: kept, hidden from the public, with the reason why."""
    fields = {"status": Statement.Status.RETRACTED, "retraction_reason": reason}
    return statement_update(
        statement=statement,
        expected_version=expected_version,
        fields=fields,
        by=by,
        reason=reason,
        action=Action.RETRACT,
    )


@transaction.atomic
def statement_revert(
    *, statement: Statement, revision: Revision, by: AbstractBaseUser
) -> Statement:
    """Restore the statement as it was at `revision`; the revert is itself recorded."""
    state = dict(revision.snapshot)
    topics = Topic.objects.filter(slug__in=state.pop("topics", []))
    appearances = [
        {_attname(Appearance, name): a[name] for name in APPEARANCE_FIELDS}
        for a in state.pop("appearances", [])
    ]
    fields = {Statement._meta.get_field(name).attname: value for name, value in state.items()}
    return statement_update(
        statement=statement,
        expected_version=None,
        fields=fields,
        topics=topics,
        appearances=appearances,
        by=by,
        reason=f"Reverted to version {revision.version}.",
        action=Action.REVERT,
    )


# Appearances edited on their own


def _recorded_on_statement(statement: Statement, by: AbstractBaseUser, write: Any) -> None:
    # An appearance is part of its statement: the statement's version and history
    # record the change.
    with transaction.atomic():
        before = row_claim(instance=statement, expected_version=None)
        write()
        revision_record(instance=statement, action=Action.UPDATE, by=by, before=before)


def appearance_save(*, appearance: Appearance, by: AbstractBaseUser) -> None:
    """Save one appearance, recorded as a change to its statement."""
    _recorded_on_statement(appearance.statement, by, appearance.save)


def appearance_delete(*, appearance: Appearance, by: AbstractBaseUser) -> None:
    """Delete one appearance, recorded as a change to its statement."""
    _recorded_on_statement(appearance.statement, by, appearance.delete)


# Merging duplicates


def _claim_both(keep: Versioned, duplicate: Versioned) -> dict[str, Any]:
    """Claim both rows of a merge, in id order (two merges of the same pair in opposite
    directions would otherwise deadlock); returns `keep`'s state before."""
    states = {}
    for row in sorted([keep, duplicate], key=lambda row: row.pk):
        states[row.pk] = row_claim(instance=row, expected_version=None)
    return states[keep.pk]


def _move_history(duplicate: Model, keep: Model) -> None:
    history_of(duplicate).update(object_id=keep.pk)


@transaction.atomic
def statement_merge(
    *, keep: Statement, duplicate: Statement, by: AbstractBaseUser, reason: str = ""
) -> Statement:
    """Fold `duplicate` into `keep`: its appearances, topics, responses and history move
    over (an appearance `keep` already has at the same source and offset is dropped)."""
    if keep.pk == duplicate.pk:
        raise ValidationError({"duplicate": "A statement cannot be merged into itself."})
    before = _claim_both(keep, duplicate)
    keep, duplicate = Statement.objects.get(pk=keep.pk), Statement.objects.get(pk=duplicate.pk)
    held = set(keep.appearances.values_list("source_id", "offset"))
    for appearance in duplicate.appearances.all():
        if (appearance.source_id, appearance.offset) not in held:
            Appearance.objects.filter(pk=appearance.pk).update(statement=keep)
    keep.topics.add(*duplicate.topics.all())
    for response in duplicate.responses.all():
        statement_update(
            statement=response,
            expected_version=None,
            fields={"in_response_to": keep},
            by=by,
            reason=f"Merged statement {duplicate.pk} into {keep.pk}.",
        )
    _move_history(duplicate, keep)
    duplicate.delete()
    keep.refresh_from_db()
    why = reason or f"Merged statement {duplicate.pk} into this one."
    revision_record(instance=keep, action=Action.MERGE, by=by, before=before, reason=why)
    return keep


@transaction.atomic
def speaker_merge(
    *, keep: Speaker, duplicate: Speaker, by: AbstractBaseUser, reason: str = ""
) -> Speaker:
    """Fold `duplicate` into `keep`: statements, affiliations, names and history move."""
    if keep.pk == duplicate.pk:
        raise ValidationError({"duplicate": "A speaker cannot be merged into itself."})
    before = _claim_both(keep, duplicate)
    # Lock, then read: an edit of `keep` committed while this waited is kept, not
    # overwritten by the row as it was read before.
    keep, duplicate = Speaker.objects.get(pk=keep.pk), Speaker.objects.get(pk=duplicate.pk)
    why = reason or f"Merged speaker “{duplicate.slug}” into “{keep.slug}”."
    for statement in duplicate.statements.all():
        statement_update(
            statement=statement, expected_version=None, fields={"speaker": keep}, by=by, reason=why
        )
    for affiliation in duplicate.affiliations.all():
        affiliation.speaker = keep
        if (
            type(affiliation)
            .objects.filter(
                speaker=keep,
                organization=affiliation.organization_id,
                title=affiliation.title,
                start_on=affiliation.start_on,
            )
            .exists()
        ):
            affiliation.delete()  # keep already has this role
        else:
            affiliation.save()
    names = [*keep.aliases, duplicate.name, *duplicate.aliases]
    keep.aliases = list(dict.fromkeys(n for n in names if n != keep.name))
    keep.save()
    _move_history(duplicate, keep)
    duplicate.delete()
    revision_record(instance=keep, action=Action.MERGE, by=by, before=before, reason=why)
    return keep


# Curator accounts


@transaction.atomic
def curator_save(*, username: str, password: str) -> tuple[AbstractBaseUser, bool, str | None]:
    """Create a curator login, or update the password of an existing one.

    A curator is staff in the Curators group, with an API token. The password must
    satisfy the configured validators (raises ValidationError otherwise). Returns the
    user, whether it was created, and a new API token if the curator had none (a token
    is stored as a digest only, so one issued before cannot be shown again).
    """
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username)
    validate_password(password, user)
    user.set_password(password)
    user.is_staff = True
    user.is_active = True
    user.save()
    user.groups.add(Group.objects.get(name=CURATORS_GROUP))
    has_token = AuthToken.objects.filter(user=user).exists()
    return user, created, None if has_token else token_issue(user=user)


def token_issue(*, user: AbstractBaseUser) -> str:
    """A new API token for `user`: the only time it is seen in full."""
    _, token = AuthToken.objects.create(user=user, expiry=None)
    return token


def token_revoke(*, username: str) -> bool:
    """Revoke the user's API tokens; False if they had none."""
    deleted, _ = AuthToken.objects.filter(user__username=username).delete()
    return bool(deleted)


# =======================================================================================
# Article intake and the review queue
#
# An import stores a source with the extractor's candidates (proposals, never public);
# reviewing turns each into a draft statement with its appearance, a new appearance of
# an existing statement, or a rejection kept with its reason, so that the same article
# imported again does not propose it again. quotes/intake/ reads and builds the values;
# these functions write them.
# =======================================================================================


class CandidateConflict(Exception):
    """The candidate cannot be reviewed as asked: it was reviewed already, or its
    source's text no longer holds its wording."""


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did: a new source, or the existing one the article already is."""

    source: Source
    created: bool
    duplicate_of: str = ""  # why the existing source: "same URL" or "same text"
    proposed: int = 0  # candidates added by this import
    known: int = 0  # candidates the source had already (not proposed again)
    outlet: OutletFinding | None = None

    @property
    def message(self) -> str:
        added = f"{self.proposed} candidate{'' if self.proposed == 1 else 's'} proposed"
        if self.created:
            return f"Imported as source {self.source.pk}: {added}."
        before = f", {self.known} known from before" if self.known else ""
        return (
            f"Already imported as source {self.source.pk} ({self.duplicate_of}): {added}{before}."
        )


def source_import(
    *,
    article: Article,
    by: AbstractBaseUser | None,
    outlet: Organization | None = None,
    extracted: list | None = None,
    matched: bool = False,
) -> ImportOutcome:
    """Import an article: a new source (metadata kept, outlet matched or proposed) with
    the extractor's candidates; or, for the same URL or text, the existing source, with
    only candidates never proposed before. Extraction and statement matching read before
    the write, which is one transaction. `extracted` (the extractor's output for
    `article.text`, `matched` to existing statements already or not) lets a batch
    extract and match in other processes."""
    from .intake import proposals, review

    if (existing := review.duplicate_of(article)) is not None:
        return _import_again(*existing, article=article, by=by, extracted=extracted)
    finding = (
        OutletFinding(outlet.name, "given", outlet.pk)
        if outlet is not None
        else proposals.find_outlet(article)
    )
    source = _source_for(article, finding)
    if extracted is None:
        extracted = proposals.extracted(article.text, article.published_on)
    rows = proposals.new_candidates(article.text, extracted, known=set(), match=not matched)
    try:
        with transaction.atomic():
            return _import_new(source, rows, article, finding, by)
    except IntegrityError:
        # Another import of the same article committed first: unique URL or text digest.
        if (existing := review.duplicate_of(article)) is None:
            raise
        return _import_again(*existing, article=article, by=by, extracted=extracted)


def _source_for(article: Article, finding: OutletFinding | None) -> Source:
    source = Source(
        kind=Source.Kind.ARTICLE,
        outlet_id=finding.outlet_id if finding else None,
        title=article.title,
        url=article.url,
        published_on=article.published_on,
        authors=list(article.authors),
        language=article.language,
        text=article.text,
    )
    validated(source)
    return source


def _import_new(
    source: Source,
    rows: list[Candidate],
    article: Article,
    finding: OutletFinding | None,
    by: AbstractBaseUser | None,
) -> ImportOutcome:
    from .intake.proposals import EXTRACTOR_VERSION

    source.save()
    SourceImport.objects.create(
        source=source,
        text_digest=article.digest,
        method=article.method,
        requested_url=article.requested_url[:2000],
        fetched_url=article.fetched_url[:2000],
        filename=article.filename,
        outlet_found_by=finding.found_by if finding else "",
        proposed_outlet=finding.name[:200] if finding and finding.proposed else "",
        extractor_version=EXTRACTOR_VERSION,
        imported_by=by if by is not None and by.is_authenticated else None,
    )
    for row in rows:
        row.source = source
    Candidate.objects.bulk_create(rows)
    how = SourceImport.Method(article.method).label.lower()
    revision_record(
        instance=source, action=Action.CREATE, by=by, before={}, reason=f"Imported: {how}."
    )
    return ImportOutcome(source, created=True, proposed=len(rows), outlet=finding)


def _import_again(
    source: Source,
    why: str,
    *,
    article: Article,
    by: AbstractBaseUser | None,
    extracted: list | None,
) -> ImportOutcome:
    """The article is `source` already: propose what a newer extractor finds in the
    source's own text, nothing that was proposed (or curated) before."""
    from .intake import proposals

    record = SourceImport.objects.filter(source=source).first()
    known_before = source.candidates.count()
    if record is not None and record.extractor_version == proposals.EXTRACTOR_VERSION:
        return ImportOutcome(source, created=False, duplicate_of=why, known=known_before)
    if extracted is None or article.text != source.text:
        extracted = proposals.extracted(source.text, source.published_on)
    rows = proposals.new_candidates(source.text, extracted, known=proposals.known_spans(source))
    with transaction.atomic():
        for row in rows:
            row.source = source
        Candidate.objects.bulk_create(rows, ignore_conflicts=True)
        _import_recorded(source, record, article, by)
        added = source.candidates.count() - known_before
    return ImportOutcome(
        source, created=False, duplicate_of=why, proposed=added, known=known_before
    )


def _import_recorded(
    source: Source, record: SourceImport | None, article: Article, by: AbstractBaseUser | None
) -> None:
    from .intake.articles import text_digest
    from .intake.proposals import EXTRACTOR_VERSION

    if record is not None:
        record.extractor_version = EXTRACTOR_VERSION
        record.save(update_fields=["extractor_version"])
        return
    # A source entered by hand, found by its URL: it is known to intake from now on,
    # unless another source already holds its text's digest.
    digest = text_digest(source.text)
    if not SourceImport.objects.filter(text_digest=digest).exists():
        SourceImport.objects.create(
            source=source,
            text_digest=digest,
            method=article.method,
            requested_url=article.requested_url[:2000],
            extractor_version=EXTRACTOR_VERSION,
            imported_by=by if by is not None and by.is_authenticated else None,
        )


@transaction.atomic
def source_outlet_create(
    *, source: Source, name: str, by: AbstractBaseUser, expected_version: int | None = None
) -> Source:
    """Create the news outlet an import proposed (or a curator named) and make it the
    source's outlet."""
    outlet = Organization(
        name=name.strip()[:200],
        slug=_unique_slug(Organization, name),
        kind=OrganizationKind.NEWS_OUTLET,
    )
    object_create(instance=outlet, by=by, reason=f"The outlet of source {source.pk}.")
    SourceImport.objects.filter(source=source).update(proposed_outlet="")
    return object_update(
        instance=source, fields={"outlet": outlet}, expected_version=expected_version, by=by
    )


def _unique_slug(model: type[Model], name: str, suffix: str = "") -> str:
    base = (slugify(f"{name} {suffix}") or model._meta.model_name)[:190]
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


# Reviewing candidates


def _candidate_claim(
    candidate: Candidate, expected_version: int | None
) -> tuple[dict[str, Any], Candidate]:
    """Claim the candidate (compare-and-set), then read it: of two curators accepting it
    at once, the second finds it reviewed. Raises CandidateConflict if it is."""
    before = row_claim(instance=candidate, expected_version=expected_version)
    current = Candidate.objects.select_related("source", "reviewed_by").get(pk=candidate.pk)
    if current.status != CandidateStatus.OPEN:
        who = current.reviewed_by.get_username() if current.reviewed_by else "someone"
        when = f" at {current.reviewed_at:%Y-%m-%d %H:%M} UTC" if current.reviewed_at else ""
        into = f", as statement {current.statement_id}" if current.statement_id else ""
        raise CandidateConflict(
            f"Candidate {current.pk} was already {current.status} by {who}{when}{into}."
        )
    return before, current


def _wording_still_there(candidate: Candidate) -> None:
    if not candidate.wording_in_source(candidate.source.text):
        raise CandidateConflict(
            f"The text of source {candidate.source_id} changed since candidate "
            f"{candidate.pk} was proposed: its wording is no longer at "
            f"{candidate.start}–{candidate.end}. Correct the span, or reject it."
        )


@transaction.atomic
def candidate_accept(
    *,
    candidate: Candidate,
    by: AbstractBaseUser,
    edits: CandidateEdits | None = None,
    expected_version: int | None = None,
    reason: str = "",
) -> Candidate:
    """Accept a candidate, corrected by `edits` if given: a draft statement with its
    appearance (the wording checked at its offset), or, when the statement itself is
    as proposed, a new appearance of the existing statement it repeats. Recorded in the
    candidate's history (who, when, why, which fields were edited) and the statement's.
    Raises CandidateConflict, ValidationError or VersionConflict; nothing is written then."""
    before, current = _candidate_claim(candidate, expected_version)
    values = accepted_values(current, current.source.text, edits or CandidateEdits())
    if "span" not in values.edited:
        _wording_still_there(current)
    why = reason or _accepted_why(current, values)
    appearance = _appearance_of(current, values)
    statement = None if values.statement_changed else _repeated_statement(current)
    if statement is not None:
        _appearance_add(statement=statement, fields=appearance, by=by, reason=why)
    else:
        statement = _statement_from(current, values, appearance, by=by, reason=why)
    return _candidate_reviewed(
        current, before, by=by, status=CandidateStatus.ACCEPTED, statement=statement,
        edited=values.edited, reason=why,
    )  # fmt: skip


def _accepted_why(candidate: Candidate, values: Accepted) -> str:
    how = f"edited ({', '.join(values.edited)})" if values.edited else "unchanged"
    return (
        f"Accepted {how}: candidate {candidate.pk} of source {candidate.source_id} "
        f"(extractor {candidate.extractor_version})."
    )


def _appearance_of(candidate: Candidate, values: Accepted) -> dict[str, Any]:
    return {
        "source": candidate.source,
        "quoted_text": values.text,
        "attribution": candidate.attribution,
        "via_id": values.via_id,
        "offset": values.start,
    }


def _repeated_statement(candidate: Candidate) -> Statement | None:
    """The existing statement this candidate is another printing of: the one matched at
    import, or one accepted since (the same remark earlier in the article, or in an
    article reviewed in the meantime), if credited to the same speaker."""
    from .intake import proposals

    matched = None
    if candidate.matches_statement_id is not None:
        matched = Statement.objects.select_related("speaker")
        matched = matched.filter(pk=candidate.matches_statement_id).first()
    if matched is None:
        matched = proposals.repeated_since(candidate)
    return matched if matched is not None and proposals.same_speaker(candidate, matched) else None


def _appearance_add(
    *, statement: Statement, fields: dict[str, Any], by: AbstractBaseUser, reason: str
) -> Appearance:
    """One more appearance of an existing statement, recorded in its history."""
    try:
        before = row_claim(instance=statement, expected_version=None)
    except VersionConflict:
        raise ValidationError({"statement": f"No statement {statement.pk}."}) from None
    appearance = Appearance(statement=statement, **fields)
    validated(appearance, prefix="appearance")
    appearance.save()
    revision_record(instance=statement, action=Action.UPDATE, by=by, before=before, reason=reason)
    return appearance


def _statement_from(
    candidate: Candidate,
    values: Accepted,
    appearance: dict[str, Any],
    *,
    by: AbstractBaseUser,
    reason: str,
) -> Statement:
    speaker, organization_id = _credited(candidate, values, by)
    same_speaker = "speaker" not in values.edited
    fields = {
        "text": canonical_text(values.text, values.kind),
        "kind": values.kind,
        "speaker": speaker,
        "organization_id": organization_id,
        "speaker_title": candidate.speaker_title if same_speaker else "",
        "said_on": values.said_on,
        "said_on_precision": values.said_on_precision,
        "setting": candidate.setting,
        "location": candidate.location,
        "anonymity_reason": candidate.anonymity_reason if same_speaker else "",
        "status": Statement.Status.DRAFT,
    }
    return statement_create(fields=fields, appearances=[appearance], by=by, reason=reason)


def _credited(
    candidate: Candidate, values: Accepted, by: AbstractBaseUser
) -> tuple[Speaker | None, int | None]:
    """Who the new statement is credited to: a known speaker, one created on the spot
    (shared by the candidates of the same speaker in the article), or an organization
    speaking as a body (created if the database does not know it)."""
    organization_id = values.organization_id
    if isinstance(values.speaker, Speaker):
        return values.speaker, organization_id
    if isinstance(values.speaker, NewSpeaker):
        return _speaker_for(candidate, values.speaker, organization_id, by), organization_id
    if "speaker" in values.edited or candidate.organization_speaking:
        if organization_id is None and candidate.organization_speaking and candidate.speaker_name:
            organization_id = _organization_for(candidate, by).pk
        if organization_id is None:
            raise ValidationError({"organization": "Credit the statement to someone."})
        return None, organization_id
    if not candidate.speaker_name:
        raise ValidationError(
            {"speaker": "The extractor found no speaker: name who said it, then accept."}
        )
    sibling = (
        Candidate.objects.filter(
            source_id=candidate.source_id,
            speaker_key=candidate.speaker_key,
            speaker_name=candidate.speaker_name,
            created_speaker__isnull=False,
        )
        .select_related("created_speaker")
        .first()
    )
    if sibling is not None:
        candidate.created_speaker = sibling.created_speaker
        return sibling.created_speaker, organization_id
    proposed = NewSpeaker(
        name=candidate.speaker_name,
        is_anonymous=candidate.speaker_anonymous,
        description=candidate.speaker_description,
        country=candidate.speaker_country,
    )
    return _speaker_for(candidate, proposed, organization_id, by), organization_id


def _speaker_for(
    candidate: Candidate, new: NewSpeaker, organization_id: int | None, by: AbstractBaseUser
) -> Speaker:
    """A speaker created on the spot; an unnamed source is one per source, so its slug
    names the source."""
    description = new.description or (new.name if new.is_anonymous else "")
    suffix = f"source {candidate.source_id}" if new.is_anonymous else ""
    speaker = Speaker(
        name=new.name.strip()[:200],
        slug=_unique_slug(Speaker, new.name, suffix),
        is_anonymous=new.is_anonymous,
        description=description[:300],
        country=new.country[:100],
        organization_id=organization_id if new.is_anonymous else None,
    )
    why = f"Named in source {candidate.source_id} (candidate {candidate.pk})."
    object_create(instance=speaker, by=by, reason=why)
    candidate.created_speaker = speaker
    return speaker


def _organization_for(candidate: Candidate, by: AbstractBaseUser) -> Organization:
    name = candidate.organization_name or candidate.speaker_name
    organization = Organization(name=name[:200], slug=_unique_slug(Organization, name))
    why = f"Spoke as a body in source {candidate.source_id} (candidate {candidate.pk})."
    return object_create(instance=organization, by=by, reason=why)


def _candidate_reviewed(
    candidate: Candidate,
    before: dict[str, Any],
    *,
    by: AbstractBaseUser,
    status: str,
    statement: Statement | None,
    edited: list[str],
    reason: str,
) -> Candidate:
    candidate.status = status
    candidate.statement = statement
    candidate.edited_fields = edited
    candidate.reason = reason
    candidate.reviewed_by = by
    candidate.reviewed_at = timezone.now()
    validated(candidate)
    candidate.save()
    action = Action.MERGE if status == CandidateStatus.MERGED else Action.UPDATE
    revision_record(instance=candidate, action=action, by=by, before=before, reason=reason)
    return candidate


@transaction.atomic
def candidate_merge(
    *,
    candidate: Candidate,
    statement: Statement,
    by: AbstractBaseUser,
    expected_version: int | None = None,
    reason: str = "",
) -> Candidate:
    """Record the candidate as another appearance of `statement`, a curator's choice
    (rather than the statement the extractor matched, or a new one)."""
    before, current = _candidate_claim(candidate, expected_version)
    _wording_still_there(current)
    values = accepted_values(current, current.source.text, CandidateEdits())
    where = f"candidate {current.pk} of source {current.source_id}"
    why = reason or f"Merged {where} into statement {statement.pk}."
    _appearance_add(statement=statement, fields=_appearance_of(current, values), by=by, reason=why)
    return _candidate_reviewed(
        current, before, by=by, status=CandidateStatus.MERGED, statement=statement,
        edited=[], reason=why,
    )  # fmt: skip


@transaction.atomic
def candidate_reject(
    *, candidate: Candidate, reason: str, by: AbstractBaseUser, expected_version: int | None = None
) -> Candidate:
    """Reject a candidate, with the reason: it is kept, so the same article imported
    again does not propose it again."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the candidate is rejected."})
    before, current = _candidate_claim(candidate, expected_version)
    return _candidate_reviewed(
        current, before, by=by, status=CandidateStatus.REJECTED, statement=None,
        edited=[], reason=reason.strip(),
    )  # fmt: skip


@dataclass(frozen=True)
class BulkAcceptOutcome:
    accepted: list[Candidate]
    refused: list[tuple[Candidate, str]]  # with why


def candidates_accept_confident(
    *, source: Source, min_confidence: float, by: AbstractBaseUser
) -> BulkAcceptOutcome:
    """Accept, as proposed, every open candidate of `source` the extractor is at least
    `min_confidence` sure of, in reading order. Each is its own transaction: one that
    cannot be accepted (no speaker, text changed, taken by someone else) is reported and
    left open, the others are accepted."""
    accepted, refused = [], []
    waiting = source.candidates.filter(status=CandidateStatus.OPEN, confidence__gte=min_confidence)
    for candidate in waiting.order_by("start", "end"):
        try:
            accepted.append(candidate_accept(candidate=candidate, by=by))
        except ValidationError as error:
            refused.append((candidate, "; ".join(error.messages)))
        except (CandidateConflict, VersionConflict) as error:
            refused.append((candidate, str(error)))
    return BulkAcceptOutcome(accepted, refused)
