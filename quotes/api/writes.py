"""Create, update and delete for the curated resources, through quotes.services.

Mixed into the read viewsets: they keep their read serializers for responses and name
a `write_serializer_class` for input. Every detail response carries the row's ETag.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Model
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from quotes import services

from .permissions import CuratorPermissions
from .schema import IF_NONE_MATCH, REASON_HEADER
from .versioning import etag_of, expected_version, guarded, not_modified


class CuratedWriteMixin:
    permission_classes = [CuratorPermissions]
    write_serializer_class: type

    def detail_data(self, instance: Model) -> dict[str, Any]:
        """The detail representation; viewsets with richer detail pages override it."""
        return self.get_serializer(instance).data

    def detail_response(self, instance: Model, code: int = status.HTTP_200_OK) -> Response:
        response = Response(self.detail_data(instance), status=code)
        response["ETag"] = etag_of(instance)
        return response

    def committed(
        self, write: Callable[[], Model | None], code: int = status.HTTP_200_OK
    ) -> Response:
        """Run `write` and read back its response in the same transaction: a write that
        committed is answered with what it wrote, even if the database is lost the
        moment after the commit (a 500 then would make a client retry a done write)."""
        with transaction.atomic():
            instance = write()
            if instance is None:
                return Response(status=status.HTTP_204_NO_CONTENT)
            return self.detail_response(self.reloaded(instance), code)

    def reason(self) -> str:
        # Control characters cannot be stored (PostgreSQL refuses NUL) nor shown.
        reason = self.request.headers.get(REASON_HEADER, "")[:2000]
        return "".join(character for character in reason if character.isprintable())

    @extend_schema(parameters=[IF_NONE_MATCH])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        return not_modified(request, instance) or self.detail_response(instance)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.write_serializer_class(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        return self.committed(lambda: self.create_object(fields), status.HTTP_201_CREATED)

    def update(
        self, request: Request, *args: Any, partial: bool = False, **kwargs: Any
    ) -> Response:
        instance = self.get_object()
        expected = expected_version(request, instance)
        serializer = self.write_serializer_class(
            instance, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        return self.committed(
            lambda: guarded(instance, lambda: self.update_object(instance, fields, expected))
        )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        expected = expected_version(request, instance)

        def delete() -> None:
            services.object_delete(
                instance=instance, expected_version=expected, by=request.user, reason=self.reason()
            )

        return self.committed(lambda: guarded(instance, delete))

    def create_object(self, fields: dict[str, Any]) -> Model:
        model = self.write_serializer_class.Meta.model
        return services.object_create(
            instance=model(**fields), by=self.request.user, reason=self.reason()
        )

    def update_object(self, instance: Model, fields: dict[str, Any], expected: int) -> Model:
        return services.object_update(
            instance=instance,
            fields=fields,
            expected_version=expected,
            by=self.request.user,
            reason=self.reason(),
        )

    def reloaded(self, instance: Model) -> Model:
        """The row as the read serializers expect it (annotations, prefetches)."""
        lookup = {self.lookup_field: getattr(instance, self.lookup_field)}
        return self.get_queryset().get(**lookup)
