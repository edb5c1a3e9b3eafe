"""The review queue in the curators' admin: import an article, see the sources waiting
for review, review one source's candidates beside its highlighted text (with keyboard
shortcuts), correct one before accepting, and see how review received each extractor.

Registered as the admin of Candidate, whose list is the queue. Every write goes through
quotes.services; each view checks the permissions its writes need.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from . import services
from .admin_history import HistoryAdminMixin
from .intake import review
from .intake.articles import ArticleError
from .intake.forms import CandidateEditForm, ImportForm, MergeForm
from .intake.models import Candidate, CandidateStatus, SourceImport
from .models import Source

QUEUE_PAGE = 50
REVIEW_PERMS = ["quotes.change_candidate", "quotes.add_statement", "quotes.add_speaker"]
IMPORT_PERMS = ["quotes.add_source", "quotes.add_candidate"]


@admin.register(Candidate)
class CandidateAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """Candidates are reviewed in the queue's pages, not edited as rows; each one's
    History page lists its reviews (who, when, why, what changed)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # candidates come from imports

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # rejected ones are kept: a re-import must not propose them again

    def get_urls(self) -> list:
        def view(function: Callable, name: str, route: str) -> Any:
            return path(
                route, self.admin_site.admin_view(function), name=f"quotes_candidate_{name}"
            )

        return [
            view(self.import_view, "import", "import/"),
            view(self.stats_view, "stats", "statistics/"),
            view(self.review_view, "review", "source/<int:source_id>/"),
            view(self.accept_confident_view, "accept_confident", "source/<int:source_id>/accept/"),
            view(self.outlet_view, "outlet", "source/<int:source_id>/outlet/"),
            view(self.decide_view, "decide", "<int:candidate_id>/decide/"),
            view(self.edit_view, "edit", "<int:candidate_id>/edit/"),
            *super().get_urls(),
        ]

    def context(self, request: HttpRequest, title: str, **values: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            **values,
        }

    def require(self, request: HttpRequest, perms: list[str]) -> None:
        if not request.user.has_perms(perms):
            raise PermissionDenied

    # --- the queue, the statistics -------------------------------------------------

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """The queue: sources with open candidates, the longest waiting first."""
        self.require(request, ["quotes.view_candidate"])
        page = _page_number(request)
        rows = review.review_queue(limit=QUEUE_PAGE + 1, offset=(page - 1) * QUEUE_PAGE)
        context = self.context(
            request,
            "Review queue",
            rows=rows[:QUEUE_PAGE],
            page=page,
            has_next=len(rows) > QUEUE_PAGE,
            can_import=request.user.has_perms(IMPORT_PERMS),
        )
        return TemplateResponse(request, "admin/quotes/candidate/queue.html", context)

    def change_view(
        self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        candidate = get_object_or_404(Candidate.objects.only("source_id"), pk=_int(object_id))
        return HttpResponseRedirect(_review_url(candidate.source_id, candidate.pk))

    def stats_view(self, request: HttpRequest) -> HttpResponse:
        self.require(request, ["quotes.view_candidate"])
        stats = review.extraction_stats()
        context = self.context(
            request, "Extraction statistics: how review received each extractor", stats=stats
        )
        return TemplateResponse(request, "admin/quotes/candidate/stats.html", context)

    # --- importing -----------------------------------------------------------------

    def import_view(self, request: HttpRequest) -> HttpResponse:
        self.require(request, IMPORT_PERMS)
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                outcome = services.source_import(
                    article=form.article(), by=request.user, outlet=form.cleaned_data.get("outlet")
                )
            except ArticleError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                form.add_error(None, "; ".join(error.messages))
            else:
                level = messages.SUCCESS if outcome.created else messages.WARNING
                self.message_user(request, outcome.message, level)
                return HttpResponseRedirect(_review_url(outcome.source.pk))
        context = self.context(
            request, "Import an article", form=form, media=self.media + form.media
        )
        return TemplateResponse(request, "admin/quotes/candidate/import.html", context)

    # --- one source's review -----------------------------------------------------

    def review_view(self, request: HttpRequest, source_id: int) -> HttpResponse:
        """The article with every candidate highlighted in place, beside the list."""
        self.require(request, ["quotes.view_candidate"])
        source = get_object_or_404(Source.objects.select_related("outlet"), pk=source_id)
        candidates = list(review.candidates_of(source))
        record = SourceImport.objects.filter(source=source).first()
        context = self.context(
            request,
            f"Review: {source.title}",
            source=source,
            record=record,
            candidates=candidates,
            segments=review.segments(source.text, candidates),
            changed={c.pk for c in candidates if not c.wording_in_source(source.text)},
            open_count=sum(c.status == CandidateStatus.OPEN for c in candidates),
            can_review=request.user.has_perms(REVIEW_PERMS),
            high_confidence=settings.INTAKE_HIGH_CONFIDENCE,
        )
        return TemplateResponse(request, "admin/quotes/candidate/review.html", context)

    @staticmethod
    def _candidate(candidate_id: int) -> Candidate:
        return get_object_or_404(Candidate.objects.select_related("source"), pk=candidate_id)

    def decide_view(self, request: HttpRequest, candidate_id: int) -> HttpResponse:
        """Accept or reject one candidate from the review page."""
        if request.method != "POST":
            raise Http404("Decisions are posted.")
        self.require(request, REVIEW_PERMS)
        candidate = self._candidate(candidate_id)
        decision, reason = request.POST.get("decision"), request.POST.get("reason", "").strip()
        if decision not in ("accept", "reject"):
            raise Http404("Accept or reject.")

        def write() -> Candidate:
            if decision == "accept":
                return services.candidate_accept(
                    candidate=candidate, by=request.user, reason=reason
                )
            return services.candidate_reject(candidate=candidate, reason=reason, by=request.user)

        if (done := self._reviewed(request, write)) is not None:
            self.message_user(request, _said(done), messages.SUCCESS)
        return HttpResponseRedirect(_review_url(candidate.source_id, candidate.pk))

    def _reviewed(self, request: HttpRequest, write: Callable[[], Candidate]) -> Candidate | None:
        """Run a review write; what refuses it is shown as a message (nothing written)."""
        try:
            return write()
        except ValidationError as error:
            self.message_user(request, "Not saved: " + "; ".join(error.messages), messages.ERROR)
        except (services.CandidateConflict, services.VersionConflict) as error:
            self.message_user(request, f"Not saved: {error}", messages.ERROR)
        return None

    def edit_view(self, request: HttpRequest, candidate_id: int) -> HttpResponse:
        """Correct a candidate, then accept it; or merge it into a chosen statement."""
        self.require(request, REVIEW_PERMS)
        candidate = self._candidate(candidate_id)
        initial = CandidateEditForm.proposed(candidate)
        posted = request.POST if request.method == "POST" else None
        merging = posted is not None and "merge" in posted
        form = CandidateEditForm(None if merging else posted, initial=initial)
        merge = MergeForm(posted if merging else None)
        bound = merge if merging else form
        if (
            posted is not None
            and bound.is_valid()
            and (
                done := self._reviewed(request, lambda: self._edit_write(request, candidate, bound))
            )
            is not None
        ):
            self.message_user(request, _said(done), messages.SUCCESS)
            return HttpResponseRedirect(_review_url(candidate.source_id, candidate.pk))
        context = self.context(
            request,
            f"Edit candidate {candidate.pk}",
            candidate=candidate,
            form=form,
            merge=merge,
            around=_around(candidate),
            media=self.media + form.media,
        )
        return TemplateResponse(request, "admin/quotes/candidate/edit.html", context)

    def _edit_write(self, request: HttpRequest, candidate: Candidate, bound: Any) -> Candidate:
        reason = bound.cleaned_data.get("reason", "")
        if isinstance(bound, MergeForm):
            self.require(request, ["quotes.change_statement"])
            statement = bound.cleaned_data["statement"]
            return services.candidate_merge(
                candidate=candidate, statement=statement, by=request.user, reason=reason
            )
        edits = bound.edits(candidate)
        return services.candidate_accept(
            candidate=candidate, by=request.user, edits=edits, reason=reason
        )

    @staticmethod
    def _confident(request: HttpRequest) -> float:
        try:
            value = float(request.POST.get("min_confidence", settings.INTAKE_HIGH_CONFIDENCE))
        except ValueError:
            value = settings.INTAKE_HIGH_CONFIDENCE
        return min(max(value, 0.0), 1.0)

    def accept_confident_view(self, request: HttpRequest, source_id: int) -> HttpResponse:
        """Accept, as proposed, every open candidate at or above the confidence given."""
        if request.method != "POST":
            raise Http404("Posted only.")
        self.require(request, REVIEW_PERMS)
        source = get_object_or_404(Source, pk=source_id)
        outcome = services.candidates_accept_confident(
            source=source, min_confidence=self._confident(request), by=request.user
        )
        self.message_user(
            request, f"{len(outcome.accepted)} candidate(s) accepted.", messages.SUCCESS
        )
        for candidate, why in outcome.refused:
            self.message_user(
                request, f"Candidate {candidate.pk} left open: {why}", messages.WARNING
            )
        return HttpResponseRedirect(_review_url(source.pk))

    def outlet_view(self, request: HttpRequest, source_id: int) -> HttpResponse:
        """Create the news outlet the import proposed, as the source's outlet."""
        if request.method != "POST":
            raise Http404("Posted only.")
        self.require(request, ["quotes.add_organization", "quotes.change_source"])
        source = get_object_or_404(Source, pk=source_id)
        name = request.POST.get("name", "").strip()
        try:
            services.source_outlet_create(source=source, name=name, by=request.user)
        except ValidationError as error:
            self.message_user(request, "Not saved: " + "; ".join(error.messages), messages.ERROR)
        else:
            self.message_user(
                request, f"{name} is now a news outlet, and this source's.", messages.SUCCESS
            )
        return HttpResponseRedirect(_review_url(source.pk))


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Http404("No such candidate.") from None


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 100_000 else 1


def _review_url(source_id: int, candidate_id: int | None = None) -> str:
    url = reverse("admin:quotes_candidate_review", args=[source_id])
    # Not an element's id: the page's script scrolls to the candidate, the browser does not.
    return f"{url}#at-{candidate_id}" if candidate_id else url


def _said(candidate: Candidate) -> str:
    if candidate.status == CandidateStatus.REJECTED:
        return f"Candidate {candidate.pk} rejected: {candidate.reason}"
    into = f"statement {candidate.statement_id}" if candidate.statement_id else "a statement"
    edited = f" (edited: {', '.join(candidate.edited_fields)})" if candidate.edited_fields else ""
    return f"Candidate {candidate.pk} {candidate.status}{edited}: {into}, a draft until verified."


def _around(candidate: Candidate, reach: int = 300) -> dict[str, str]:
    """The candidate's wording in its paragraph's context, for the edit page."""
    text = candidate.source.text
    lo, hi = max(0, candidate.start - reach), min(len(text), candidate.end + reach)
    return {
        "before": text[lo : candidate.start],
        "wording": text[candidate.start : candidate.end],
        "after": text[candidate.end : hi],
        "offset": str(lo),
    }
