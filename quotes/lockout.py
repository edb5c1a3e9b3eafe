"""The page a refused login gets: the admin login page with the reason, not
django-axes' bare default (a locked account) nor a JSON body (an address going too
fast, quotes/throttling.py): a person at a browser reads it.

403 Forbidden rather than 429 Too Many Requests: the refusal is about the account, not
the pace of this client (someone else's failures may have locked it, and the right
password from a fresh address is refused too), and waiting out a Retry-After would
not help before the cool-off ends. A 429 stays what it is elsewhere: this address is
going too fast (quotes/throttling.py).
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

TEMPLATE = "admin/quotes/login_refused.html"


def lockout_message() -> str:
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    if minutes:
        return (
            f"Too many failed logins for this account: it is locked for {minutes} minutes. "
            "An administrator can unlock it sooner."
        )
    return (
        "Too many failed logins for this account: it is locked until an administrator unlocks it."
    )


def lockout_response(
    request: HttpRequest, response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login form again, empty but for the username."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return login_refused(request, lockout_message(), status=403, username=username)


def login_refused(request: HttpRequest, refusal: str, status: int, username: str) -> HttpResponse:
    """The admin login page with `refusal` above the form (the throttle's 429 too)."""
    context = {
        **admin.site.each_context(request),
        "title": "Log in",
        "app_path": request.get_full_path(),
        "form": AdminAuthenticationForm(request, initial={"username": username}),
        "refusal": refusal,
        REDIRECT_FIELD_NAME: request.POST.get(REDIRECT_FIELD_NAME) or reverse("admin:index"),
    }
    return render(request, TEMPLATE, context, status=status)
