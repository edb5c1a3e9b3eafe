"""X-Forwarded-For is believed only from the TRUSTED_PROXIES in front of the app
(quotes/clients.py): rotating it must not buy a client a fresh throttle budget."""

import pytest
from django.test import Client, RequestFactory
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle, BaseThrottle

from quotes.clients import client_address
from quotes.throttling import LoginRateThrottle

pytestmark = pytest.mark.django_db
# Documentation addresses (RFC 5737): the test client sends nothing over a network.
PEER = "192.0.2.10"


@pytest.fixture
def one_trusted_proxy(settings) -> None:
    settings.TRUSTED_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


@pytest.fixture
def anon_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "2/minute")


@pytest.fixture
def login_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(LoginRateThrottle.THROTTLE_RATES, "login", "2/minute")


def statuses_with_rotating_forwarded_for(client: Client, method: str, url: str) -> list[int]:
    statuses = []
    for number in range(3):
        forwarded = f"198.51.100.{number}"  # a new "client" each time, by the header alone
        data = {"username": "x", "password": "wrong"} if method == "post" else None
        response = getattr(client, method)(
            url, data, REMOTE_ADDR=PEER, HTTP_X_FORWARDED_FOR=forwarded
        )
        statuses.append(response.status_code)
    return statuses


def test_rotating_forwarded_for_does_not_escape_the_anonymous_throttle(anon_rate) -> None:
    statuses = statuses_with_rotating_forwarded_for(APIClient(), "get", "/api/v1/topics/")
    assert statuses == [200, 200, 429]


def test_rotating_forwarded_for_does_not_escape_the_login_throttle(login_rate) -> None:
    statuses = statuses_with_rotating_forwarded_for(Client(), "post", "/admin/login/")
    assert statuses == [200, 200, 429]


def test_without_trusted_proxies_the_client_is_the_peer() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=PEER, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_address(request) == PEER


def test_with_one_trusted_proxy_the_right_most_forwarded_address_is_the_client(
    one_trusted_proxy,
) -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PEER, HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.9"
    )
    assert client_address(request) == "203.0.113.9"


def test_behind_a_trusted_proxy_forged_left_entries_share_one_budget(
    one_trusted_proxy, anon_rate
) -> None:
    client = APIClient()
    statuses = [
        client.get(
            "/api/v1/topics/",
            REMOTE_ADDR=PEER,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}, 203.0.113.9",
        ).status_code
        for number in range(3)
    ]
    assert statuses == [200, 200, 429]
    other = client.get("/api/v1/topics/", REMOTE_ADDR=PEER, HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert other.status_code == 200  # another client behind the same proxy


def test_behind_a_trusted_proxy_each_client_has_its_own_login_budget(
    one_trusted_proxy, login_rate
) -> None:
    client = Client()
    for _ in range(2):
        client.post("/admin/login/", REMOTE_ADDR=PEER, HTTP_X_FORWARDED_FOR="203.0.113.9")
    blocked = client.post("/admin/login/", REMOTE_ADDR=PEER, HTTP_X_FORWARDED_FOR="203.0.113.9")
    other = client.post("/admin/login/", REMOTE_ADDR=PEER, HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert (blocked.status_code, other.status_code) == (429, 200)


@pytest.mark.parametrize("proxies", [0, 1, 2])
@pytest.mark.parametrize(
    "forwarded", [None, "203.0.113.9", "10.0.0.1, 203.0.113.9", "a, b ,c", "10.0.0.1,203.0.113.9"]
)
def test_our_rule_and_drfs_agree(settings, proxies: int, forwarded: str | None) -> None:
    settings.TRUSTED_PROXIES = proxies
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    request = RequestFactory().get("/", REMOTE_ADDR=PEER, **headers)
    assert client_address(request) == BaseThrottle().get_ident(request)
