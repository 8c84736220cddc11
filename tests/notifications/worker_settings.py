"""Settings for worker processes the fault tests start: the test settings with
a real broker, email written to files, and fast redelivery of unacknowledged
messages (a killed worker's task is given to another after two seconds)."""

import os

from config.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.path.join(os.environ["TEST_WORKDIR"], "mail")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
