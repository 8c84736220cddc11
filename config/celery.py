"""The Celery application.

Broker, result backend and eagerness come from Django settings (CELERY_*), so
the embedded default runs tasks in-process and production talks to Redis.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("microcredentials")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
