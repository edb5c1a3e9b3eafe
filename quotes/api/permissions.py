"""Who may do what: anyone reads published data; curators write, with model permissions."""

from typing import Any

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissionsOrAnonReadOnly
from rest_framework.request import Request


class CuratorPermissions(DjangoModelPermissionsOrAnonReadOnly):
    """Model permissions for writes (add, change, delete), read-only for everyone else.

    Actions that change a row (verify, retract, merge) need the change permission,
    whatever their HTTP method.
    """

    change_actions = {"verify", "retract", "merge"}

    def has_permission(self, request: Request, view: Any) -> bool:
        if getattr(view, "action", None) in self.change_actions:
            user, model = request.user, self._queryset(view).model
            perm = f"{model._meta.app_label}.change_{model._meta.model_name}"
            return bool(user and user.is_authenticated and user.has_perm(perm))
        if request.method in SAFE_METHODS:
            # Everyone may read; the parent class would build the view's queryset (joins,
            # prefetches) on every read just to learn that.
            return True
        return super().has_permission(request, view)
