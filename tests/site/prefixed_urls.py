"""The project's URLs mounted elsewhere: a page that hard-codes a path breaks here."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("data/api/", include("quotes.api.urls")),
    path("admin/", admin.site.urls),
    path("public/", include("quotes.site.urls")),
]
