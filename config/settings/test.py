"""Settings for the test suite.

SQLite by default; CI sets DATABASE_URL and REDIS_URL so the same suite runs on
PostgreSQL and exercises Redis. Email goes to Django's locmem outbox.
"""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
BADGES_KEY_ENCRYPTION_KEY = derive_fernet_key(SECRET_KEY)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
# Tests run tasks in-process unless a test starts a real worker itself.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS}
# Tests log staff and assessors in with force_login; the MFA tests turn this on.
MFA_REQUIRED_FOR_STAFF_AND_ASSESSORS = False
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STRIPE_SECRET_KEY = ""
STRIPE_WEBHOOK_SECRET = ""
STATIC_ROOT = None  # type: ignore[assignment]  # tests serve static files from the finders
