"""History and edit-conflict protection for the curators' admin.

Every admin save goes through quotes.services (claim the row's version, write, record
a Revision), and a curator saving a form opened before someone else's change is told
so, with their own input kept, instead of overwriting the other change.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from . import services
from .models import Revision


class VersionedAdminForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    change_reason = forms.CharField(
        label="Reason for this change",
        required=False,
        max_length=500,
        help_text="Optional; kept in the history.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        expected = data.get("expected_version")
        if self.instance.pk and expected is not None:
            current = (
                type(self.instance)
                .objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current != expected:
                self.refuse_stale(current)
        return data

    def refuse_stale(self, current: int | None) -> None:
        last = services.history_of(self.instance).select_related("user").first()
        who = (last.user.get_username() if last and last.user else None) or "Someone else"
        when = f" at {last.at:%H:%M on %-d %b %Y} UTC" if last else ""
        # The next save is a deliberate choice to replace their version with this one.
        self.data = self.data.copy()
        self.data[self.add_prefix("expected_version")] = current
        raise forms.ValidationError(
            f"{who} changed this {self.instance._meta.verbose_name}{when}, after you opened "
            "it. Nothing was saved and your edits are still below. Open the page in a new "
            "tab to see their changes; saving this form again will replace them with yours."
        )


class HistoryAdminMixin:
    """Saves and deletions through quotes.services; history shown from Revisions."""

    form = VersionedAdminForm
    history_template = "admin/quotes/history.html"

    def save_model(self, request: HttpRequest, obj: Model, form: forms.Form, change: bool) -> None:
        before = {}
        if change:
            expected = form.cleaned_data.get("expected_version")
            before = services.row_claim(instance=obj, expected_version=expected)
        obj.save()
        obj._history_before = before

    def save_related(
        self, request: HttpRequest, form: forms.Form, formsets: list, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        before = getattr(form.instance, "_history_before", {})
        if change and before == services.snapshot(form.instance):
            return  # saved unchanged (a verification alone is recorded as such)
        services.revision_record(
            instance=form.instance,
            action=services.Action.UPDATE if change else services.Action.CREATE,
            by=request.user,
            before=before,
            reason=form.cleaned_data.get("change_reason", ""),
        )

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().changeform_view(request, *args, **kwargs)
        except services.VersionConflict:
            # Lost a race between the form's check and the write: nothing was saved.
            messages.error(request, "Someone saved this at the same moment; please try again.")
            return HttpResponseRedirect(request.get_full_path())

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        services.object_delete(instance=obj, expected_version=None, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "revisions": services.history_of(obj).select_related("user"),
            "can_revert": getattr(self, "can_revert", False)
            and self.has_change_permission(request, obj),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.history_template, context)


def revision_or_404(obj: Model, revision_id: int) -> Revision:
    return get_object_or_404(services.history_of(obj), pk=revision_id)
