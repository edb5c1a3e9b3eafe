"""config/settings.py reads the environment and names the variable that is wrong."""

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

SETTINGS = Path(__file__).resolve().parent.parent / "config" / "settings.py"
VARIABLES = [
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DATABASE_CONN_MAX_AGE",
    "PAGE_CACHE_ENTRIES",
    "THROTTLE_ANON_RATE",
    "TRUSTED_PROXIES",
    "SLOW_REQUEST_MS",
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_LOCKOUT_MINUTES",
    "DATABASE_CONNECT_TIMEOUT",
]


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def load() -> dict:
    return runpy.run_path(str(SETTINGS))


def test_no_environment_runs_in_debug_on_sqlite_in_the_repo(environ: pytest.MonkeyPatch) -> None:
    settings = load()
    assert settings["DEBUG"] is True
    assert settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["DATABASES"]["default"]["NAME"] == str(SETTINGS.parent.parent / "db.sqlite3")


def test_empty_variables_mean_their_defaults(environ: pytest.MonkeyPatch) -> None:
    for name in ("DEBUG", "DATABASE_CONN_MAX_AGE", "THROTTLE_ANON_RATE"):
        environ.setenv(name, "")
    settings = load()
    assert settings["DEBUG"] is True
    assert settings["DATABASES"]["default"]["CONN_MAX_AGE"] == 0
    assert settings["REST_FRAMEWORK"]["DEFAULT_THROTTLE_RATES"]["anon"] == "600/minute"


def test_database_url_selects_postgresql(environ: pytest.MonkeyPatch) -> None:
    environ.setenv("DATABASE_URL", "postgres://quotes:pw@db.internal:5433/quotes")
    environ.setenv("DATABASE_CONN_MAX_AGE", "60")
    database = load()["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.internal", 5433, "quotes")
    assert database["CONN_MAX_AGE"] == 60


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mongodb://localhost/quotes"}, "DATABASE_URL"),
        ({"DATABASE_CONN_MAX_AGE": "forever"}, "DATABASE_CONN_MAX_AGE='forever'"),
        ({"DATABASE_CONN_MAX_AGE": "-5"}, "DATABASE_CONN_MAX_AGE='-5' is not a whole number"),
        ({"PAGE_CACHE_ENTRIES": "-1"}, "PAGE_CACHE_ENTRIES='-1'"),
        ({"THROTTLE_ANON_RATE": "600/mango"}, "THROTTLE_ANON_RATE='600/mango' is not a rate"),
        ({"THROTTLE_LOGIN_RATE": "²/minute"}, "THROTTLE_LOGIN_RATE='²/minute' is not a rate"),
        ({"TRUSTED_PROXIES": "yes"}, "TRUSTED_PROXIES='yes' is not a whole number"),
        ({"SLOW_REQUEST_MS": "1s"}, "SLOW_REQUEST_MS='1s' is not a whole number"),
        ({"LOGIN_FAILURE_LIMIT": "0"}, "LOGIN_FAILURE_LIMIT='0': the number .* must be 1 or more"),
        ({"LOGIN_FAILURE_LIMIT": "ten"}, "LOGIN_FAILURE_LIMIT='ten' is not a whole number"),
        ({"LOGIN_LOCKOUT_MINUTES": "-1"}, "LOGIN_LOCKOUT_MINUTES='-1' is not a whole number"),
        ({"DEBUG": "false", "ALLOWED_HOSTS": "quotes.example"}, "SECRET_KEY must be set"),
        ({"DEBUG": "false", "SECRET_KEY": "s3cret-" * 8}, "ALLOWED_HOSTS must be set"),
    ],
)
def test_bad_configuration_stops_start_up_naming_the_variable(
    environ: pytest.MonkeyPatch, variables: dict[str, str], message: str
) -> None:
    for name, value in variables.items():
        environ.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        load()


def test_production_settings_load_with_secret_key_and_hosts(environ: pytest.MonkeyPatch) -> None:
    environ.setenv("DEBUG", "off")
    environ.setenv("SECRET_KEY", "s3cret-" * 8)
    environ.setenv("ALLOWED_HOSTS", "quotes.example, api.quotes.example")
    settings = load()
    assert settings["DEBUG"] is False
    assert settings["ALLOWED_HOSTS"] == ["quotes.example", "api.quotes.example"]


def test_trusted_proxies_reach_drfs_throttles(environ: pytest.MonkeyPatch) -> None:
    assert load()["REST_FRAMEWORK"]["NUM_PROXIES"] == 0  # X-Forwarded-For ignored
    environ.setenv("TRUSTED_PROXIES", "2")
    settings = load()
    assert settings["TRUSTED_PROXIES"] == settings["REST_FRAMEWORK"]["NUM_PROXIES"] == 2


def test_lockout_minutes_become_axes_cool_off_and_zero_means_until_unlocked(
    environ: pytest.MonkeyPatch,
) -> None:
    environ.setenv("LOGIN_LOCKOUT_MINUTES", "45")
    assert load()["AXES_COOLOFF_TIME"].total_seconds() == 45 * 60
    environ.setenv("LOGIN_LOCKOUT_MINUTES", "0")
    assert load()["AXES_COOLOFF_TIME"] is None


def test_postgresql_connections_give_up_after_the_connect_timeout(
    environ: pytest.MonkeyPatch,
) -> None:
    environ.setenv("DATABASE_URL", "postgres://quotes@db.internal/quotes")
    assert load()["DATABASES"]["default"]["OPTIONS"]["connect_timeout"] == 5
    environ.setenv("DATABASE_URL", "postgres://quotes@db.internal/quotes?connect_timeout=12")
    assert load()["DATABASES"]["default"]["OPTIONS"]["connect_timeout"] == 12
    environ.setenv("DATABASE_CONNECT_TIMEOUT", "0")
    environ.setenv("DATABASE_URL", "postgres://quotes@db.internal/quotes")
    assert "connect_timeout" not in load()["DATABASES"]["default"].get("OPTIONS", {})
