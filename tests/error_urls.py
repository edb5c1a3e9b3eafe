"""The site's URLs plus views under /api/ that are not DRF's, each failing the way a
plain Django view can: tests/test_django_errors.py checks they still answer in
problem details."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views import View

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as site

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


class GetOnly(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def bad(request: HttpRequest) -> HttpResponse:
    raise BadRequest("The widget parameter must be a widget.")


def refused(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<p>Go away</p>", status=403)


urlpatterns = [
    path("api/v1/plain/", GetOnly.as_view()),
    path("api/v1/forbidden/", forbidden),
    path("api/v1/bad/", bad),
    path("api/v1/refused/", refused),
    path("elsewhere/forbidden/", forbidden),
    *site,
]
