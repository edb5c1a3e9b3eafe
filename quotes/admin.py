"""The curators' admin: find, check and correct who said what, as each outlet printed it."""

import re
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.safestring import SafeString

from . import correction, search, services
from .admin_history import HistoryAdminMixin, revision_or_404
from .forms import AppearanceForm, NameListField
from .models import Affiliation, Appearance, Organization, Source, Speaker, Statement, Topic
from .site.wording import differs, marked_wording

admin.site.site_header = "Quote and attribution database"
admin.site.site_title = "Quotes admin"
admin.site.index_title = "Curation"

# Aliases and authors are JSON lists; curators edit them one name per line.
NAME_LISTS = {models.JSONField: {"form_class": NameListField}}
# A URL pasted without a scheme is almost always an https one.
SOURCE_FIELDS = {**NAME_LISTS, models.URLField: {"assume_scheme": "https"}}


class AppearanceInline(admin.StackedInline):
    model = Appearance
    form = AppearanceForm
    extra = 0
    autocomplete_fields = ["source", "via"]
    fields = [("source", "offset"), "quoted_text", ("attribution", "via")]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Appearance]:
        # Each inline shows its source and statement by name: load them with the rows,
        # but not the sources' full texts.
        return (
            super()
            .get_queryset(request)
            .select_related("source", "via", "statement__speaker", "statement__organization")
            .defer("source__text")
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Autocomplete widgets look up their selected row by name, one query per form:
        # at least let that one query bring the speaker the name is made of.
        if db_field.name == "statement":
            kwargs["queryset"] = Statement.objects.select_related("speaker", "organization")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SourceAppearanceInline(AppearanceInline):
    autocomplete_fields = ["statement", "via"]
    fields = [("statement", "offset"), "quoted_text", ("attribution", "via")]


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ["organization"]


class OutletFilter(admin.SimpleListFilter):
    """Statements printed by one outlet (in any of their appearances)."""

    title = "outlet"
    parameter_name = "outlet"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        outlets = Organization.objects.filter(kind=Organization.Kind.NEWS_OUTLET)
        return [(str(outlet.pk), outlet.name) for outlet in outlets]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
        if not re.fullmatch(r"[0-9]{1,18}", self.value()):
            return queryset.none()
        # EXISTS rather than a join, so a statement printed twice is listed once.
        printed = Appearance.objects.filter(statement=OuterRef("pk"), source__outlet=self.value())
        return queryset.filter(Exists(printed))


@admin.register(Statement)
class StatementAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = [
        "short_text",
        "credited_to",
        "kind",
        "said_on_display",
        "status",
        "appearance_count",
    ]
    list_display_links = ["short_text"]
    list_filter = [
        "kind",
        "status",
        ("speaker__is_anonymous", admin.BooleanFieldListFilter),
        ("organization", admin.RelatedOnlyFieldListFilter),
        OutletFilter,
        "topics",
        "said_on",
        "said_on_precision",
    ]
    date_hierarchy = "said_on"
    search_fields = [
        "text",
        "appearances__quoted_text",
        "speaker__name",
        "speaker__aliases",
        "organization__name",
    ]
    list_select_related = ["speaker", "organization"]
    autocomplete_fields = ["speaker", "organization", "topics", "in_response_to"]
    readonly_fields = ["verified_by", "verified_at", "created_at", "updated_at", "wordings"]
    inlines = [AppearanceInline]
    actions = ["mark_verified"]
    fieldsets = [
        (None, {"fields": ["text", "kind", "wordings", "expected_version"]}),
        ("Who", {"fields": ["speaker", "organization", "speaker_title", "anonymity_reason"]}),
        (
            "When and where",
            {"fields": [("said_on", "said_on_precision"), "setting", "location"]},
        ),
        ("Context", {"fields": ["topics", "in_response_to"]}),
        (
            "Review",
            {
                "fields": [
                    "status",
                    "verified_by",
                    "verified_at",
                    "retraction_reason",
                    "notes",
                    "change_reason",
                ]
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Statement]:
        return super().get_queryset(request).with_appearance_count()

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Statement], search_term: str
    ) -> tuple[QuerySet[Statement], bool]:
        """The same full-text search (and correction of misspelled names) as the API's
        `q`, so that both find the same statements for the same words."""
        if not search_term.strip():
            return queryset, False
        fixed = correction.corrected(search_term, queryset)
        match = request.resolver_match
        if fixed and match and match.url_name == "quotes_statement_changelist":
            shown = f"Showing results for “{fixed}” (no statement matches “{search_term}”)."
            self.message_user(request, shown, messages.INFO)
        return search.search_statements(queryset, fixed or search_term), False

    @admin.display(description="statement", ordering="text")
    def short_text(self, statement: Statement) -> str:
        return statement.text if len(statement.text) <= 100 else statement.text[:99] + "…"

    @admin.display(description="credited to", ordering="speaker__name")
    def credited_to(self, statement: Statement) -> str:
        return str(statement.credited_to)

    @admin.display(description="said on", ordering="said_on")
    def said_on_display(self, statement: Statement) -> str:
        return statement.said_on_display

    @admin.display(description="appearances", ordering="appearance_count")
    def appearance_count(self, statement: Statement) -> int:
        return statement.appearance_count

    @admin.display(description="wording in each source")
    def wordings(self, statement: Statement) -> SafeString:
        if statement.pk is None:
            return render_to_string("admin/quotes/wordings.html", {"appearances": []})
        appearances = statement.appearances.select_related("source__outlet", "via")
        # Each wording's differences from the canonical text marked as the site marks them.
        for appearance in appearances:
            appearance.marked = marked_wording(statement.text, appearance.quoted_text)
            appearance.differs = differs(statement.text, appearance.quoted_text)
        return render_to_string(
            "admin/quotes/wordings.html", {"statement": statement, "appearances": appearances}
        )

    can_revert = True

    def save_model(self, request: HttpRequest, obj: Statement, form: Any, change: bool) -> None:
        # Choosing "verified" in the form is the review action, as the list's action is:
        # the form saves the other fields, then services.statement_verify records who,
        # when and a "verify" revision (save_related).
        verified = Statement.Status.VERIFIED
        obj._verify_after_save = obj.status == verified and obj.verified_by_id is None
        if obj._verify_after_save:
            obj.status = form.initial.get("status", Statement.Status.DRAFT)
            if obj.status == verified:  # verified before, without a record of who
                obj.status = Statement.Status.DRAFT
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: list, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if getattr(form.instance, "_verify_after_save", False):
            verifying = Statement.objects.filter(pk=form.instance.pk)
            services.statement_verify(statements=verifying, by=request.user)

    def get_urls(self) -> list:
        revert = self.admin_site.admin_view(self.revert_view)
        return [
            path(
                "<path:object_id>/revert/<int:revision_id>/", revert, name="quotes_statement_revert"
            ),
            *super().get_urls(),
        ]

    def revert_view(self, request: HttpRequest, object_id: str, revision_id: int) -> HttpResponse:
        statement = self.get_object(request, object_id)
        if statement is None or request.method != "POST":
            raise Http404("No such statement, or not a POST.")
        if not self.has_change_permission(request, statement):
            raise PermissionDenied
        revision = revision_or_404(statement, revision_id)
        services.statement_revert(statement=statement, revision=revision, by=request.user)
        self.message_user(request, f"Reverted to version {revision.version}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:quotes_statement_change", args=[statement.pk]))

    @admin.action(description="Mark selected statements verified", permissions=["change"])
    def mark_verified(self, request: HttpRequest, queryset: QuerySet[Statement]) -> None:
        changed = services.statement_verify(statements=queryset, by=request.user)
        already = queryset.count() - changed
        note = f"; {already} already were (their verification is kept)" if already else ""
        self.message_user(
            request, f"{changed} statement(s) marked verified{note}.", messages.SUCCESS
        )


@admin.register(Appearance)
class AppearanceAdmin(admin.ModelAdmin):
    form = AppearanceForm
    list_display = ["statement", "source", "offset", "attribution", "via", "wording_found"]
    list_filter = [("source__outlet", admin.RelatedOnlyFieldListFilter), "via"]
    search_fields = ["quoted_text", "attribution", "source__title"]
    list_select_related = ["statement__speaker", "statement__organization", "source__outlet", "via"]
    autocomplete_fields = ["statement", "source", "via"]

    def save_model(self, request: HttpRequest, obj: Appearance, form: Any, change: bool) -> None:
        services.appearance_save(appearance=obj, by=request.user)

    def delete_model(self, request: HttpRequest, obj: Appearance) -> None:
        services.appearance_delete(appearance=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Appearance]) -> None:
        for appearance in queryset.select_related("statement"):
            self.delete_model(request, appearance)

    @admin.display(description="found at offset", boolean=True)
    def wording_found(self, appearance: Appearance) -> bool:
        return appearance.wording_in_source()


@admin.register(Source)
class SourceAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["title", "outlet", "published_on", "url", "appearance_count"]
    list_filter = [("outlet", admin.RelatedOnlyFieldListFilter), "kind", "published_on"]
    search_fields = ["title", "url", "authors", "outlet__name"]
    list_select_related = ["outlet"]
    autocomplete_fields = ["outlet"]
    formfield_overrides = SOURCE_FIELDS
    inlines = [SourceAppearanceInline]
    date_hierarchy = "published_on"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return super().get_queryset(request).annotate(appearance_count=Count("appearances"))

    @admin.display(description="appearances", ordering="appearance_count")
    def appearance_count(self, source: Source) -> int:
        return source.appearance_count


@admin.register(Speaker)
class SpeakerAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "description", "is_anonymous", "organization", "statement_count"]
    list_filter = ["is_anonymous", ("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "aliases", "description", "slug"]
    list_select_related = ["organization"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organization"]
    formfield_overrides = NAME_LISTS
    inlines = [AffiliationInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Speaker]:
        # With their first source: an anonymous source is listed (and offered by the
        # statement form's autocomplete) as "U.S. official (The Washington Post, …)".
        speakers = super().get_queryset(request).with_statement_count().with_first_source()
        return speakers.order_by("name", "id")  # counting drops the default order

    @admin.display(description="statements", ordering="statement_count")
    def statement_count(self, speaker: Speaker) -> int:
        return speaker.statement_count


@admin.register(Organization)
class OrganizationAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "aliases", "slug"]
    list_select_related = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    formfield_overrides = NAME_LISTS


@admin.register(Affiliation)
class AffiliationAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["speaker", "title", "organization", "start_on", "end_on"]
    list_filter = [("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["speaker__name", "title", "organization__name"]
    list_select_related = ["speaker", "organization"]
    autocomplete_fields = ["speaker", "organization"]


@admin.register(Topic)
class TopicAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "statement_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Topic]:
        return super().get_queryset(request).annotate(statement_count=Count("statements"))

    @admin.display(description="statements", ordering="statement_count")
    def statement_count(self, topic: Topic) -> int:
        return topic.statement_count


# The review queue of article intake (candidates) has its own module.
from . import admin_intake  # noqa: E402, F401
