"""Settings, read from the environment.

Nothing set gives the embedded default: SQLite under var/, Celery eager, a generated
development secret, DEBUG on. DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG and ALLOWED_HOSTS
configure a real deployment (see README).
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from config.env import env_bool, env_int, env_list, env_str, redis_url_for_test_process
from tracker import __version__ as TRACKER_VERSION

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=True)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # Development only: a key generated once per checkout, kept out of git under var/.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "tracker",
    "ingest",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # gzip for HTML and JSON, never for a response carrying a CSRF token (tracker.httpcache).
    "tracker.httpcache.CompressionMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "config.middleware.VersionHeaderMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # ?as_of=: the request reads the tables as they stood then (tracker.asof).
    "config.middleware.AsOfMiddleware",
    "axes.middleware.AxesMiddleware",
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

# --- Database: PostgreSQL through DATABASE_URL, else SQLite under var/ ---
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "tracker.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache; absent → Celery eager and a local-memory cache ---
# Each parallel test process (pytest-xdist) works in a Redis database of its own.
REDIS_URL = redis_url_for_test_process(env_str("REDIS_URL"), env_str("PYTEST_XDIST_WORKER"))
if REDIS_URL:
    CACHES = {
        "default": {
            # RedisCache that fails soft (config/cache.py): Redis down → misses, not 500s.
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tracker",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
else:
    # Room for every page part and the series state's claimant lines (one entry per claimant and
    # series: tracker.series_state._lines) beyond the default 300.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Above the longest task's hard time limit, so a running task is not delivered twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600)}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Keep a worker's database connection across tasks (Celery closes it after each task
# otherwise: a new PostgreSQL connection per task costs more than most ingest tasks).
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)
CELERY_BEAT_SCHEDULE: dict = {
    # Each run enqueues poll_feed for the feeds that are due; `expires` drops a missed run
    # instead of letting a backlog pile up.
    "ingest-poll-due-feeds": {
        "task": "ingest.tasks.poll_due_feeds",
        "schedule": float(env_int("INGEST_POLL_EVERY_SECONDS", 60)),
        "options": {"expires": 55},
    },
    # Rebuilds the dashboard's default pages if a change left them cold (tracker.warm); a change
    # also enqueues a warm DASHBOARD_WARM_DEBOUNCE_SECONDS after its commit.
    "dashboard-warm": {
        "task": "tracker.tasks.warm_dashboard",
        "schedule": float(env_int("DASHBOARD_WARM_EVERY_SECONDS", 60)),
        "options": {"expires": 55},
    },
}
# Dataset releases (tracker.releases): written under RELEASES_ROOT, one beat run per
# RELEASE_SCHEDULE (five cron fields, UTC; default 03:00 on the 1st of each month; "off": none).
RELEASES_ROOT = Path(env_str("RELEASES_ROOT", str(VAR_DIR / "releases")))
# The public address the citation in a release's manifest names (e.g. https://tracker.example).
RELEASE_SITE_URL = env_str("RELEASE_SITE_URL", "")
RELEASE_SCHEDULE = env_str("RELEASE_SCHEDULE", "0 3 1 * *")
# Headlines that change with time alone (an estimate going stale) are recorded by a beat run per
# HEADLINE_CHECK_SCHEDULE (five cron fields, UTC; default 00:10 each day; "off": only on the next
# write to the series). tracker.headlines.headlines_check.
HEADLINE_CHECK_SCHEDULE = env_str("HEADLINE_CHECK_SCHEDULE", "10 0 * * *")


def _cron_entry(setting: str, value: str, task: str) -> dict | None:
    """A beat entry for `task` from five cron fields (expiring after an hour), or None for
    "off"."""
    if value.strip().lower() == "off":
        return None
    from celery.schedules import crontab

    fields = value.split()
    if len(fields) != 5:
        raise ImproperlyConfigured(
            f"{setting} must be five cron fields (minute hour day month weekday) or off"
        )
    try:
        schedule = crontab(
            *fields[:2], day_of_month=fields[2], month_of_year=fields[3], day_of_week=fields[4]
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"{setting}: {exc}") from exc
    return {"task": task, "schedule": schedule, "options": {"expires": 3600}}


for _name, _entry in (
    ("dataset-release", _cron_entry(
        "RELEASE_SCHEDULE", RELEASE_SCHEDULE, "tracker.tasks.release_dataset")),
    ("headline-check", _cron_entry(
        "HEADLINE_CHECK_SCHEDULE", HEADLINE_CHECK_SCHEDULE, "tracker.tasks.check_headlines")),
):  # fmt: skip
    if _entry is not None:
        CELERY_BEAT_SCHEDULE[_name] = _entry
DASHBOARD_WARM_DEBOUNCE_SECONDS = env_int("DASHBOARD_WARM_DEBOUNCE_SECONDS", 5)
DASHBOARD_WARM_ON_CHANGE = env_bool("DASHBOARD_WARM_ON_CHANGE", default=True)
# After a change commits, the saving process builds the default series it touched again for
# readers (tracker.series_state.prime): the first reader after an approval builds no series.
SERIES_PRIME_ON_COMMIT = env_bool("SERIES_PRIME_ON_COMMIT", default=True)
# Series: an estimate older than this many days leaves the current band and holds the headline
# only while nothing fresher exists (tracker.series; overridable per series).
SERIES_FRESHNESS_DAYS = env_int("SERIES_FRESHNESS_DAYS", 180)
if SERIES_FRESHNESS_DAYS < 1:
    raise ImproperlyConfigured("SERIES_FRESHNESS_DAYS must be a positive number of days")
CELERY_TIMEZONE = "UTC"

# --- Auth, i18n, static ---
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # limits failed logins (admin, API session login)
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]  # ISO dates (YYYY-MM-DD) in the admin and on pages

# --- Review ---
# Four eyes: a claim an editor entered or changed by hand must be approved by another editor.
REVIEW_FOUR_EYES = env_bool("REVIEW_FOUR_EYES", default=True)

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Hashed names, .gz and .br copies from collectstatic (`make run` and the image run it), served
# by WhiteNoise for a year under runserver as under gunicorn (config/staticstorage.py). The
# tests render templates without collectstatic: tests/conftest.py swaps in the plain storage.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.staticstorage.StaticStorage"},
}
# Source maps are fetched by developer tools only: not worth compressing (halves collectstatic).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# --- REST framework ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON with a depth limit (issue 12), then DRF's form parsers as before.
    "DEFAULT_PARSER_CLASSES": [
        "tracker.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # drf-spectacular's, with no lock on reads anyone may make (tracker/api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "tracker.api.schema.AutoSchema",
    # DRF's anonymous throttle at a fixed cost per request (tracker/api/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": ["tracker.api.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env_str("API_ANON_RATE", "120/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NK–Russia claims tracker API",
    "DESCRIPTION": "Every figure asserted about North Korea–Russia military cooperation, "
    "with claimant, source quote, date and trust grade.",
    "VERSION": TRACKER_VERSION,  # tracker.__version__, the one source
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No deep-link anchor inside each operation's toggle button: a link nested in a button is
    # one control inside another to a keyboard or a screen reader (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",  # tags by resource: claims, series…
    "ENUM_NAME_OVERRIDES": {
        "ClaimStatusEnum": "tracker.models.Claim.Status",
        "ArticleStatusEnum": "tracker.models.Article.Status",
        "ClaimantKindEnum": "tracker.models.Claimant.Kind",
        "WeaponSystemKindEnum": "tracker.models.WeaponSystem.Kind",
    },
}

# --- Ingest ---
INGEST_ALLOW_PRIVATE_NETWORKS = env_bool("INGEST_ALLOW_PRIVATE_NETWORKS", default=False)
INGEST_FETCH_TIMEOUT = float(env_int("INGEST_FETCH_TIMEOUT", 20))
INGEST_MAX_BYTES = env_int("INGEST_MAX_BYTES", 5 * 1024 * 1024)
INGEST_MAX_REDIRECTS = env_int("INGEST_MAX_REDIRECTS", 5)
INGEST_MAX_RETRIES = env_int("INGEST_MAX_RETRIES", 6)
# What one article may cost the extractor on a worker: past these, extraction stops and the
# article is marked "too long, review by hand" (ingest/extract/budget.py).
EXTRACT_TIME_BUDGET_SECONDS = env_int("EXTRACT_TIME_BUDGET_SECONDS", 5)
EXTRACT_MAX_CHARS = env_int("EXTRACT_MAX_CHARS", 100_000)
INGEST_USER_AGENT = env_str("INGEST_USER_AGENT", "NKRuClaimsTracker/1.0 (news research crawler)")
# The same claimant's same figure reported this many days apart is still one claim (tracker.merge).
CLAIM_MERGE_WINDOW_DAYS = env_int("CLAIM_MERGE_WINDOW_DAYS", 30)

# --- Security: strict by default, relaxed only for local DEBUG runs ---
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},  # one INFO line per request otherwise
    },
}
