"""Intake API: importing an article, and reviewing its candidates.

Curators only, reads included: candidates are proposals, never public. The writes take
the same If-Match rules as the statement actions (optional; when sent, a stale ETag is a
412), answer problem details (400 invalid, 409 already reviewed or the source's text
changed, 422 an article that cannot be read), and record who, when and why.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quotes import services
from quotes.intake import inputs
from quotes.intake.articles import Article, ArticleError
from quotes.intake.models import Candidate
from quotes.models import Source, Statement

from . import intake_serializers as s
from .parsers import StrictJSONParser
from .problems import Conflict
from .schema import (
    CHANGE_ERRORS,
    IF_NONE_MATCH,
    NOT_MODIFIED,
    REASON,
    REASON_HEADER,
    WRITE_ERRORS,
    QuotesAutoSchema,
    problems,
)
from .versioning import etag_of, guarded, not_modified, optional_expected_version

IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description="The candidate's ETag: when sent, the review happens only if it is current.",
)
READ_ERRORS = problems(
    s400="A parameter is malformed; `errors` names it.",
    s401="Not authenticated.",
    s403="Not allowed: candidates are for curators.",
    s404="No such source or candidate.",
    s429="Too many requests; see Retry-After.",
)
REVIEW_ERRORS = {
    **CHANGE_ERRORS,
    **problems(
        s409="Already reviewed (by whom, when), or the source's text no longer holds the "
        "wording at its offsets."
    ),
}
IMPORT_ERRORS = {
    **WRITE_ERRORS,
    **problems(
        s422="The article cannot be read: the URL is unreachable, refused (a private "
        "address), answers an error or something not an article, is too large, or the "
        "text is undecodable or empty. `detail` says which."
    ),
}


class CuratorsOnlySchema(QuotesAutoSchema):
    """Unlike the published record, these are not readable without a curator's login."""

    def get_auth(self) -> list[dict]:
        return [auth for auth in super().get_auth() if auth]


class Unprocessable(exceptions.APIException):
    status_code = 422
    default_detail = "The article cannot be read."
    default_code = "unprocessable"


class CuratorPermission(BasePermission):
    """Authenticated, with each of the view's `required_perms` for this action."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return user.has_perms(view.required_perms())


def _reason(request: Request) -> str:
    reason = request.headers.get(REASON_HEADER, "")[:2000]
    return "".join(character for character in reason if character.isprintable())


@extend_schema(
    request={
        "application/json": s.SourceImportSerializer,
        "multipart/form-data": s.SourceUploadSerializer,
    },
    responses={201: s.ImportResultSerializer, 200: s.ImportResultSerializer, **IMPORT_ERRORS},
)
class SourceImportView(APIView):
    """Import an article: a `url` to fetch, its `text` or `html` (JSON), or an uploaded
    `file` (multipart). 201 with a new source and its candidates; 200 when the article
    (same URL or text) is a source already, with any candidates not proposed before."""

    permission_classes = [CuratorPermission]
    parser_classes = [StrictJSONParser, MultiPartParser]
    schema = CuratorsOnlySchema()

    def required_perms(self) -> list[str]:
        return ["quotes.add_source", "quotes.add_candidate"]

    def post(self, request: Request) -> Response:
        upload = (request.content_type or "").startswith("multipart/")
        body = (s.SourceUploadSerializer if upload else s.SourceImportSerializer)(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            article = self.article(data)
        except ArticleError as error:
            raise Unprocessable(str(error)) from None
        outcome = services.source_import(
            article=article, by=request.user, outlet=data.get("outlet")
        )
        return self.answer(outcome)

    def article(self, data: dict[str, Any]) -> Article:
        if "file" in data:
            read = inputs.from_file(data["file"].name or "upload", data["file"])
        elif data.get("text"):
            read = inputs.from_text(data["text"])
        elif data.get("html"):
            read = inputs.from_html(data["html"])
        else:
            return inputs.given(inputs.from_url(data["url"]), **_metadata(data))
        return inputs.given(read, **_metadata(data), url=data.get("url", ""))

    def answer(self, outcome: services.ImportOutcome) -> Response:
        source = Source.objects.select_related("outlet", "source_import").get(pk=outcome.source.pk)
        record = getattr(source, "source_import", None)
        listed = reverse("api:source-candidates", args=[source.pk])
        result = {
            "created": outcome.created,
            "duplicate_of": outcome.duplicate_of or None,
            "detail": outcome.message,
            "source": source,
            "outlet_found_by": record.outlet_found_by if record else "",
            "proposed_outlet": record.proposed_outlet if record else "",
            "proposed": outcome.proposed,
            "known": outcome.known,
            "candidates_url": self.request.build_absolute_uri(listed),
        }
        data = s.ImportResultSerializer(result, context={"request": self.request}).data
        code = status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK
        location = self.request.build_absolute_uri(reverse("api:source-detail", args=[source.pk]))
        return Response(data, status=code, headers={"Location": location})


def _metadata(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data.get("title", ""),
        "published_on": data.get("published_on"),
        "authors": data.get("authors"),
        "language": data.get("language", ""),
    }


class CandidateQueryset:
    def get_queryset(self) -> QuerySet[Candidate]:
        return Candidate.objects.select_related(
            "speaker", "organization", "via", "created_speaker", "reviewed_by"
        ).order_by("start", "end", "id")


@extend_schema(
    parameters=[
        OpenApiParameter(
            "status",
            str,
            enum=["open", "accepted", "merged", "rejected"],
            description="Only the candidates in this state of review.",
        ),
        OpenApiParameter("source_id", int, OpenApiParameter.PATH, description="The source."),
    ],
    responses={200: s.CandidateSerializer(many=True), **READ_ERRORS},
)
class SourceCandidateViewSet(CandidateQueryset, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The candidates the extractor proposed in one source, in reading order."""

    queryset = Candidate.objects.none()  # tells the schema generator the model
    serializer_class = s.CandidateSerializer
    permission_classes = [CuratorPermission]
    pagination_class = None
    schema = CuratorsOnlySchema()

    def required_perms(self) -> list[str]:
        return ["quotes.view_candidate"]

    def get_queryset(self) -> QuerySet[Candidate]:
        source = get_object_or_404(Source.objects.only("id"), pk=self.kwargs["source_id"])
        wanted = s.CandidateFilterSerializer(data=self.request.query_params)
        wanted.is_valid(raise_exception=True)
        candidates = super().get_queryset().filter(source=source)
        if state := wanted.validated_data.get("status"):
            candidates = candidates.filter(status=state)
        return candidates


class CandidateViewSet(CandidateQueryset, viewsets.GenericViewSet):
    """One candidate, and its review: accept, edit and accept, merge, reject."""

    queryset = Candidate.objects.none()  # the schema generator's; get_queryset serves
    serializer_class = s.CandidateSerializer
    permission_classes = [CuratorPermission]
    lookup_value_regex = "[0-9]+"
    schema = CuratorsOnlySchema()
    # Beyond changing the candidate: what each review action writes.
    action_perms = {
        "accept": ["quotes.add_statement"],
        "edit_and_accept": ["quotes.add_statement", "quotes.add_speaker"],
        "merge": ["quotes.change_statement"],
    }

    def required_perms(self) -> list[str]:
        if self.action == "retrieve":
            return ["quotes.view_candidate"]
        return ["quotes.change_candidate", *self.action_perms.get(self.action, [])]

    @extend_schema(
        parameters=[IF_NONE_MATCH],
        responses={200: s.CandidateSerializer, 304: NOT_MODIFIED, **READ_ERRORS},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        """The candidate as proposed and as reviewed, with its ETag."""
        candidate = self.get_object()
        return not_modified(request, candidate) or self.answer(candidate)

    def answer(self, candidate: Candidate) -> Response:
        response = Response(self.get_serializer(candidate).data)
        response["ETag"] = etag_of(candidate)
        return response

    def reviewed(self, write: Callable[[Candidate, int | None], Candidate]) -> Response:
        """Run a review action on the candidate (If-Match checked when sent) and answer
        with the candidate as it now is, read in the same transaction."""
        candidate = self.get_object()
        expected = optional_expected_version(self.request, candidate)
        with transaction.atomic():
            try:
                done = guarded(candidate, lambda: write(candidate, expected))
            except services.CandidateConflict as conflict:
                raise Conflict(str(conflict)) from None
            return self.answer(self.get_queryset().get(pk=done.pk))

    @extend_schema(
        request=None,
        parameters=[IF_MATCH_OPTIONAL, REASON],
        responses={200: s.CandidateSerializer, **REVIEW_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        """Accept as proposed: a draft statement with this appearance, or a new appearance
        of the existing statement it repeats. Verification follows as for any draft."""
        return self.reviewed(
            lambda candidate, expected: services.candidate_accept(
                candidate=candidate,
                by=request.user,
                expected_version=expected,
                reason=_reason(request),
            )
        )

    @extend_schema(
        request=s.CandidateEditSerializer,
        parameters=[IF_MATCH_OPTIONAL, REASON],
        responses={200: s.CandidateSerializer, **REVIEW_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="edit-and-accept")
    def edit_and_accept(self, request: Request, pk: str) -> Response:
        """Correct the candidate (speaker or a new one, kind, span, date, relay,
        organization), then accept it. A corrected speaker, kind, date or organization
        makes a new statement; the fields changed are counted per extractor version."""
        body = s.CandidateEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self.reviewed(
            lambda candidate, expected: services.candidate_accept(
                candidate=candidate,
                by=request.user,
                edits=body.edits(),
                expected_version=expected,
                reason=_reason(request),
            )
        )

    @extend_schema(
        request=s.CandidateMergeSerializer,
        parameters=[IF_MATCH_OPTIONAL, REASON],
        responses={200: s.CandidateSerializer, **REVIEW_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str) -> Response:
        """Record the candidate as another appearance of the statement you name."""
        body = s.CandidateMergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        statement = Statement.objects.filter(pk=body.validated_data["statement"]).first()
        if statement is None:
            raise exceptions.ValidationError({"statement": ["No such statement."]})
        return self.reviewed(
            lambda candidate, expected: services.candidate_merge(
                candidate=candidate,
                statement=statement,
                by=request.user,
                expected_version=expected,
                reason=_reason(request),
            )
        )

    @extend_schema(
        request=s.CandidateRejectSerializer,
        parameters=[IF_MATCH_OPTIONAL],
        responses={200: s.CandidateSerializer, **REVIEW_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        """Reject the candidate with the reason; it is kept, and not proposed again."""
        body = s.CandidateRejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self.reviewed(
            lambda candidate, expected: services.candidate_reject(
                candidate=candidate,
                reason=body.validated_data["reason"],
                by=request.user,
                expected_version=expected,
            )
        )
