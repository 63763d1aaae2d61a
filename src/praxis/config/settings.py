"""Praxis settings, read from PRAXIS_* environment variables (see README, "Configuration").

Three profiles, chosen by PRAXIS_PROFILE:
- ``production`` (the default): secure cookies, HSTS, SSL redirect; PRAXIS_SECRET_KEY and
  PRAXIS_AUDIT_KEY required.
- ``demo``: what ``make demo`` runs on http://127.0.0.1:8000 with a generated secret key kept in
  the data folder and e-mail printed to the console.
- ``test``: what the test suite runs; fast password hashing is *not* used, so tests exercise argon2.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .env import (
    database_from_url,
    env_bool,
    env_choice,
    env_int,
    env_keys,
    env_list,
    env_str,
)
from .log_redaction import SECRET_PATHS

PROFILE = env_choice("PRAXIS_PROFILE", ("production", "demo", "test"), "production")
IS_PRODUCTION = PROFILE == "production"
DEMO_MODE = PROFILE == "demo"

SRC_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("PRAXIS_DATA_DIR", str(Path.cwd() / "var"))).resolve()


def _secret_key() -> str:
    key = env_str("PRAXIS_SECRET_KEY")
    if key:
        return key
    if IS_PRODUCTION:
        raise ImproperlyConfigured("PRAXIS_SECRET_KEY must be set in production (50+ characters)")
    if PROFILE == "test":
        return "praxis-test-" + "k" * 60
    # demo: one generated key per data folder, so sessions survive a restart
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("PRAXIS_DEBUG", False)
ALLOWED_HOSTS = env_list(
    "PRAXIS_ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("PRAXIS_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "bootstrap",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "praxis.core",
    "praxis.patients",
    "praxis.scheduling",
    "praxis.billing",
    "praxis.claims",
    "praxis.staff",
    "praxis.compliance",
    "praxis.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "praxis.core.body_limit.BodyLimitMiddleware",  # 413 before an oversized body is read
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "praxis.core.middleware.RequestContextMiddleware",
    "praxis.core.phi_audit.PhiReadMiddleware",
    "praxis.core.middleware.PracticeTimeZoneMiddleware",
    "praxis.core.middleware.SessionTimeoutMiddleware",
    "praxis.core.middleware.AccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "praxis.core.middleware.NoStoreMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "praxis.config.urls"
WSGI_APPLICATION = "praxis.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "praxis.core.context_processors.navigation",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

_default_db = f"sqlite:///{DATA_DIR / 'praxis.sqlite3'}"
DATABASES = {
    "default": database_from_url(
        env_str("PRAXIS_DATABASE_URL", _default_db), base_dir=DATA_DIR.parent
    )
}
if str(DATABASES["default"]["ENGINE"]).endswith("sqlite3"):
    Path(str(DATABASES["default"]["NAME"])).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    # axes first: it refuses locked-out credentials before a password is even checked
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with one permission query instead of two (core/backends.py)
    "praxis.core.backends.PermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "praxis.core.passwords.BreachedLookingPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Sessions: database-backed so that deactivating a user can delete every session at once.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
PRAXIS_SESSION_IDLE_SECONDS = env_int("PRAXIS_SESSION_IDLE_MINUTES", 15, minimum=1) * 60
PRAXIS_SESSION_ABSOLUTE_SECONDS = env_int("PRAXIS_SESSION_ABSOLUTE_HOURS", 12, minimum=1) * 3600
SESSION_COOKIE_AGE = PRAXIS_SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "praxis_session"
CSRF_COOKIE_NAME = "praxis_csrftoken"

# Login throttling (django-axes): N failures for one e-mail address lock it for the cool-off.
AXES_FAILURE_LIMIT = env_int("PRAXIS_LOCKOUT_FAILURES", 10, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PRAXIS_LOCKOUT_MINUTES", 15, minimum=1))
# Per account, not per IP: a practice's staff share one NAT address, and one person's typos must
# not lock the whole front office out (hence axes.W006 is silenced below).
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
# One count per account however the address is typed (case, spaces), as sign-in looks it up.
AXES_USERNAME_CALLABLE = "praxis.core.backends.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("PRAXIS_PROXY_COUNT", 0, minimum=0) or None
# Take the X-Request-ID header as the request's id only when the reverse proxy sets it (and
# replaces any a client sent); otherwise a client could file its actions under an id it chose.
# Where claim batches are dropped for the clearinghouse's pick-up (claims.batching).
PRAXIS_CLAIMS_OUTBOX = env_str("PRAXIS_CLAIMS_OUTBOX", str(DATA_DIR / "claims-outbox"))
PRAXIS_TRUST_REQUEST_ID = env_bool("PRAXIS_TRUST_REQUEST_ID", False)
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]

SILENCED_SYSTEM_CHECKS = ["axes.W006", *env_list("PRAXIS_SILENCED_CHECKS", [])]

# API tokens expire after at most this many days (also the default life of a new one).
PRAXIS_API_TOKEN_DAYS = env_int("PRAXIS_API_TOKEN_DAYS", 90, minimum=1)

OTP_TOTP_ISSUER = "Praxis"
OTP_TOTP_THROTTLE_FACTOR = 1

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("PRAXIS_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Project-wide assets (praxis/praxis.css) live beside the project templates, outside any app.
STATICFILES_DIRS = [SRC_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Uploaded documents hold PHI: readable by the service account only, never served as
        # static files (views check access and send them as attachments).
        "OPTIONS": {
            "location": str(DATA_DIR / "files"),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Patient documents (insurance cards, photo ids, consent forms): PDF, PNG or JPEG up to this size.
PRAXIS_UPLOAD_MAX_MB = env_int("PRAXIS_UPLOAD_MAX_MB", 10, minimum=1)
# Outside production, serve static files straight from the packages (no collectstatic step).
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
if not IS_PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_AUTOREFRESH = False

# E-mail: console in the demo, SMTP (or what PRAXIS_EMAIL_BACKEND names) in production.
_email_backends = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
}
EMAIL_BACKEND = _email_backends[
    env_choice(
        "PRAXIS_EMAIL_BACKEND",
        tuple(_email_backends),
        {"production": "smtp", "demo": "console", "test": "memory"}[PROFILE],
    )
]
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = env_str("PRAXIS_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("PRAXIS_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("PRAXIS_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("PRAXIS_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("PRAXIS_EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("PRAXIS_DEFAULT_FROM_EMAIL", "praxis@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in e-mails, feeds and the demo's printout. `make demo PORT=8123` passes its own; 8000 is
# the port runserver takes by default.
PRAXIS_BASE_URL = env_str(
    "PRAXIS_BASE_URL", "" if IS_PRODUCTION else "http://127.0.0.1:8000"
).rstrip("/")

# Scheduling: how far ahead a slot must start to be offered, and how close to the start a
# cancellation counts as late.
PRAXIS_BOOKING_MIN_NOTICE_MINUTES = env_int("PRAXIS_BOOKING_MIN_NOTICE_MINUTES", 60, minimum=0)
PRAXIS_LATE_CANCEL_HOURS = env_int("PRAXIS_LATE_CANCEL_HOURS", 24, minimum=0)
# Reminders: the class that sends text messages (see scheduling/messaging.py), and the secret
# the SMS gateway signs inbound replies with (HMAC-SHA256 of the body; empty: replies refused).
PRAXIS_SMS_SENDER = env_str(
    "PRAXIS_SMS_SENDER",
    "praxis.scheduling.messaging."
    + {"production": "FileSmsSender", "demo": "ConsoleSmsSender", "test": "MemorySmsSender"}[
        PROFILE
    ],
)
PRAXIS_SMS_WEBHOOK_SECRET = env_str("PRAXIS_SMS_WEBHOOK_SECRET")
PRAXIS_REMINDER_INTERVAL_MINUTES = env_int("PRAXIS_REMINDER_INTERVAL_MINUTES", 5, minimum=1)

# Benchmarks only: makes audit.record() write nothing, so bench/audit_append can measure the same
# load with and without the audit trail. Production refuses to start with it.
PRAXIS_AUDIT_DISABLED = env_bool("PRAXIS_AUDIT_DISABLED", False)
if PRAXIS_AUDIT_DISABLED and IS_PRODUCTION:
    raise ImproperlyConfigured("PRAXIS_AUDIT_DISABLED is for benchmarks; production always audits")

# The audit chain's HMAC key, never stored in the database (docs/adr/0004-keyed-audit-chain.md).
# PRAXIS_AUDIT_KEY="id:secret" seals and signs checkpoints; PRAXIS_AUDIT_RETIRED_KEYS="id:secret,…"
# only verifies what keys before a rotation made. Outside production it is derived from the
# secret key: fixed in the test profile, one per data folder in the demo; neither protects data.
_audit_key = env_keys("PRAXIS_AUDIT_KEY")
_retired_audit_keys = env_keys("PRAXIS_AUDIT_RETIRED_KEYS")
if not _audit_key and IS_PRODUCTION:
    raise ImproperlyConfigured("PRAXIS_AUDIT_KEY must be set in production (id:32+ characters)")
_audit_key = _audit_key or {PROFILE: hmac.new(SECRET_KEY.encode(), b"audit", "sha256").hexdigest()}
if len(_audit_key) > 1 or _audit_key.keys() & _retired_audit_keys.keys():
    raise ImproperlyConfigured(
        "PRAXIS_AUDIT_KEY is one key; older ones, with other ids, go in PRAXIS_AUDIT_RETIRED_KEYS"
    )
PRAXIS_AUDIT_KEY_ID = next(iter(_audit_key))
PRAXIS_AUDIT_KEYS = {**_retired_audit_keys, **_audit_key}
# Signed checkpoints of the chain's head, outside the database (`praxis audit checkpoint`).
PRAXIS_AUDIT_CHECKPOINT_FILE = Path(
    env_str("PRAXIS_AUDIT_CHECKPOINT_FILE", str(DATA_DIR / "audit-checkpoints.txt"))
)

# Background work: a durable queue in the same database (enqueue commits with the data).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if PROFILE == "test"
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("PRAXIS_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("PRAXIS_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Opt-in: a domain on the browsers' preload list stays HTTPS-only for months after it asks
    # to leave, which a self-hosted practice moving its address cannot afford by accident.
    SECURE_HSTS_PRELOAD = env_bool("PRAXIS_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS.append("security.W021")  # "preload is not set": it is a choice
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("PRAXIS_BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Secrets that travel in URL paths, hidden in every log line (the group named "secret"): a
# calendar feed's token and an invitation's link.
LOG_REDACTED_PATHS = list(SECRET_PATHS)

# Logs carry request ids and object ids, never names, dates of birth or other PHI.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "praxis.config.log_redaction.RedactingFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "patterns": LOG_REDACTED_PATHS,
        }
    },
    # A refused permission is logged in one line, without the traceback Django attaches.
    "filters": {"permission_denied": {"()": "praxis.core.errors.PermissionDeniedOneLine"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["permission_denied"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("PRAXIS_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
        # The development server's request lines, through the redacting handler too.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
