"""Per-account login lockout (django-axes, quotes/lockout.py): failures for one username
lock it whatever addresses they come from; an administrator can unlock it."""

import io
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db.models import F
from django.test import Client

from quotes.throttling import LoginRateThrottle
from tests.factories import CuratorFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"  # tests/factories.py
LOGIN = "/admin/login/"
LIMIT = 3


@pytest.fixture(autouse=True)
def low_limit(settings) -> None:
    settings.AXES_FAILURE_LIMIT = LIMIT


@pytest.fixture
def casey(db) -> object:
    return CuratorFactory(username="casey")


def log_in(password: str, address: str, username: str = "casey") -> object:
    """A fresh browser each time, from `address` (documentation ranges, RFC 5737)."""
    return Client().post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address
    )


def fail_from_many_addresses(times: int, username: str = "casey") -> list[int]:
    return [log_in("wrong", f"198.51.100.{n}", username).status_code for n in range(times)]


def test_failures_from_different_addresses_lock_the_account(casey) -> None:
    assert fail_from_many_addresses(LIMIT) == [200] * (LIMIT - 1) + [403]


def test_a_locked_account_refuses_the_right_password_with_the_reason(casey) -> None:
    fail_from_many_addresses(LIMIT)
    response = log_in(PASSWORD, "203.0.113.77")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Too many failed logins for this account" in page
    assert "locked for 30 minutes" in page
    assert 'id="login-form"' in page  # still the admin's login page
    assert "_auth_user_id" not in response.wsgi_request.session


def test_an_administrator_unlocks_the_account_with_a_command(casey) -> None:
    fail_from_many_addresses(LIMIT)
    out = io.StringIO()
    call_command("axes_reset_username", "casey", stdout=out)
    assert "attempts removed" in out.getvalue()
    response = log_in(PASSWORD, "203.0.113.77")
    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_a_successful_login_clears_the_count(casey) -> None:
    fail_from_many_addresses(LIMIT - 1)
    assert log_in(PASSWORD, "203.0.113.77").status_code == 302
    assert not AccessAttempt.objects.filter(username="casey").exists()
    assert fail_from_many_addresses(LIMIT - 1) == [200] * (LIMIT - 1)  # a fresh count


def test_one_accounts_lockout_leaves_the_others_alone(casey) -> None:
    CuratorFactory(username="robin")
    fail_from_many_addresses(LIMIT)
    assert log_in(PASSWORD, "198.51.100.1", username="robin").status_code == 302


def test_the_lockout_ends_after_the_cool_off(casey, settings) -> None:
    fail_from_many_addresses(LIMIT)
    earlier = settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - earlier)
    assert log_in(PASSWORD, "203.0.113.77").status_code == 302


def test_without_a_cool_off_the_message_says_an_administrator_must_unlock(casey, settings) -> None:
    settings.LOGIN_LOCKOUT_MINUTES, settings.AXES_COOLOFF_TIME = 0, None
    fail_from_many_addresses(LIMIT)
    page = log_in(PASSWORD, "203.0.113.77").content.decode()
    assert "locked until an administrator unlocks it" in page


def test_an_administrator_unlocks_the_account_in_the_admin(casey) -> None:
    fail_from_many_addresses(LIMIT)
    admin = CuratorFactory(username="root", is_superuser=True)
    client = Client()
    client.force_login(admin)
    attempts = list(AccessAttempt.objects.filter(username="casey").values_list("pk", flat=True))
    response = client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )
    assert response.status_code == 302
    assert log_in(PASSWORD, "203.0.113.77").status_code == 302


def test_an_address_going_too_fast_gets_the_login_page_with_429(
    casey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(LoginRateThrottle.THROTTLE_RATES, "login", "1/minute")
    log_in("wrong", "198.51.100.1")
    response = log_in(PASSWORD, "198.51.100.1")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "Too many login attempts from your address" in page
    assert 'id="login-form"' in page
