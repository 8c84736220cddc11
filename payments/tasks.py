"""Payment work done outside the request: receipts and reconciliation.

Tasks take an id, reload the row and call one service; retries live here.
"""

from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def send_payment_receipt(payment_id: int) -> bool:
    return services.payment_send_receipt(payment_id=payment_id)


@shared_task
def reconcile_pending_payments() -> dict:
    """Periodic (see the django-celery-beat schedule): settle attempts left pending."""
    return services.payment_reconcile_pending()
