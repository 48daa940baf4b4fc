"""OpenKAM settings: everything that varies between installations comes from the environment.

Readers live in `openkam.env`; each rejects a bad value with the variable's name. There are
no insecure defaults: DEBUG is off, HTTPS hardening is on, and the secret key is generated
once per data directory rather than written here.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from openkam.env import (
    EnvSettingError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent

DATA_DIR = Path(env_str("KAM_DATA_DIR", "var") or "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    """The key from SECRET_KEY(_FILE), else one generated once and kept in the data directory.

    Generating it keeps a fresh install secure without a literal default; keeping it in the
    data directory keeps sessions valid across restarts. Several app servers must share it:
    set SECRET_KEY (or SECRET_KEY_FILE) for them.
    """
    configured = env_str("SECRET_KEY")
    if configured is not None:
        if len(configured) < 32:
            raise EnvSettingError("SECRET_KEY must be at least 32 characters long.")
        return configured
    key_file = DATA_DIR / "secret_key"
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        key = secrets.token_urlsafe(50)
        handle.write(key)
    return key


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_countries",
    "django_tasks_db",
    "ninja",
    "openkam.core",
    "openkam.users",
    "openkam.accounts",
    "openkam.currency",
    "openkam.imports",
    "openkam.revenue",
    "openkam.stakeholders",
    "openkam.activity",
    "openkam.knowledge",
    "openkam.search",
    "openkam.commitments",
    "openkam.cadence",
    "openkam.notifications",
    "openkam.digest",
    "openkam.calendarfeed",
    "openkam.insights",
    "openkam.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "openkam.users.middleware.LoginRequiredMiddleware",
    "openkam.users.middleware.UserLanguageMiddleware",
    # Before anything reads a request body (CSRF's process_view reads the form).
    "openkam.web.middleware.UploadSizeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "openkam.web.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "openkam.urls"
WSGI_APPLICATION = "openkam.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "openkam.web.context_processors.navigation",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------
# SQLite in the data directory by default; PostgreSQL (or SQLite elsewhere) via DATABASE_URL.
_SQLITE = "django.db.backends.sqlite3"
_POSTGRESQL = "django.db.backends.postgresql"
_sqlite_db: dict[str, object] = {
    "ENGINE": _SQLITE,
    "NAME": DATA_DIR / "openkam.sqlite3",
    "OPTIONS": {
        # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at
        # BEGIN so that concurrent writers wait (busy timeout) instead of failing
        # with "database is locked" half-way through a transaction.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("KAM_SQLITE_BUSY_TIMEOUT", 20, minimum=1),
    },
}
_database_url = env_str("DATABASE_URL")
if _database_url:
    try:
        _default_db = dict(dj_database_url.parse(_database_url, conn_max_age=60))
    except ValueError as exc:
        # The message names the scheme only: the URL may carry a password.
        raise EnvSettingError(f"DATABASE_URL cannot be parsed: {exc}") from exc
    if _default_db.get("ENGINE") == _POSTGRESQL:
        _default_db["CONN_HEALTH_CHECKS"] = True
    elif _default_db.get("ENGINE") == _SQLITE:
        _default_db = {**_sqlite_db, "NAME": _default_db["NAME"]}
    else:
        raise EnvSettingError(
            f"DATABASE_URL: the scheme {_database_url.split(':', 1)[0]!r} is not supported; "
            "OpenKAM runs on PostgreSQL (postgres://user:password@host:5432/name) or SQLite "
            "(sqlite:////absolute/path.sqlite3, or leave DATABASE_URL unset)."
        )
else:
    _default_db = _sqlite_db
DATABASES = {"default": _default_db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks ----------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Auth ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
LOGIN_URL = "users:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "users:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Repeated failed logins for one username, or from one address, lock further attempts.
KAM_LOGIN_MAX_FAILURES = env_int("KAM_LOGIN_MAX_FAILURES", 5, minimum=1)
# Per client address the limit is higher: an office behind one NAT address shares it, and one
# colleague's typos must not lock everybody out; it still stops one machine guessing widely.
KAM_LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("KAM_LOGIN_MAX_FAILURES_PER_ADDRESS", 50, minimum=1)
KAM_LOGIN_LOCKOUT_MINUTES = env_int("KAM_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)

# --- Security ------------------------------------------------------------------------------
# HTTPS hardening is on unless DEBUG; KAM_HTTPS=false is for a plain-HTTP local demo only.
HTTPS = env_bool("KAM_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("KAM_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
KAM_BEHIND_PROXY = env_bool("KAM_BEHIND_PROXY", False)
if KAM_BEHIND_PROXY:
    # Only behind a proxy that sets these headers itself; otherwise clients could forge them.
    # The client's address for sign-in throttling is then the one the proxy appended to
    # X-Forwarded-For (openkam.users.forms.client_address).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("KAM_SESSION_HOURS", 12, minimum=1) * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Internationalisation ------------------------------------------------------------------
LANGUAGES = [
    ("en", _("English")),
    ("nb", _("Norwegian Bokmål")),
    ("sv", _("Swedish")),
    ("hu", _("Hungarian")),
    ("bg", _("Bulgarian")),
    ("ru", _("Russian")),
]
LANGUAGE_CODE = env_choice("LANGUAGE_CODE", "en", [code for code, _name in LANGUAGES])
TIME_ZONE = env_str("TIME_ZONE", "Europe/Oslo") or "UTC"
USE_I18N = True
USE_TZ = True
# Each app keeps its own catalogues in <app>/locale (found through INSTALLED_APPS), so that
# apps are translated independently; the language names above come from Django's catalogue.
LOCALE_PATHS: list[Path] = []
FORMAT_MODULE_PATH = ["openkam.formats"]

try:
    import zoneinfo

    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
    raise EnvSettingError(f"TIME_ZONE={TIME_ZONE!r} is not a known time zone.") from exc

# --- Static files --------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing directory
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"
# Uploaded files (interaction attachments) are served only through views that check access;
# there is deliberately no MEDIA_URL route. Files are readable by the app's user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
KAM_ATTACHMENT_MAX_MB = env_int("KAM_ATTACHMENT_MAX_MB", 25, minimum=1)
KAM_IMPORT_MAX_MB = env_int("KAM_IMPORT_MAX_MB", 512, minimum=1)

# --- E-mail --------------------------------------------------------------------------------
# Django 6.1's MAILERS; the environment keeps the familiar EMAIL_* names.
_email_backend = env_choice(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend",
    [
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.smtp.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
    ],
)
_email_options: dict[str, object] = {}
if _email_backend.endswith("smtp.EmailBackend"):
    _email_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25, minimum=1),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": env_int("EMAIL_TIMEOUT", 30, minimum=1),
    }
    if _email_options["use_tls"] and _email_options["use_ssl"]:
        raise EnvSettingError("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "OpenKAM <openkam@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging -------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- OpenKAM -------------------------------------------------------------------------------
KAM_PAGE_SIZE = env_int("KAM_PAGE_SIZE", 25, minimum=5)
KAM_REPORTING_CURRENCY = (env_str("KAM_REPORTING_CURRENCY", "EUR") or "EUR").upper()
if len(KAM_REPORTING_CURRENCY) != 3 or not KAM_REPORTING_CURRENCY.isalpha():
    raise EnvSettingError(
        f"KAM_REPORTING_CURRENCY={KAM_REPORTING_CURRENCY!r} is not a three-letter ISO 4217 code."
    )
KAM_API_MAX_LIMIT = 200
# Promises, contact cadence, digests and the worker (commitments, cadence, digest, notifications).
# The site's address, for links in e-mails and calendar feeds.
KAM_BASE_URL = (env_str("KAM_BASE_URL", "http://localhost:8000") or "").rstrip("/")
if not KAM_BASE_URL.startswith(("http://", "https://")):
    raise EnvSettingError(f"KAM_BASE_URL={KAM_BASE_URL!r} must start with http:// or https://.")
KAM_REMINDER_LEAD_DAYS = env_int("KAM_REMINDER_LEAD_DAYS", 3, minimum=0)
KAM_DUE_SOON_DAYS = env_int("KAM_DUE_SOON_DAYS", 7, minimum=1)
KAM_DIGEST_INTERVAL_DAYS = env_int("KAM_DIGEST_INTERVAL_DAYS", 7, minimum=1)
KAM_DIGEST_WEEKDAY = env_choice(
    "KAM_DIGEST_WEEKDAY",
    "monday",
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
)
# Local hour from which the daily jobs and the digest run.
KAM_SCHEDULE_HOUR = env_int("KAM_SCHEDULE_HOUR", 7, minimum=0)
if KAM_SCHEDULE_HOUR > 23:
    raise EnvSettingError(f"KAM_SCHEDULE_HOUR={KAM_SCHEDULE_HOUR} is not an hour (0-23).")
KAM_WORKER_SCHEDULE_SECONDS = env_int("KAM_WORKER_SCHEDULE_SECONDS", 60, minimum=1)
# How long a worker's claim on a job or an e-mail lasts without its heartbeat; after that it
# is presumed dead and another worker takes over. Keep it well above EMAIL_TIMEOUT.
KAM_WORKER_LEASE_SECONDS = env_int("KAM_WORKER_LEASE_SECONDS", 300, minimum=1)
KAM_JOB_RETRY_SECONDS = env_int("KAM_JOB_RETRY_SECONDS", 300, minimum=1)
KAM_EMAIL_MAX_ATTEMPTS = env_int("KAM_EMAIL_MAX_ATTEMPTS", 8, minimum=1)
KAM_OUTBOX_KEEP_DAYS = env_int("KAM_OUTBOX_KEEP_DAYS", 90, minimum=1)
# A stakeholder not verified for this many days is marked stale (contact data goes out of date).
KAM_STAKEHOLDER_STALE_DAYS = env_int("KAM_STAKEHOLDER_STALE_DAYS", 180, minimum=1)
# Portfolio analytics (domain.md section 1): defaults the head can change, never constants.
# ABC classes: A = the largest accounts that together reach A % of revenue, B up to B %.
KAM_ABC_A_PERCENT = env_int("KAM_ABC_A_PERCENT", 80, minimum=1)
KAM_ABC_B_PERCENT = env_int("KAM_ABC_B_PERCENT", 95, minimum=1)
# Key accounts' share of revenue: typical band and the mono-dependency alarm.
KAM_KEY_SHARE_LOW_PERCENT = env_int("KAM_KEY_SHARE_LOW_PERCENT", 30, minimum=0)
KAM_KEY_SHARE_HIGH_PERCENT = env_int("KAM_KEY_SHARE_HIGH_PERCENT", 55, minimum=0)
KAM_KEY_SHARE_ALARM_PERCENT = env_int("KAM_KEY_SHARE_ALARM_PERCENT", 75, minimum=0)
if not KAM_ABC_A_PERCENT < KAM_ABC_B_PERCENT < 100:
    raise EnvSettingError("KAM_ABC_A_PERCENT < KAM_ABC_B_PERCENT < 100 is required.")
if not (
    KAM_KEY_SHARE_LOW_PERCENT < KAM_KEY_SHARE_HIGH_PERCENT < KAM_KEY_SHARE_ALARM_PERCENT <= 100
):
    raise EnvSettingError(
        "KAM_KEY_SHARE_LOW_PERCENT < KAM_KEY_SHARE_HIGH_PERCENT < KAM_KEY_SHARE_ALARM_PERCENT"
        " <= 100 is required."
    )
