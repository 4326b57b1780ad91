"""Settings for 减负自查报告平台, every value read from the environment.

The README has a table of every variable. Helpers fail loudly on a malformed value
instead of guessing (``DEBUG=yes`` is an error, not ``False``).
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from portal.env import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "reports",
    "reports.review",
    "reports.dashboards",
    "reports.bureau",
    "reports.submission",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "reports.middleware.StripNulFromQueryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "reports.middleware.AuditContextMiddleware",
    "reports.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "reports.middleware.IdleSessionMiddleware",
    "reports.middleware.ForcePasswordChangeMiddleware",
    # Must be last: it answers throttled logins itself.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "reports.context_processors.navigation",
            ],
        },
    },
]

# Database: PostgreSQL through psycopg 3 when DATABASE_URL is set, else a SQLite file.
DATABASE_URL = env("DATABASE_URL", "")
if DATABASE_URL:
    # Persistent connections are checked before a request reuses them: after a PostgreSQL
    # restart the first request of each worker reconnects instead of failing.
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
    # No JIT: the portal's queries are short; compiling one costs 50-500 ms (the copy
    # index lookup's cost estimate can cross jit_above_cost on a large index).
    if "postgresql" in DATABASES["default"]["ENGINE"]:  # a sqlite:// URL takes no options
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
else:
    SQLITE_PATH = Path(env("SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3")))
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(SQLITE_PATH)}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "reports.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend with bounded concurrency of password checks (reports/auth.py).
    "reports.auth.BoundedModelBackend",
]
# Password policy (等保 2.0 身份鉴别, docs/dengbao.md): applied wherever a password is set —
# the change form, the e-mail reset, the import's 初始密码, the Django admin, the generated
# one-time passwords. PASSWORD_EXPIRY_DAYS=0 turns expiry off.
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 8)
PASSWORD_MIN_CLASSES = env_int("PASSWORD_MIN_CLASSES", 3)
PASSWORD_EXPIRY_DAYS = env_int("PASSWORD_EXPIRY_DAYS", 0)
# Password checks running at once in one web process; the others queue (reports/auth.py).
LOGIN_HASH_CONCURRENCY = env_int("LOGIN_HASH_CONCURRENCY", 2)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "reports.passwords.CharacterClassesValidator",
        "OPTIONS": {"min_classes": PASSWORD_MIN_CLASSES},
    },
]
# Django's hashers, PBKDF2 first as by default, its derivation run at a lower CPU priority
# than requests (reports/auth.py); the same algorithm, iterations and hashes.
PASSWORD_HASHERS = [
    "reports.auth.PolitePBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
#: CPU niceness of the password-hashing threads (0: as requests)
LOGIN_HASH_NICE = env_int("LOGIN_HASH_NICE", 5)
if env_bool("FAST_PASSWORD_HASHER", False):  # test suite only: hashing dominates fixtures
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock a username+IP pair after N failures for a while.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed file names in production. The test suite turns this off because the
# test live server serves static files from the finders, which know no hashed names.
# With it on and DEBUG off, a missing STATIC_ROOT/staticfiles.json stops start-up
# (reports/checks.py): every page would answer 500.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Uploaded files live outside anything served publicly; a permission-checked view serves them.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 20) * 1024 * 1024
# A form post (not a file) may carry this much: a report of ten full 50,000-character sections
# URL-encoded (9 bytes a Chinese character); past it Django answers templates/400.html.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: no broker configured → tasks run in-process (the embedded default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Celery's Django fixup closes the database connection around every task unless this is
# set: each analysis then paid a new PostgreSQL backend (fork, authentication, cold catalog
# caches: 72 backends in bench-load's morning of 50 submissions). The worker keeps its
# connection as a web thread does instead — closed when older than CONN_MAX_AGE or broken,
# health-checked before reuse (portal/celery.py) —; the fixup's own close comes only every
# CELERY_DB_REUSE_MAX tasks.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)
# A broker that is down or hangs costs a request seconds, not minutes: the job stays pending
# and a beat task sends it again (requeue-pending-analyses, requeue-pending-exports).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}

CELERY_TASK_ROUTES = {
    "reports.analyze_version": {"queue": "analysis"},
    "reports.reanalyze_campaign": {"queue": "analysis"},
    "reports.run_export": {"queue": "exports"},
    "reports.run_import": {"queue": "exports"},
}
CELERY_BEAT_SCHEDULE = {
    # Audit rows past AUDIT_RETENTION_DAYS, through the one delete the trigger allows.
    "prune-audit-log": {"task": "reports.prune_audit_log", "schedule": 24 * 3600.0},
    # A submission made while the broker was down is analysed once it is back.
    "requeue-pending-analyses": {
        "task": "reports.requeue_pending_analyses",
        "schedule": float(env_int("ANALYSIS_REQUEUE_SECONDS", 300)),
    },
    # Hourly; the task itself only sends between 08:00 and 20:00 Asia/Shanghai.
    "deadline-reminders": {"task": "reports.send_deadline_reminders", "schedule": 3600.0},
    "purge-expired-exports": {"task": "reports.purge_expired_exports", "schedule": 6 * 3600.0},
    # An import sent while the broker was down starts once it is back.
    "requeue-pending-imports": {"task": "reports.requeue_pending_imports", "schedule": 300.0},
    # An export requested while the broker was down starts within minutes of its return.
    "requeue-pending-exports": {
        "task": "reports.requeue_pending_exports",
        "schedule": float(env_int("EXPORT_REQUEUE_SECONDS", 120)),
    },
}
ANALYSIS_TIME_LIMIT = env_int("ANALYSIS_TIME_LIMIT", 120)  # seconds per analysis task
ANALYSIS_STALE_SECONDS = env_int("ANALYSIS_STALE_SECONDS", 120)  # pending this long → resend
EXPORT_STALE_SECONDS = env_int("EXPORT_STALE_SECONDS", 300)  # pending this long → resend
EXPORT_EXPIRE_DAYS = env_int("EXPORT_EXPIRE_DAYS", 7)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # refuses impossible keys (a NUL cost a 500)
        "reports.dashboards.api_auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "减负自查报告平台 数据接口",
    "DESCRIPTION": "只读接口：任务进度、报告指标与自查清单、分析标记。按账号所属单位限定范围。",
    "VERSION": "1",
    # One enum name per choice set (reports/dashboards/api.py uses each in several fields).
    "ENUM_NAME_OVERRIDES": {
        "SchoolTypeEnum": "reports.choices.SchoolType",
        "OrgKindEnum": "reports.choices.OrgKind",
        "ReportStateEnum": "reports.choices.ReportState",
        "IndicatorKindEnum": [("number", "数值"), ("time", "时刻"), ("yesno", "是/否")],
    },
}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "jianfu@localhost")
# The e-mail password reset (accounts/password_reset/) answers 404 unless turned on; even
# then it never mails staff or superuser accounts. Admins reset passwords in their subtree.
PASSWORD_RESET_BY_EMAIL = env_bool("PASSWORD_RESET_BY_EMAIL", False)

# A signed-in session with no request for this long ends (0 = off); the report form's
# autosave keeps what was typed (reports/middleware.py IdleSessionMiddleware).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
# One active session per account: a new login ends the older one.
SINGLE_SESSION = env_bool("SINGLE_SESSION", False)

# The audit log is kept this many days (网络安全法: at least six months), then pruned daily.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)
if AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 180 (six months)")
# Sessions last a school's working day (7:30–17:30) and slide while a form is being filled in:
# static/js/keepalive.js pings /session/keepalive every SESSION_KEEPALIVE_SECONDS after typing.
# "记住此设备" on the login form: REMEMBER_DEVICE_DAYS instead, on that device only; ended by
# 退出 there, by changing the password, or by an admin's password reset.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 10 * 3600)
SESSION_KEEPALIVE_SECONDS = env_int("SESSION_KEEPALIVE_SECONDS", 300)
REMEMBER_DEVICE_DAYS = env_int("REMEMBER_DEVICE_DAYS", 14)

# HTTPS. Off by default so `make run` works on http://127.0.0.1; .env.example turns all of
# it on, and `manage.py check --deploy --fail-level WARNING` passes with its values.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# The container healthcheck asks http://127.0.0.1:8000/healthz directly, not through the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Behind a TLS-terminating proxy that sets (and overwrites) X-Forwarded-Proto: name the header
# as Django sees it, HTTP_X_FORWARDED_PROTO. Never set it when clients reach gunicorn directly.
_PROXY_SSL_HEADER = env("SECURE_PROXY_SSL_HEADER", "")
SECURE_PROXY_SSL_HEADER = (_PROXY_SSL_HEADER, "https") if _PROXY_SSL_HEADER else None
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SESSION_COOKIE_SECURE)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = env("SECURE_REFERRER_POLICY", "same-origin")
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (django-csp): everything from our own origin, no inline script or
# style, no framing. Bootstrap, htmx and Chart.js are vendored and set styles through the
# CSSOM, which style-src does not govern; htmx's indicator <style> is switched off in
# base.html (its rules are in portal.css). data: images are Bootstrap's inline SVG icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
