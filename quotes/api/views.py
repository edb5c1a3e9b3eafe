"""Read API v1: thin viewsets over documented querysets, filters and serializers."""

from collections.abc import Callable
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseBase
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from quotes import search
from quotes.facets import statement_facets
from quotes.models import Appearance, Organization, Source, Speaker, Statement, Topic

from . import serializers
from .exports import CSVRenderer, NDJSONRenderer, export_response
from .filters import OrganizationFilter, SourceFilter, SpeakerFilter, StatementFilter

BAD_REQUEST = OpenApiResponse(description="A parameter is malformed; the body names it.")
NOT_FOUND = OpenApiResponse(description="No such object (or not visible to you).")


def documented(listed: type, detail: type | None = None) -> Callable[[type], type]:
    """The list and detail responses of a read-only viewset, errors included."""
    return extend_schema_view(
        list=extend_schema(responses={200: listed(many=True), 400: BAD_REQUEST}),
        retrieve=extend_schema(responses={200: detail or listed, 404: NOT_FOUND}),
    )


EXPORT_FORMATS = {"csv", "ndjson"}


def statements_for(request: Request) -> QuerySet[Statement]:
    """Statements this caller may see, with everything the serializers read loaded."""
    appearances = Appearance.objects.select_related("source__outlet", "via")
    return (
        Statement.objects.visible_to(request.user)
        .select_related("speaker", "organization")
        .prefetch_related(Prefetch("appearances", queryset=appearances), "topics")
    )


def counted(rows: QuerySet, field: str) -> Coalesce:
    """How many of `rows` point at the outer row through `field`.

    A correlated subquery rather than a JOIN and GROUP BY, so it is evaluated only for
    the rows on the returned page, not for the whole table before paginating.
    """
    per_row = rows.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(per_row.annotate(n=Count("pk")).values("n")), 0)


def bounded_int(request: Request, name: str, default: int, maximum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise ValidationError({name: [f"Enter a whole number from 1 to {maximum}; got {raw!r}."]})
    return int(raw)


@documented(serializers.StatementSerializer, serializers.StatementDetailSerializer)
class StatementViewSet(viewsets.ReadOnlyModelViewSet):
    """Attributed statements, each with every outlet's wording of it."""

    queryset = Statement.objects.none()  # tells the schema generator the model
    serializer_class = serializers.StatementSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = StatementFilter
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer, NDJSONRenderer]

    def get_queryset(self) -> QuerySet[Statement]:
        return statements_for(self.request)

    def perform_content_negotiation(
        self, request: Request, force: bool = False
    ) -> tuple[BaseRenderer, str]:
        try:
            renderer, media_type = super().perform_content_negotiation(request, force)
        except Http404:
            formats = ", ".join(r.format for r in self.renderer_classes)
            wanted = request.query_params.get("format")
            raise ValidationError(
                {"format": [f"Unknown format {wanted!r}: use one of {formats}."]}
            ) from None
        if renderer.format in EXPORT_FORMATS and self.action != "list" and not force:
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
        statements = self.filter_queryset(self.get_queryset())
        if request.accepted_renderer.format in EXPORT_FORMATS:
            context = self.get_serializer_context()
            return export_response(request.accepted_renderer.format, statements, context)
        page = self.paginate_queryset(statements)
        context = self.get_serializer_context()
        if q := request.query_params.get("q"):
            context["highlights"] = search.highlights(page, q)
        data = self.serializer_class(page, many=True, context=context).data
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        statement = self.get_object()
        context = self.get_serializer_context()
        if statement.speaker_id:
            context["other_statements"] = (
                Statement.objects.visible_to(request.user)
                .filter(speaker_id=statement.speaker_id)
                .exclude(pk=statement.pk)
                .order_by("-said_on", "-id")[:10]
            )
        return Response(serializers.StatementDetailSerializer(statement, context=context).data)

    @extend_schema(
        responses={200: serializers.FacetsSerializer, 400: BAD_REQUEST},
        filters=True,
        parameters=[
            OpenApiParameter(
                "facet_size", int, description="Values per facet, 1 to 50 (default 10)."
            )
        ],
    )
    @action(detail=False, pagination_class=None)
    def facets(self, request: Request) -> Response:
        """Counts by speaker, organization, outlet, kind, topic and year for the filtered set."""
        size = bounded_int(request, "facet_size", default=10, maximum=50)
        statements = self.filter_queryset(self.get_queryset())
        return Response(statement_facets(statements, size))


@documented(serializers.SpeakerSerializer, serializers.SpeakerDetailSerializer)
class SpeakerViewSet(viewsets.ReadOnlyModelViewSet):
    """Named people and anonymous sources, with the statements credited to them."""

    serializer_class = serializers.SpeakerSerializer
    lookup_field = "slug"
    filter_backends = [DjangoFilterBackend]
    filterset_class = SpeakerFilter

    def get_queryset(self) -> QuerySet[Speaker]:
        visible = Statement.objects.visible_to(self.request.user)
        return (
            Speaker.objects.select_related("organization")
            .annotate(statement_count=counted(visible, "speaker"))
            .order_by("name", "id")
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        speaker = self.get_object()
        context = self.get_serializer_context()
        by_kind = (
            Statement.objects.visible_to(request.user)
            .filter(speaker=speaker)
            .values_list("kind")
            .annotate(n=Count("id"))
            .order_by("kind")
        )
        context["statements_by_kind"] = dict(by_kind)
        speaker_with = Speaker.objects.prefetch_related(
            Prefetch("affiliations", queryset=speaker.affiliations.select_related("organization"))
        )
        detail = speaker_with.get(pk=speaker.pk)
        detail.statement_count = speaker.statement_count
        return Response(serializers.SpeakerDetailSerializer(detail, context=context).data)


class SpeakerStatementViewSet(StatementViewSet):
    """One speaker's statements, with the same filters, search and exports as /statements/."""

    def get_queryset(self) -> QuerySet[Statement]:
        speaker = get_object_or_404(Speaker, slug=self.kwargs["slug"])
        return super().get_queryset().filter(speaker=speaker)


@documented(serializers.OrganizationSerializer)
class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """Governments, agencies, missions, NGOs, outlets and campaigns, with their hierarchy."""

    serializer_class = serializers.OrganizationSerializer
    lookup_field = "slug"
    filter_backends = [DjangoFilterBackend]
    filterset_class = OrganizationFilter

    def get_queryset(self) -> QuerySet[Organization]:
        return (
            Organization.objects.select_related("parent")
            .prefetch_related(Prefetch("children", queryset=Organization.objects.order_by("name")))
            .order_by("name", "id")
        )


@documented(serializers.OutletSerializer)
class OutletViewSet(viewsets.ReadOnlyModelViewSet):
    """News outlets, with how many sources of each the database holds."""

    serializer_class = serializers.OutletSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Organization]:
        return (
            Organization.objects.filter(kind=Organization.Kind.NEWS_OUTLET)
            .annotate(source_count=counted(Source.objects.all(), "outlet"))
            .order_by("name", "id")
        )


@documented(serializers.SourceSerializer, serializers.SourceDetailSerializer)
class SourceViewSet(viewsets.ReadOnlyModelViewSet):
    """Articles statements were printed in."""

    serializer_class = serializers.SourceSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = SourceFilter

    def get_queryset(self) -> QuerySet[Source]:
        return (
            Source.objects.select_related("outlet")
            .defer("text")
            .annotate(appearance_count=counted(Appearance.objects.all(), "source"))
            .order_by("-published_on", "-id")
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        source = self.get_object()
        source.refresh_from_db(fields=["text"])
        context = {**self.get_serializer_context(), "show_text": request.user.is_staff}
        return Response(serializers.SourceDetailSerializer(source, context=context).data)


@documented(serializers.TopicSerializer)
class TopicViewSet(viewsets.ReadOnlyModelViewSet):
    """The controlled vocabulary of topics, with how many visible statements each has."""

    serializer_class = serializers.TopicSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Topic]:
        visible = Statement.objects.visible_to(self.request.user)
        return Topic.objects.annotate(statement_count=counted(visible, "topics")).order_by(
            "name", "id"
        )
