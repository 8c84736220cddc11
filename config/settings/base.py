"""Settings shared by every environment, read from the environment.

Each environment module (local, test, production) imports this one and
changes only what differs. Nothing here reaches the network at import time.
"""

import base64
import hashlib
from pathlib import Path
from typing import Any

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-change-me-0123456789")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
SITE_NAME = env("SITE_NAME", default="Micro-credentials")
HELPDESK_EMAIL = env("HELPDESK_EMAIL", default="help@example.org")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# `manage.py seed_demo` creates accounts with a published password; production forbids it.
DEMO_DATA_ALLOWED = True

INSTALLED_APPS = [
    "config.admin_apps.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_celery_beat",
    "django_htmx",
    "csp",
    "core",
    "audit",
    "accounts",
    "credentials",
    "submissions",
    "assessments",
    "payments",
    "notifications",
    "dashboard",
    "badges",
    "helpdesk",
    "studio",
    "quality",
    "checks",
    "calibration",
    "programs",
    "obapi",
    "analytics",
    "partner_api",
    # OAuth 2.0 for the Open Badges 3.0 API (obapi): authorization code + PKCE,
    # dynamic client registration.
    "oauth2_provider",
]

MIDDLEWARE = [
    "config.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware: the language comes from the
    # switcher's cookie, then the browser's Accept-Language, then LANGUAGE_CODE.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.MFARequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so it sees a view's exception first: an error written for the
    # person becomes a message on the page they came from, never a 500.
    "core.middleware.UserFacingErrorMiddleware",
]

# Every page: scripts, styles and images from our own origin only, no plugins,
# no framing. Stripe Checkout is the one form target off the site: browsers apply
# form-action to the redirect that follows the "Pay" form, so it is listed here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, "https://checkout.stripe.com"],
        "img-src": [SELF, "data:"],
        "script-src": [SELF],
        "style-src": [SELF],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

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
                "config.context_processors.site",
            ],
        },
    },
]


def env_required(name: str) -> str:
    """A variable production cannot run without: missing or blank stops start-up
    with a message naming it, instead of a KeyError or a check that passes on ""."""
    value = env.str(name, default="").strip()
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable (it is missing or empty).")
    return value


def database_from_env(*, required: bool) -> dict:
    """DATABASES["default"] from DATABASE_URL; blank means SQLite under var/ unless required."""
    url = env_required("DATABASE_URL") if required else env.str("DATABASE_URL", default="").strip()
    config = env.db_url_config(url or f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
    if config.get("ENGINE") not in set(environ.Env.DB_SCHEMES.values()):
        raise ImproperlyConfigured(
            "DATABASE_URL names no database Django knows; "
            "use e.g. postgres://user:password@host:5432/name."
        )
    if config["ENGINE"] == "django.db.backends.postgresql" and env.bool(
        "DATABASE_PREPARED_STATEMENTS", default=True
    ):
        # The few page queries compiled once (core.compiled) are prepared on the
        # server, once per connection; every other query binds on the client as
        # Django's do. False behind a pooler in transaction mode that cannot keep them.
        config.setdefault("OPTIONS", {})["prepare_threshold"] = 0
    return config


# Databases: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASES = {"default": database_from_env(required=False)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
# While Redis is unreachable the cache answers from local memory (config.cache),
# so rate limits and badge images keep working.
REDIS_CACHE_BACKEND = "config.cache.FailOpenRedisCache"
if REDIS_URL:
    CACHES = {"default": {"BACKEND": REDIS_CACHE_BACKEND, "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "assessments.backends.AssessorPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "credentials:catalog"
# A form sent after its sign-in changed explains what happened and where the
# typed text is, instead of Django's bare 403 (JSON for the autosave).
CSRF_FAILURE_VIEW = "accounts.views.csrf_failure"

# django-allauth: email is the login; verification is tightened in production.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# Sign-in codes by email: offered on the login page, and required on top of the
# password for staff and assessors until they have an authenticator app
# (AccountAdapter.is_login_by_code_required).
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
# Rate limits count client addresses: behind N reverse proxies, the client is
# the Nth address from the right of X-Forwarded-For (0: REMOTE_ADDR).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)

# Two-factor authentication: an authenticator app with recovery codes. Offered
# to everyone; staff and assessors cannot use the site until they have it
# (accounts.middleware.MFARequiredMiddleware).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_REQUIRED_FOR_STAFF_AND_ASSESSORS = True

LANGUAGE_CODE = "en-us"
# Every page, message and email is written in English and translated; Spanish
# first (locale/es). Each language is named in itself, as the switcher shows it.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and amounts per language (config/formats/es: US separators in Spanish).
FORMAT_MODULE_PATH = ["config.formats"]
# The switcher's choice is kept for a year in this cookie (no account field needed).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Evidence lives in its own storage so it can never be served from a public URL.
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: what the evidence form accepts (checked by content, see submissions.uploads).
EVIDENCE_MAX_FILE_BYTES = env.int("EVIDENCE_MAX_FILE_BYTES", default=25 * 1024 * 1024)
EVIDENCE_MAX_TOTAL_BYTES = env.int("EVIDENCE_MAX_TOTAL_BYTES", default=100 * 1024 * 1024)
EVIDENCE_MAX_FILES = env.int("EVIDENCE_MAX_FILES", default=20)
# Opening addresses people gave us (evidence links): core.safe_fetch. Private,
# loopback and link-local addresses are never opened; only tests allow them, to
# reach the local server that imitates outside pages. Not read from the environment.
SAFE_FETCH_ALLOW_PRIVATE = False
SAFE_FETCH_TIMEOUT = 8.0  # seconds for one fetch, every redirect included
SAFE_FETCH_MAX_BYTES = 1024 * 1024
SAFE_FETCH_USER_AGENT = "MicroCredentialsLinkCheck/1.0 (evidence link check; anonymous visitor)"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# One request stores at most this many files; the others are refused with a
# message while the rest of the form is saved (config.uploads). Django's own
# count limit would refuse the whole request, typed text included.
UPLOAD_MAX_FILES_PER_REQUEST = 100
DATA_UPLOAD_MAX_NUMBER_FILES = None
FILE_UPLOAD_HANDLERS = ["config.uploads.FileCountLimitUploadHandler"]

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Micro-credentials <no-reply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: eager in-process unless a broker is configured.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# `manage.py serve` runs that schedule inside the server process (core.periodic):
# only the embedded default does; production runs beat as a service of its own.
EMBEDDED_SCHEDULER = False

# Review SLA: a decision is due this many business days after review starts;
# assessors are reminded this many business days before the due date.
SLA_BUSINESS_DAYS = env.int("SLA_BUSINESS_DAYS", default=14)
SLA_REMINDER_BUSINESS_DAYS = env.int("SLA_REMINDER_BUSINESS_DAYS", default=3)
# Who hears about overdue reviews; empty means every active staff user.
SLA_ESCALATION_EMAILS = env.list("SLA_ESCALATION_EMAILS", default=[])
# An overdue review is escalated again every this many business days until it
# is decided (0: escalated once only); each later escalation also reminds its assessor.
SLA_REESCALATE_EVERY_BUSINESS_DAYS = env.int("SLA_REESCALATE_EVERY_BUSINESS_DAYS", default=5)
# An overdue review still undecided this many business days after its due date
# is given to another eligible assessor, once (0: never; staff reassign by hand).
SLA_REASSIGN_AFTER_BUSINESS_DAYS = env.int("SLA_REASSIGN_AFTER_BUSINESS_DAYS", default=0)

# Payments: with no Stripe key, the clearly labelled test-mode provider is used.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
PAYMENTS_ALLOW_TEST_MODE = env.bool("PAYMENTS_ALLOW_TEST_MODE", default=True)
PAYMENTS_STRIPE_API_BASE = env("PAYMENTS_STRIPE_API_BASE", default="")
PAYMENTS_STRIPE_MAX_NETWORK_RETRIES = 2
PAYMENTS_STRIPE_TIMEOUT_SECONDS = 20
PAYMENTS_WEBHOOK_TOLERANCE_SECONDS = 300
PAYMENTS_CHECKOUT_EXPIRES_MINUTES = env.int("PAYMENTS_CHECKOUT_EXPIRES_MINUTES", default=60)
PAYMENTS_RECONCILE_AFTER_MINUTES = env.int("PAYMENTS_RECONCILE_AFTER_MINUTES", default=30)
PAYMENTS_MINIMUM_CHARGE_CENTS = 50
# Wrong coupon codes: after this many within the window, per learner or per
# client address, the coupon field waits until the window ends (config.throttle).
PAYMENTS_COUPON_THROTTLE = {
    "per_user": env.int("PAYMENTS_COUPON_FAILURES_PER_USER", default=10),
    "per_address": env.int("PAYMENTS_COUPON_FAILURES_PER_ADDRESS", default=30),
    "window_seconds": env.int("PAYMENTS_COUPON_FAILURE_WINDOW_SECONDS", default=15 * 60),
}

# Partner API: requests per token (django-ninja's throttle syntax), and wrong
# tokens per client address before the API answers 429 (config.throttle).
PARTNER_API_RATE = "120/m"
PARTNER_API_TOKEN_THROTTLE = {"per_user": 20, "per_address": 20, "window_seconds": 15 * 60}


# Badges: issuers' private signing keys are stored encrypted with this Fernet
# key. The default is derived from SECRET_KEY; production sets its own.
def derive_fernet_key(secret: str) -> str:
    digest = hashlib.sha256(f"badges-key-encryption:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


BADGES_KEY_ENCRYPTION_KEY = env("BADGES_KEY_ENCRYPTION_KEY", default=derive_fernet_key(SECRET_KEY))
# The dashboard lists awards expiring within this many days.
BADGES_EXPIRY_NOTICE_DAYS = env.int("BADGES_EXPIRY_NOTICE_DAYS", default=90)

# Every record carries the request's id (see config.request_id); production
# switches the console handler to JSON lines.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "config.request_id.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# The Open Badges 3.0 API (obapi): django-oauth-toolkit as the authorization
# server. Clients register themselves (RFC 7591), use the authorization code
# grant with PKCE S256 (plain is refused), and every learner approves each
# client on the consent page (approval prompt "force").
OB_SCOPE_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
OAUTH2_PROVIDER = {
    "SCOPES": {
        OB_SCOPE_PREFIX + "credential.readonly": "Read your credentials",
        OB_SCOPE_PREFIX + "credential.upsert": "Add credentials to your profile",
        OB_SCOPE_PREFIX + "profile.readonly": "Read your profile",
        OB_SCOPE_PREFIX + "profile.update": "Update your profile",
    },
    "DEFAULT_SCOPES": [OB_SCOPE_PREFIX + "credential.readonly"],
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    # The OAuth 2.0 Security BCP (RFC 9700): no implicit or password grants, the
    # issuer named in every authorization response, tokens stored hashed, and a
    # replayed refresh token revokes its whole family.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "DCR_ENABLED": True,
    "OIDC_ISS_ENDPOINT": SITE_URL,  # RFC 9207 iss = RFC 8414 issuer (/.well-known/ at the root)
    # Open registration, limited per client address (obapi.permissions).
    "DCR_REGISTRATION_PERMISSION_CLASSES": ("obapi.permissions.OpenRegistrationPermission",),
    "REQUEST_APPROVAL_PROMPT": "force",
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_ACCESS_TOKEN_SECONDS", default=3600),
}
