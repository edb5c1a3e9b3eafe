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
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Model, ProtectedError, QuerySet
from django.utils import timezone
from knox.models import AuthToken

from .models import Appearance, Revision, Speaker, Statement, Topic, Versioned

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
