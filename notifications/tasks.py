"""Email delivery, run by Celery.

``deliver_email`` takes an outbox id and sends that email once; mail-server
errors retry with exponential backoff. ``deliver_pending`` runs every minute
(django-celery-beat) and hands over emails whose task was lost or is due a retry.
"""

from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=services.RETRY_BACKOFF,
    retry_backoff_max=services.RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=services.MAX_ATTEMPTS,
)
def deliver_email(email_id: int) -> bool:
    return services.email_deliver(email_id=email_id)


@shared_task
def deliver_pending() -> int:
    return services.email_publish_due()
