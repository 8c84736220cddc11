"""Payment work done outside the request: receipts and reconciliation.

Tasks take an id, reload the row and call one service. The receipt task
queues the email in the outbox, which delivers it and retries mail errors.
"""

from celery import shared_task

from . import services


@shared_task
def send_payment_receipt(payment_id: int) -> bool:
    return services.payment_send_receipt(payment_id=payment_id)


@shared_task
def reconcile_pending_payments() -> dict:
    """Periodic (see the django-celery-beat schedule): settle attempts left
    pending, and queue receipts whose task was lost."""
    counts = services.payment_reconcile_pending()
    counts["receipts"] = services.payment_send_missing_receipts()
    return counts
