"""Read API v1: thin viewsets over documented querysets, filters and serializers."""

from functools import partial
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponseBase
from django.shortcuts import get_object_or_404
from django_filters import utils as filter_utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from quotes import paging, reads, search, services
from quotes.facets import statement_facets
from quotes.filters import OrganizationFilter, SourceFilter, SpeakerFilter, StatementFilter
from quotes.models import Affiliation, Organization, Source, Speaker, Statement, Topic

from . import serializers
from .exports import CSVRenderer, NDJSONRenderer, detail_row, export_response, page_data, paged
from .pagecache import PageCacheMixin
from .pagination import StatementPagination
from .problems import Conflict
from .schema import CHANGE_ERRORS, DETAIL_ERRORS, READ_ERRORS, documented, problems
from .versioning import guarded, optional_expected_version
from .writes import CuratedWriteMixin

EXPORT_FORMATS = {"csv", "ndjson"}
FACET_SIZE_LIMIT = 50


def already_verified(statement: Statement) -> Conflict:
    who = statement.verified_by.get_username() if statement.verified_by else "someone"
    when = f"{statement.verified_at:%Y-%m-%d %H:%M} UTC" if statement.verified_at else ""
    return Conflict(f"Statement {statement.pk} is already verified (by {who}, {when}).")


class FormatMixin:
    """Unknown `format` values are a 400 naming the parameter, not a bare 404; and so is
    any query parameter the endpoint does not take (a misspelled `said_on=` would
    otherwise be ignored and answered with everything)."""

    # Parameters an action takes beyond its filters and pages.
    extra_parameters: dict[str, set[str]] = {}

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        accepted = self.accepted_parameters()
        unknown = sorted(set(request.query_params) - accepted)
        if unknown:
            listed = ", ".join(sorted(accepted))
            message = f"Unknown parameter: this endpoint takes {listed}."
            raise ValidationError({name: [message] for name in unknown})

    def accepted_parameters(self) -> set[str]:
        accepted = {"format", *self.extra_parameters.get(self.action, set())}
        if self.detail or self.request.method != "GET":
            return accepted
        filterset = getattr(self, "filterset_class", None)
        if filterset is not None:
            accepted |= set(filterset.base_filters)
        if self.action == "list" and self.paginator is not None:
            accepted |= {self.paginator.cursor_query_param, self.paginator.page_size_query_param}
        return accepted

    def perform_content_negotiation(
        self, request: Request, force: bool = False
    ) -> tuple[BaseRenderer, str]:
        try:
            renderer, media_type = super().perform_content_negotiation(request, force)
        except Http404:
            formats = ", ".join(r.format for r in self.get_renderers())
            wanted = request.query_params.get("format")
            raise ValidationError(
                {"format": [f"Unknown format {wanted!r}: use one of {formats}."]}
            ) from None
        if renderer.format in EXPORT_FORMATS and (force or self.action != "list"):
            if force:  # rendering an error: errors are always JSON
                return JSONRenderer(), JSONRenderer.media_type
            raise ValidationError({"format": ["Exports are available on the statement list."]})
        return renderer, media_type

    def handle_exception(self, exc: Exception) -> Response:
        # Errors are JSON even when the client asked for a CSV or NDJSON export.
        if getattr(self.request, "accepted_renderer", None) and (
            self.request.accepted_renderer.format in EXPORT_FORMATS
        ):
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


@documented(
    serializers.StatementSerializer,
    serializers.StatementDetailSerializer,
    serializers.StatementWriteSerializer,
)
class StatementViewSet(FormatMixin, PageCacheMixin, CuratedWriteMixin, viewsets.ModelViewSet):
    """Attributed statements, each with every outlet's wording of it."""

    pagination_class = StatementPagination
    extra_parameters = {"facets": {"facet_size"}}
    queryset = Statement.objects.none()  # tells the schema generator the model
    serializer_class = serializers.StatementSerializer
    write_serializer_class = serializers.StatementWriteSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = StatementFilter
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer, NDJSONRenderer]

    def get_queryset(self) -> QuerySet[Statement]:
        if self.action == "retrieve":
            # The detail's row is built by the database (exports.detail_row): loading
            # the appearances and topics here would be two queries for nothing.
            return Statement.objects.visible_to(self.request.user)
        return reads.statements(self.request.user)

    def filter_queryset(self, queryset: QuerySet[Statement]) -> QuerySet[Statement]:
        # The filters narrow lists and facets; one statement is found by its id alone
        # (visibility is get_queryset's), without validating list parameters it ignores.
        # DjangoFilterBackend's steps, keeping the filterset: it knows the correction.
        if self.detail:
            return queryset
        self.filterset = self.filterset_class(
            self.request.query_params, queryset=queryset, request=self.request
        )
        if not self.filterset.is_valid():
            raise filter_utils.translate_validation(self.filterset.errors)
        return self.filterset.qs

    def searched(self) -> dict[str, str | None]:
        """What the search was: `q` as corrected, and as typed when it was corrected."""
        fixed = getattr(self, "filterset", None) and self.filterset.correction
        return {
            "corrected_query": fixed[1] if fixed else None,
            "original_query": fixed[0] if fixed else None,
        }

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=["json", "csv", "ndjson"],
                description="json (paginated), or csv / ndjson: the whole filtered set, "
                "streamed (also chosen by `Accept: text/csv` or `application/x-ndjson`).",
            )
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.accepted_renderer.format in EXPORT_FORMATS:
            return self.cached(request, self.export)
        return self.cached(request, self.list_page)

    def export(self) -> HttpResponseBase:
        statements = self.filter_queryset(self.get_queryset())
        context = self.get_serializer_context()
        return export_response(self.request.accepted_renderer.format, statements, context)

    def list_page(self) -> Response:
        request = self.request
        statements = self.filter_queryset(self.get_queryset())
        # exports.page_data has the database build the rows in the
        # serializer's shape (a tenth of the time), so the page query reads only keys.
        page = self.paginate_queryset(paged(statements))
        context = self.get_serializer_context()
        searched = self.searched()
        if q := searched["corrected_query"] or request.query_params.get("q"):
            context["highlights"] = search.highlights(page, q)
        response = self.get_paginated_response(page_data(page, context))
        response.data.update(searched)
        return response

    def detail_data(self, statement: Statement) -> dict[str, Any]:
        others = reads.other_statements_by_speaker(statement, self.request.user)
        return detail_row(statement, others, self.get_serializer_context())

    def create_object(self, fields: dict[str, Any]) -> Statement:
        topics, appearances = fields.pop("topics", []), fields.pop("appearances", [])
        return services.statement_create(
            fields=fields,
            topics=topics,
            appearances=appearances,
            by=self.request.user,
            reason=self.reason(),
        )

    def update_object(
        self, statement: Statement, fields: dict[str, Any], expected: int
    ) -> Statement:
        return services.statement_update(
            statement=statement,
            expected_version=expected,
            fields=fields,
            topics=fields.pop("topics", None),
            appearances=fields.pop("appearances", None),
            by=self.request.user,
            reason=self.reason(),
        )

    @extend_schema(
        request=None, responses={200: serializers.StatementDetailSerializer, **CHANGE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str) -> Response:
        """Mark the statement verified by you, now (If-Match optional). Verifying is
        idempotent: a statement already verified keeps its record (409 says so)."""
        statement = self.get_object()
        expected = optional_expected_version(request, statement)

        def verify() -> Statement:
            only = Statement.objects.filter(pk=statement.pk)
            verified = services.statement_verify(
                statements=only, by=request.user, expected_version=expected
            )
            if not verified:
                raise already_verified(only.select_related("verified_by").get())
            return statement

        return self.committed(lambda: guarded(statement, verify))

    @extend_schema(
        request=serializers.RetractSerializer,
        responses={200: serializers.StatementDetailSerializer, **CHANGE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def retract(self, request: Request, pk: str) -> Response:
        """Retract the statement: kept, hidden from the public, with the reason."""
        statement = self.get_object()
        expected = optional_expected_version(request, statement)
        body = serializers.RetractSerializer(data=request.data)
        body.is_valid(raise_exception=True)

        def retract() -> Statement:
            reason = body.validated_data["reason"]
            return services.statement_retract(
                statement=statement, reason=reason, by=request.user, expected_version=expected
            )

        return self.committed(lambda: guarded(statement, retract))

    @extend_schema(
        request=serializers.StatementMergeSerializer,
        responses={200: serializers.StatementDetailSerializer, **CHANGE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str) -> Response:
        """Fold the statement `duplicate` (an id) into this one; it is then deleted."""
        keep = self.get_object()
        body = serializers.StatementMergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        wanted = body.validated_data["duplicate"]
        duplicate = self.get_queryset().filter(pk=wanted).first()
        if duplicate is None:
            raise ValidationError({"duplicate": [f"No statement with id {wanted}."]})
        return self.committed(
            lambda: services.statement_merge(
                keep=keep, duplicate=duplicate, by=request.user, reason=self.reason()
            )
        )

    @extend_schema(responses={200: serializers.RevisionSerializer(many=True), **DETAIL_ERRORS})
    @action(detail=True, pagination_class=None)
    def history(self, request: Request, pk: str) -> Response:
        """Every recorded change to the statement: who, when, what changed, why."""

        def build() -> Response:
            statement = self.get_object()
            history = reads.statement_history(statement, request.user)
            return Response(serializers.RevisionSerializer(history, many=True).data)

        return self.cached(request, build)

    @extend_schema(
        responses={200: serializers.FacetsSerializer, **READ_ERRORS},
        filters=True,
        parameters=[
            OpenApiParameter(
                "facet_size",
                {"type": "integer", "minimum": 1, "maximum": FACET_SIZE_LIMIT},
                description=f"Values per facet, 1 to {FACET_SIZE_LIMIT} (default 10).",
            )
        ],
    )
    @action(detail=False, pagination_class=None)
    def facets(self, request: Request) -> HttpResponseBase:
        """Counts by speaker, organization, outlet, kind, topic and year for the filtered set."""
        try:
            raw = request.query_params.get("facet_size")
            size = paging.bounded_int("facet_size", raw, default=10, maximum=FACET_SIZE_LIMIT)
        except DjangoValidationError as invalid:
            raise ValidationError(invalid.message_dict) from None

        def build() -> Response:
            statements = self.filter_queryset(self.get_queryset())
            labels = partial(reads.speaker_labels, user=request.user)
            facets = statement_facets(statements, size, labels)
            return Response({**facets, **self.searched()})

        return self.cached(request, build)


@documented(
    serializers.SpeakerSerializer,
    serializers.SpeakerDetailSerializer,
    serializers.SpeakerWriteSerializer,
)
class SpeakerViewSet(FormatMixin, PageCacheMixin, CuratedWriteMixin, viewsets.ModelViewSet):
    """Named people and anonymous sources, with the statements credited to them."""

    serializer_class = serializers.SpeakerSerializer
    write_serializer_class = serializers.SpeakerWriteSerializer
    lookup_field = "slug"
    filter_backends = [DjangoFilterBackend]
    filterset_class = SpeakerFilter

    def get_queryset(self) -> QuerySet[Speaker]:
        return reads.speakers(self.request.user)

    def detail_data(self, speaker: Speaker) -> dict[str, Any]:
        context = self.get_serializer_context()
        context["statements_by_kind"] = reads.statements_by_kind(speaker, self.request.user)
        detail = reads.with_affiliations(speaker)
        return serializers.SpeakerDetailSerializer(detail, context=context).data

    @extend_schema(
        request=serializers.SpeakerMergeSerializer,
        responses={200: serializers.SpeakerDetailSerializer, **CHANGE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, slug: str) -> Response:
        """Fold the speaker `duplicate` (a slug) into this one: statements, affiliations,
        names and history move over, and the duplicate is deleted."""
        keep = self.get_object()
        body = serializers.SpeakerMergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        duplicate = body.validated_data["duplicate"]
        return self.committed(
            lambda: services.speaker_merge(
                keep=keep, duplicate=duplicate, by=request.user, reason=self.reason()
            )
        )


@extend_schema_view(
    list=extend_schema(
        responses={
            200: serializers.StatementSerializer(many=True),
            **READ_ERRORS,
            **problems(s404="No speaker with that slug."),
        }
    )
)
class SpeakerStatementViewSet(StatementViewSet):
    """One speaker's statements, with the same filters, search and exports as /statements/."""

    def get_queryset(self) -> QuerySet[Statement]:
        speaker = get_object_or_404(reads.speakers(self.request.user), slug=self.kwargs["slug"])
        return super().get_queryset().by_speakers([speaker.pk])


@documented(serializers.OrganizationSerializer, write=serializers.OrganizationWriteSerializer)
class OrganizationViewSet(FormatMixin, PageCacheMixin, CuratedWriteMixin, viewsets.ModelViewSet):
    """Governments, agencies, missions, NGOs, outlets and campaigns, with their hierarchy."""

    serializer_class = serializers.OrganizationSerializer
    write_serializer_class = serializers.OrganizationWriteSerializer
    lookup_field = "slug"
    filter_backends = [DjangoFilterBackend]
    filterset_class = OrganizationFilter

    def get_queryset(self) -> QuerySet[Organization]:
        return reads.organizations()


@documented(serializers.OutletSerializer)
class OutletViewSet(FormatMixin, PageCacheMixin, viewsets.ReadOnlyModelViewSet):
    """News outlets, with how many sources of each the database holds."""

    serializer_class = serializers.OutletSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Organization]:
        return reads.outlets()


@documented(
    serializers.SourceSerializer,
    serializers.SourceDetailSerializer,
    serializers.SourceWriteSerializer,
)
class SourceViewSet(FormatMixin, PageCacheMixin, CuratedWriteMixin, viewsets.ModelViewSet):
    """Articles statements were printed in."""

    serializer_class = serializers.SourceSerializer
    write_serializer_class = serializers.SourceWriteSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = SourceFilter

    def get_queryset(self) -> QuerySet[Source]:
        return reads.sources(self.request.user)

    def detail_data(self, source: Source) -> dict[str, Any]:
        reads.source_text(source)
        context = {**self.get_serializer_context(), "show_text": self.request.user.is_staff}
        return serializers.SourceDetailSerializer(source, context=context).data


@documented(serializers.TopicSerializer, write=serializers.TopicWriteSerializer)
class TopicViewSet(FormatMixin, PageCacheMixin, CuratedWriteMixin, viewsets.ModelViewSet):
    """The controlled vocabulary of topics, with how many visible statements each has."""

    serializer_class = serializers.TopicSerializer
    write_serializer_class = serializers.TopicWriteSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Topic]:
        return reads.topics()

    def get_serializer(self, *args: Any, **kwargs: Any) -> serializers.TopicSerializer:
        # Every topic shown (a list page, a detail, a write's response) passes here: count
        # only the statements the caller may see (see Topic.objects.with_tagged_counts).
        if args and args[0] is not None:
            shown = args[0] if kwargs.get("many") else [args[0]]
            reads.without_hidden_statements(list(shown), self.request.user)
        return super().get_serializer(*args, **kwargs)


@documented(serializers.AffiliationDetailSerializer, write=serializers.AffiliationWriteSerializer)
class AffiliationViewSet(FormatMixin, PageCacheMixin, CuratedWriteMixin, viewsets.ModelViewSet):
    """Roles speakers held in organizations, with optional start and end dates."""

    serializer_class = serializers.AffiliationDetailSerializer
    write_serializer_class = serializers.AffiliationWriteSerializer

    def get_queryset(self) -> QuerySet[Affiliation]:
        return reads.affiliations(self.request.user)
