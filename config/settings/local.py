"""The embedded default: one machine, no services.

SQLite and files under var/, email printed to the console, Celery tasks run
in-process, and the test-mode payment provider. Setting DATABASE_URL or
REDIS_URL still switches the database or the broker.
"""

from .base import *  # noqa: F403

DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# `make run PORT=8080` serves on another port: links in emails follow it unless
# SITE_URL says otherwise.
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}").rstrip("/")
# DEBUG keeps tracebacks for errors, but a missing page shows the site's own 404
# rather than Django's list of every URL pattern.
MIDDLEWARE = [*MIDDLEWARE, "config.site_pages.SiteNotFoundMiddleware"]

# The demo accounts should work at once; production always requires two-factor
# authentication for staff and assessors. Set this to try it locally.
MFA_REQUIRED_FOR_STAFF_AND_ASSESSORS = env.bool(
    "MFA_REQUIRED_FOR_STAFF_AND_ASSESSORS", default=False
)

# `make run` (`manage.py serve`) runs the periodic tasks (the SLA sweep, email
# delivery) in the server's process while tasks run in-process; with a Redis broker
# (REDIS_URL) run `celery worker` and `celery beat` instead, as docker-compose.yml does.
EMBEDDED_SCHEDULER = env.bool("EMBEDDED_SCHEDULER", default=CELERY_TASK_ALWAYS_EAGER)

# Tasks run in-process here; one log line per task would bury the server's own output.
LOGGING["loggers"] = {"celery.app.trace": {"level": "WARNING"}}
