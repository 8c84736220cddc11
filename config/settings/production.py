"""Production: PostgreSQL, Redis, S3 and Stripe, all from the environment.

Secrets have no defaults here, so a missing one stops start-up instead of
running with a placeholder. What everything else stands on (database, Redis,
bucket, hosts, secret key) is refused blank too (``env_required``), with an
ImproperlyConfigured naming the variable rather than a KeyError later.
"""

from urllib.parse import urlsplit

from .base import *  # noqa: F403

DEBUG = False
DEMO_DATA_ALLOWED = False
SECRET_KEY = env_required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in env_required("DJANGO_ALLOWED_HOSTS").split(",")]
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
DATABASES = {"default": database_from_env(required=True)}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

REDIS_URL = env_required("REDIS_URL")
if urlsplit(REDIS_URL).scheme not in ("redis", "rediss", "unix"):
    raise ImproperlyConfigured("REDIS_URL must be a redis://, rediss:// or unix:// URL.")
CACHES = {"default": {"BACKEND": REDIS_CACHE_BACKEND, "LOCATION": REDIS_URL}}
# Sessions are read from Redis and written to both Redis and PostgreSQL: a
# signed-in page pays no query for its session, and a Redis restart signs
# nobody out (the next request reads the session from the database again).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="").strip() or REDIS_URL
CELERY_TASK_ALWAYS_EAGER = False

ACCOUNT_EMAIL_VERIFICATION = "mandatory"

# Encrypts issuers' private signing keys at rest (a Fernet key).
BADGES_KEY_ENCRYPTION_KEY = env("BADGES_KEY_ENCRYPTION_KEY")

STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
PAYMENTS_ALLOW_TEST_MODE = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Apps connecting to the Open Badges API get codes only at https addresses.
OAUTH2_PROVIDER = {**OAUTH2_PROVIDER, "ALLOWED_REDIRECT_URI_SCHEMES": ["https"]}  # noqa: F405

# Evidence on a private S3 bucket, served only as short-lived presigned URLs.
AWS_STORAGE_BUCKET_NAME = env_required("AWS_STORAGE_BUCKET_NAME")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default="us-east-1")
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"location": "public", "default_acl": None, "querystring_auth": False},
    },
    "evidence": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "location": "evidence",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "signature_version": "s3v4",
            "file_overwrite": False,
        },
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One JSON object per line (time, level, logger, message, request_id, exception).
LOGGING["handlers"]["console"]["formatter"] = "json"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)

# Evidence previews (<img> on the review page) are redirects to presigned S3
# URLs, so images may also come from the bucket's origin.
if AWS_S3_ENDPOINT_URL:
    _endpoint = urlsplit(AWS_S3_ENDPOINT_URL)
    EVIDENCE_ORIGINS = [f"{_endpoint.scheme}://{_endpoint.netloc}"]
else:
    EVIDENCE_ORIGINS = [
        f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com",
        f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{AWS_S3_REGION_NAME}.amazonaws.com",
    ]
CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY,
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "img-src": [*CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"], *EVIDENCE_ORIGINS],
    },
}
