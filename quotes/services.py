"""Writes that touch several rows or models, shared by the admin, the API and commands."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import Statement

CURATORS_GROUP = "Curators"


@transaction.atomic
def statement_verify(*, statements: QuerySet[Statement], by: AbstractBaseUser) -> int:
    """Mark statements verified by `by`, now; already-verified ones keep their record.

    Returns how many statements changed.
    """
    now = timezone.now()
    pending = statements.exclude(status=Statement.Status.VERIFIED)
    return pending.update(
        status=Statement.Status.VERIFIED, verified_by=by, verified_at=now, updated_at=now
    )


@transaction.atomic
def curator_save(*, username: str, password: str) -> tuple[AbstractBaseUser, bool]:
    """Create a curator login, or update the password of an existing one.

    A curator is staff in the Curators group. The password must satisfy the
    configured validators (raises ValidationError otherwise). Returns the user and
    whether it was created.
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
    return user, created
