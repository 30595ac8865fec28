"""Salvaguarda settings: one file, every value from the environment (see docs/configuration.md)."""

import secrets
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from salvaguarda.lib.crypto import encode_key, new_key
from salvaguarda.lib.env import (
    development_secret,
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SALVAGUARDA_VAR_DIR", str(BASE_DIR / "var")))

ENVIRONMENT = env_str("SALVAGUARDA_ENV", "production")
if ENVIRONMENT not in {"production", "development"}:
    raise ImproperlyConfigured("SALVAGUARDA_ENV must be 'production' or 'development'.")
DEVELOPMENT = ENVIRONMENT == "development"
DEBUG = DEVELOPMENT and env_bool("DEBUG", False)


def _secret(name: str, generate: Callable[[], str]) -> str:
    value = env_secret(name)
    if value:
        return value
    if not DEVELOPMENT:
        raise ImproperlyConfigured(
            f"{name} (or {name}_FILE) is required in production. See docs/configuration.md."
        )
    return development_secret(VAR_DIR / "secrets", name.lower(), generate)


SECRET_KEY = _secret("SECRET_KEY", lambda: secrets.token_urlsafe(48))
# The master key wraps every organization's data key. It never lives in the database.
SALVAGUARDA_MASTER_KEY = _secret("SALVAGUARDA_MASTER_KEY", lambda: encode_key(new_key()))
# Former master keys, kept only until `manage.py rotate_keys` has re-wrapped everything.
SALVAGUARDA_PREVIOUS_MASTER_KEYS = env_list("SALVAGUARDA_PREVIOUS_MASTER_KEYS")
# The audit key makes each audit entry's hash an HMAC that no one with only the database can
# recompute (core/audit_seal.py). Never a master key; former ones only verify old entries.
SALVAGUARDA_AUDIT_KEY = _secret("SALVAGUARDA_AUDIT_KEY", lambda: encode_key(new_key()))
SALVAGUARDA_PREVIOUS_AUDIT_KEYS = env_list("SALVAGUARDA_PREVIOUS_AUDIT_KEYS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEVELOPMENT else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "salvaguarda.core",
    "salvaguarda.accounts",
    "salvaguarda.people",
    "salvaguarda.court",
    "salvaguarda.incidents",
    "salvaguarda.letters",
    "salvaguarda.referrals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages leave compressed (Django's gzip; files and formats compressed already do not).
    # Static files are WhiteNoise's, compressed ahead. BREACH: CSRF tokens are masked per
    # response, and Django pads each gzip stream with up to 100 random bytes (docs/security.md).
    "salvaguarda.core.middleware.PageCompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "salvaguarda.accounts.api_limits.ApiRateLimitMiddleware",
    "salvaguarda.accounts.middleware.ApiTokenMiddleware",
    "salvaguarda.accounts.middleware.SessionPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "salvaguarda.core.middleware.NoStoreMiddleware",
    "salvaguarda.core.middleware.OrganizationScopeMiddleware",
    "salvaguarda.core.middleware.AccessPolicyMiddleware",
    # The organization's data keys: locked first by a request that may write (no deadlock
    # with a rotation), and a clear 410 when they were destroyed (core/keys_middleware.py).
    "salvaguarda.core.keys_middleware.OrganizationKeysMiddleware",
]

ROOT_URLCONF = "salvaguarda.urls"
WSGI_APPLICATION = "salvaguarda.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "salvaguarda.core.context_processors.organization",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'salvaguarda.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# SQLite: pages that only read run in deferred transactions, side by side; their audit entries
# follow in a short immediate one (salvaguarda/core/sqlite_reads.py).
SQLITE_DEFERRED_READS = env_bool("SQLITE_DEFERRED_READS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sessions ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Idle limit: SessionPolicyMiddleware renews the session once a minute while it is used.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SALVAGUARDA_SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_USE_SESSIONS = True  # no separate CSRF cookie
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"  # no message cookie
LANGUAGE_COOKIE_AGE = None  # the language cookie ends with the browser session
LANGUAGE_COOKIE_SAMESITE = "Lax"
SALVAGUARDA_LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = env_int(
    "LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS", 5
)
SALVAGUARDA_LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 30)
SALVAGUARDA_LOGIN_WINDOW_MINUTES = env_int("LOGIN_WINDOW_MINUTES", 15)
SALVAGUARDA_INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
SALVAGUARDA_QUICK_EXIT_URL = env_str("QUICK_EXIT_URL", "https://www.google.com/")
SALVAGUARDA_TOTP_ISSUER = env_str("TOTP_ISSUER", "Salvaguarda")

# --- Browser security -----------------------------------------------------------------------


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    # The quick-exit form is answered with a redirect to QUICK_EXIT_URL: allow that origin.
    "form-action": [CSP.SELF, _origin(SALVAGUARDA_QUICK_EXIT_URL)],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin: other sites get no referrer; our own POSTs keep a real Origin for CSRF checks.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEVELOPMENT:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sg_session"
    LANGUAGE_COOKIE_NAME = "__Host-sg_language"
else:
    SESSION_COOKIE_NAME = "sg_session"
    LANGUAGE_COOKIE_NAME = "sg_language"

# --- Languages, dates -----------------------------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "America/Mexico_City")

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEVELOPMENT
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Background tasks -----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Hearing reminders (court/channels.py) --------------------------------------------------
# `console` writes each message to the log; `twilio` sends SMS and WhatsApp through a
# Twilio-compatible HTTP API at REMINDER_API_URL (no default address: set it explicitly).
SALVAGUARDA_REMINDER_CHANNEL = env_str("REMINDER_CHANNEL", "console")
SALVAGUARDA_REMINDER_API_URL = env_str("REMINDER_API_URL")
SALVAGUARDA_REMINDER_ACCOUNT_SID = env_str("REMINDER_ACCOUNT_SID")
SALVAGUARDA_REMINDER_AUTH_TOKEN = env_secret("REMINDER_AUTH_TOKEN")
SALVAGUARDA_REMINDER_SMS_FROM = env_str("REMINDER_SMS_FROM")
SALVAGUARDA_REMINDER_WHATSAPP_FROM = env_str("REMINDER_WHATSAPP_FROM")
SALVAGUARDA_REMINDER_TIMEOUT_SECONDS = env_int("REMINDER_TIMEOUT_SECONDS", 15)
if SALVAGUARDA_REMINDER_CHANNEL not in {"console", "twilio"}:
    raise ImproperlyConfigured("REMINDER_CHANNEL must be 'console' or 'twilio'.")
if SALVAGUARDA_REMINDER_CHANNEL == "twilio" and not (
    SALVAGUARDA_REMINDER_API_URL
    and SALVAGUARDA_REMINDER_ACCOUNT_SID
    and SALVAGUARDA_REMINDER_AUTH_TOKEN
    and (SALVAGUARDA_REMINDER_SMS_FROM or SALVAGUARDA_REMINDER_WHATSAPP_FROM)
):
    raise ImproperlyConfigured(
        "REMINDER_CHANNEL=twilio needs REMINDER_API_URL, REMINDER_ACCOUNT_SID, "
        "REMINDER_AUTH_TOKEN (or REMINDER_AUTH_TOKEN_FILE) and REMINDER_SMS_FROM or "
        "REMINDER_WHATSAPP_FROM. See docs/configuration.md."
    )
_reminder_api = urlsplit(SALVAGUARDA_REMINDER_API_URL)
if SALVAGUARDA_REMINDER_CHANNEL == "twilio" and not (
    _reminder_api.scheme == "https"
    or (
        _reminder_api.scheme == "http"
        and _reminder_api.hostname in {"127.0.0.1", "localhost", "::1"}
    )
):
    raise ImproperlyConfigured("REMINDER_API_URL must be an https:// address.")

# --- Evidence files (incidents/files/) ------------------------------------------------------
# Photos, recordings, videos and PDFs, each encrypted with its own key. EVIDENCE_DIR must lie
# outside anything a web server publishes; back it up together with the database (the files'
# keys are in the database, their bytes here: one is useless without the other).
# An empty EVIDENCE_DIR= means the default, never the current folder.
SALVAGUARDA_EVIDENCE_DIR = Path(env_str("EVIDENCE_DIR") or str(VAR_DIR / "evidence"))
if not SALVAGUARDA_EVIDENCE_DIR.is_absolute():
    raise ImproperlyConfigured("EVIDENCE_DIR must be an absolute path. See docs/configuration.md.")
SALVAGUARDA_EVIDENCE_MAX_MB = env_int("EVIDENCE_MAX_MB", 100)
if SALVAGUARDA_EVIDENCE_MAX_MB < 1:
    raise ImproperlyConfigured("EVIDENCE_MAX_MB must be 1 or more.")
# While a request is read, an upload larger than 2.5 MB waits in a temporary file in clear:
# keep it in a folder only this user can read, never in the system's shared /tmp.
FILE_UPLOAD_TEMP_DIR = str(VAR_DIR / "uploads")
try:
    Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True, mode=0o700)
except OSError as exc:
    raise ImproperlyConfigured(
        f"{FILE_UPLOAD_TEMP_DIR} (uploads in progress) cannot be created: SALVAGUARDA_VAR_DIR "
        "must be writable by the app. See docs/configuration.md."
    ) from exc
FILE_UPLOAD_PERMISSIONS = 0o600

# --- Backups (core/backup/, docs/operations.md) -----------------------------------------------
# The backup key seals every backup made by `manage.py backup`. It is never the master key (a
# backup never holds that one), and only the process that takes or restores backups needs it.
SALVAGUARDA_BACKUP_KEY = env_secret("SALVAGUARDA_BACKUP_KEY") or (
    development_secret(VAR_DIR / "secrets", "salvaguarda_backup_key", lambda: encode_key(new_key()))
    if DEVELOPMENT
    else ""
)
SALVAGUARDA_BACKUP_DIR = Path(env_str("BACKUP_DIR") or str(VAR_DIR / "backups"))
if not SALVAGUARDA_BACKUP_DIR.is_absolute():
    raise ImproperlyConfigured("BACKUP_DIR must be an absolute path. See docs/configuration.md.")
# PostgreSQL: the role pg_dump connects as (BYPASSRLS, read-only); empty means DATABASE_URL's.
SALVAGUARDA_BACKUP_DATABASE_URL = env_secret("BACKUP_DATABASE_URL")
SALVAGUARDA_BACKUP_PG_BIN_DIR = env_str("BACKUP_PG_BIN_DIR")
SALVAGUARDA_BACKUP_KEEP = env_int("BACKUP_KEEP", 14)
SALVAGUARDA_BACKUP_EVERY_HOURS = env_int("BACKUP_EVERY_HOURS", 0)

# --- Audit anchors (core/anchors.py, docs/operations.md) --------------------------------------
# The audit chains' heads, appended to a file outside the database (put it on another disk)
# and, optionally, sent to syslog. "off" writes no file.
_anchor_file = env_str("AUDIT_ANCHOR_FILE") or str(VAR_DIR / "anchors" / "audit-anchors.jsonl")
SALVAGUARDA_AUDIT_ANCHOR_FILE = "" if _anchor_file == "off" else _anchor_file
if SALVAGUARDA_AUDIT_ANCHOR_FILE and not Path(SALVAGUARDA_AUDIT_ANCHOR_FILE).is_absolute():
    raise ImproperlyConfigured("AUDIT_ANCHOR_FILE must be an absolute path or 'off'.")
# A syslog socket (/dev/log) or host:port (UDP); empty sends nothing.
SALVAGUARDA_AUDIT_ANCHOR_SYSLOG = env_str("AUDIT_ANCHOR_SYSLOG")
SALVAGUARDA_AUDIT_ANCHOR_EVERY_MINUTES = env_int("AUDIT_ANCHOR_EVERY_MINUTES", 60)

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND_PATH = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEVELOPMENT
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        "OPTIONS": (
            {
                "host": env_str("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_secret("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            }
            if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend")
            # The file backend (one file per message in EMAIL_FILE_PATH): for tests and demos.
            else {"file_path": env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))}
            if EMAIL_BACKEND_PATH.endswith("filebased.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Salvaguarda <no-reply@localhost>")
SALVAGUARDA_BASE_URL = env_str("BASE_URL", "http://127.0.0.1:8000" if DEVELOPMENT else "")

# --- Sign-on letters: the public page where a letter collects signatures ---------------------
# Signatures asked for within an hour from one address (to one organization's letters), and on
# one letter from anywhere; more are answered 429. The e-mailed confirmation link expires.
SALVAGUARDA_SIGN_ON_PER_ADDRESS_PER_HOUR = env_int("SIGN_ON_PER_ADDRESS_PER_HOUR", 10)
SALVAGUARDA_SIGN_ON_PER_LETTER_PER_HOUR = env_int("SIGN_ON_PER_LETTER_PER_HOUR", 300)
SALVAGUARDA_SIGN_ON_CONFIRM_DAYS = env_int("SIGN_ON_CONFIRM_DAYS", 7)
# A folder holding the DejaVu Sans files letter PDFs embed; empty: the usual system folders.
SALVAGUARDA_LETTERS_PDF_FONT_DIR = env_str("LETTERS_PDF_FONT_DIR", "")

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # pikepdf announces its C++ logger at INFO on every start of a command.
    "loggers": {"pikepdf": {"level": "WARNING"}},
}
# Behind reverse proxies, the request header that carries the client address (X-Real-IP or
# X-Forwarded-For) and how many proxies stand in front of the app: the client is the rightmost
# address of the header that none of them is (salvaguarda/accounts/addresses.py).
SALVAGUARDA_CLIENT_ADDRESS_HEADER = env_str("CLIENT_ADDRESS_HEADER")
SALVAGUARDA_TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 1)

# --- Rate limits of the API (429 with Retry-After past them; 0 turns one off) ---------------
SALVAGUARDA_API_RATE_PER_TOKEN = env_int("API_RATE_PER_TOKEN", 300)
SALVAGUARDA_API_RATE_PER_ADDRESS = env_int("API_RATE_PER_ADDRESS", 600)
SALVAGUARDA_API_RATE_WINDOW_SECONDS = max(1, env_int("API_RATE_WINDOW_SECONDS", 60))
# Counted in the database, or in Redis when RATE_LIMIT_REDIS_URL is set (needs the redis package;
# the tests count against the server of TEST_REDIS_URL, redis://127.0.0.1:6379/15 by default).
_RATE_LIMIT_REDIS_URL = env_secret("RATE_LIMIT_REDIS_URL")
if _RATE_LIMIT_REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "rate-limits": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _RATE_LIMIT_REDIS_URL,
        },
    }
SALVAGUARDA_RATE_LIMIT_CACHE = "rate-limits" if _RATE_LIMIT_REDIS_URL else ""
WHITENOISE_USE_FINDERS = DEVELOPMENT
WHITENOISE_AUTOREFRESH = DEVELOPMENT
