from django.contrib import admin
from django.urls import include, path

from quotes.throttling import throttled_login

urlpatterns = [
    path("api/v1/", include("quotes.api.urls")),
    # Before admin.site.urls, so that login attempts are throttled.
    path("admin/login/", throttled_login(admin.site.login), name="throttled-login"),
    path("admin/", admin.site.urls),
    # The public site last: its pages sit at the root.
    path("", include("quotes.site.urls")),
]

handler400 = "quotes.problems.bad_request"
handler403 = "quotes.problems.permission_denied"
handler404 = "quotes.problems.page_not_found"
handler500 = "quotes.problems.server_error"
