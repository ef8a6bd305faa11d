"""Shiftdesk settings: one file, configured only from the environment.

Every variable is documented in `.env.example`. The defaults are the embedded
setup that `make run` uses: a SQLite file and a Celery broker kept in files,
so no database or broker server is needed.
"""

import datetime as dt
from pathlib import Path

import django_stubs_ext
import environ
from csp.constants import NONCE, NONE, SELF

# Lets classes such as ModelAdmin[Team] be subscripted at run time, as the type checker wants.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("SHIFTDESK_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str(
    "SECRET_KEY",
    # Only usable with DEBUG on: `check --deploy` flags it, and production sets its own.
    default="insecure-development-key-set-SECRET_KEY-in-production" if DEBUG else "",
)
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "csp",
    # Shiftdesk apps, bottom of the stack first: each imports only from those above it here.
    "teams",
    "outbox",
    "health",
    "incidents",
    "deployments",
    "github_sync",
    "meetings",
    "shifts",
    "duties",
    "handover",
    "statusreports",
    "desk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "teams.middleware.RefuseNulCharactersMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "teams.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "teams.middleware.ViewerTimeZoneMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
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
                "teams.context_processors.viewer_time_zone",
            ],
        },
    },
]

# Database: DATABASE_URL, default a SQLite file. On SQLite, web, worker and beat share
# one file: WAL lets readers run beside a writer, and IMMEDIATE transactions take the
# write lock up front so concurrent writers wait (busy timeout) instead of failing
# with "database is locked" halfway through.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'shiftdesk.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    # A file (not memory) so that a real Celery worker started by a test sees the data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-shiftdesk.sqlite3")}
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "teams.postgresql"  # timestamps parsed in C
if DATABASES["default"]["ENGINE"] == "teams.postgresql" and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    # psycopg prepared statements: parameters bound on the server, and a query run 5 times
    # on a connection is parsed and planned once. Turn off (DATABASE_PREPARED_STATEMENTS=
    # false) behind a transaction-mode PgBouncer without max_prepared_statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: CACHE_URL (redis://HOST:6379/1 in production). The default is files in var/,
# so every web process, the Celery worker and beat share it on the embedded default too
# (a per-process memory cache could not be invalidated by another process).
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "teams.cache.RedisCache"  # one client per pool
FEEDS_CACHE_SECONDS = env.int("FEEDS_CACHE_SECONDS", default=24 * 3600)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins (web form and admin) are counted per username and client address by
# django-axes; after AXES_FAILURE_LIMIT failures that pair is refused for the cool-off,
# even with the right password. The count is kept in the database (shared by every web
# process) and a successful login resets it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "teams.throttling.client_ip"
AXES_VERBOSE = False
# Reverse proxies in front of Shiftdesk that append to X-Forwarded-For. 0 (the default):
# the client is the connection's address and the header is ignored, so nobody can pick
# their own address by sending it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
# Stored and computed in UTC; each page is shown in the viewer's zone (teams.middleware).
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Security headers; `manage.py check --deploy` is clean with DEBUG off. HTTPS (default:
# on unless DEBUG) redirects to https, marks cookies secure and sends HSTS; turn it off
# only where the site is served over plain HTTP on purpose (tests, a local demo).
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# The preload flag only allows submitting the domain to browsers' preload list; nothing is sent.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, images and fonts only from this
# site (static files, the Swagger UI from drf-spectacular-sidecar), no inline script or
# style unless it carries the request's nonce (`request.csp_nonce`), no eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Email: SMTP when EMAIL_HOST is set, otherwise printed to the console (development).
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 30
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="shiftdesk@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# GitHub: the API root (GitHub Enterprise: https://HOST/api/v3), a token, and the
# secret that signs webhook deliveries.
GITHUB_API_URL = env.str("GITHUB_API_URL", default="https://api.github.com").rstrip("/")
GITHUB_TOKEN = env.str("GITHUB_TOKEN", default="")
GITHUB_WEBHOOK_SECRET = env.str("GITHUB_WEBHOOK_SECRET", default="")
# Or a GitHub App: its id, its private key (PEM text, or a file path) and the
# installation on the organisation; when set, the App is used instead of the token.
GITHUB_APP_ID = env.str("GITHUB_APP_ID", default="")
GITHUB_APP_PRIVATE_KEY = env.str("GITHUB_APP_PRIVATE_KEY", default="", multiline=True)
if GITHUB_APP_PRIVATE_KEY and not GITHUB_APP_PRIVATE_KEY.startswith("-----"):
    GITHUB_APP_PRIVATE_KEY = Path(GITHUB_APP_PRIVATE_KEY).read_text()
GITHUB_APP_INSTALLATION_ID = env.str("GITHUB_APP_INSTALLATION_ID", default="")
# Seconds before a GitHub request gives up (no hidden retries: tasks re-queue).
GITHUB_TIMEOUT_SECONDS = env.int("GITHUB_TIMEOUT_SECONDS", default=10)
# Polling: one conditional request per repository this often; the cursor overlaps
# the last change by this much so that same-second updates are never missed.
GITHUB_POLL_INTERVAL_SECONDS = env.float("GITHUB_POLL_INTERVAL_SECONDS", default=300.0)
GITHUB_POLL_OVERLAP_SECONDS = env.int("GITHUB_POLL_OVERLAP_SECONDS", default=120)
# Tries of an issue creation that fails with 5xx/timeouts before it is marked failed.
GITHUB_CREATE_MAX_ATTEMPTS = env.int("GITHUB_CREATE_MAX_ATTEMPTS", default=6)
# The seed rule: hours after detection before an incident without an issue is flagged.
GITHUB_SEED_ISSUE_HOURS = env.float("GITHUB_SEED_ISSUE_HOURS", default=2.0)

# Celery. The default broker keeps messages in files under var/ so that `make run`
# needs no broker server; production sets redis:// or amqp://.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# One retry and time-limit policy for every task (tasks are safe to run twice).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# How often beat records that it is alive (seconds); tests shorten it.
HEARTBEAT_INTERVAL_SECONDS = env.float("HEARTBEAT_INTERVAL_SECONDS", default=60.0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an unauthenticated call gets 401 with WWW-Authenticate, not 403.
        # It answers 429 to a client that sent too many bad tokens (teams.throttling).
        "teams.throttling.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "teams.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "teams.schema.ShiftdeskAutoSchema",
    "EXCEPTION_HANDLER": "teams.rest.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"failed_token": "20/min"},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Shiftdesk API",
    "DESCRIPTION": "Shift rotations, meetings, incidents and handovers of on-shift teams.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the installed sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# One console handler for everything, Django's own loggers included (their default
# handlers are replaced), with calendar feed tokens redacted from every line.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"feed_tokens": {"()": "teams.logging.FeedTokenFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["feed_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
    },
}

# --- incidents: names for choice sets that share a field name (status, kind) in the schema.
# (Other apps with colliding choice names add their entries to this one dict.)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "IncidentStatusEnum": "incidents.models.Incident.Status",
    "IncidentKindEnum": "incidents.models.Incident.Kind",
    "ActionItemStatusEnum": "incidents.models.ActionItem.Status",
    "TimelineEntryKindEnum": "incidents.models.TimelineEntry.Kind",
    # deployments
    "HostRoleEnum": "deployments.models.Host.Role",
    "RoleEnum": "teams.models.Membership.Role",  # keeps its name beside HostRoleEnum
    "HostStateEnum": "deployments.models.Host.State",
    "HostChangeStateEnum": "deployments.models.HostChange.State",
    "ChangeKindEnum": "deployments.models.Change.Kind",
    "CampaignKindEnum": "deployments.models.Campaign.Kind",
    "CampaignStatusEnum": "deployments.models.Campaign.Status",
    "GitHubIssueLinkStatusEnum": "github_sync.models.IssueLink.Status",
    # duties, status reports
    "DutyCheckStateEnum": "duties.models.DutyCheck.State",
    "StatusReportStateEnum": "statusreports.models.StatusReport.State",
}

# --- meetings --------------------------------------------------------------------------
# How far ahead meeting occurrences are materialised (days).
MEETINGS_HORIZON_DAYS = env.int("MEETINGS_HORIZON_DAYS", default=120)
# The live report editor posts every topic and action item in one form (a 50-topic,
# 100-item report is ~1,500 fields); Django's default cap is 1,000.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=10000)

# --- handover notes ----------------------------------------------------------------------
# A finalised note not acknowledged this many hours after the handover (or after it was
# finalised, if later) reminds the incoming person, once.
HANDOVER_ACK_REMINDER_HOURS = env.int("HANDOVER_ACK_REMINDER_HOURS", default=4)

# --- calendar feeds ----------------------------------------------------------------------
# How far back the .ics feeds reach (days); forward they reach the materialised horizon.
FEEDS_PAST_DAYS = env.int("FEEDS_PAST_DAYS", default=92)
