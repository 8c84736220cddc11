"""Settings for the performance benchmark (``make bench``).

Production settings, so pages run exactly as deployed (DEBUG off, the same
middleware, persistent database connections, manifest static files), with:
- placeholder secrets and service names where production requires a value
  but no page under load talks to the service (Stripe, S3, the signing-key
  encryption key), so the benchmark runs on a machine with only PostgreSQL;
- plain http on loopback (no SSL redirect);
- the ``bench`` app (seed and run commands) and its URLconf, which adds a
  trivial view behind the same middleware as the reference for throughput.

DATABASE_URL defaults to the dedicated ``mc_bench`` database, never the
test suite's. The cache is Redis when REDIS_URL is set, else in-process
memory (no page under load uses the cache).
"""

import os

_REDIS_GIVEN = bool(os.environ.get("REDIS_URL"))

for _name, _value in {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/mc_bench",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "BADGES_KEY_ENCRYPTION_KEY": "YmVuY2gtb25seS1rZXktZm9yLWJhZGdlcy0wMTIzNDU=",
    "STRIPE_SECRET_KEY": "sk_test_bench_placeholder",
    "STRIPE_WEBHOOK_SECRET": "whsec_bench_placeholder",
    "AWS_STORAGE_BUCKET_NAME": "bench-evidence",
    "LOG_LEVEL": "WARNING",
}.items():
    os.environ.setdefault(_name, _value)

from .production import *  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"

# Collected static files of the benchmark stay apart from other runs.
STATIC_ROOT = VAR_DIR / "bench" / "static"

if not _REDIS_GIVEN:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://localhost/"
