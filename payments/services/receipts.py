"""The receipt email, queued once per paid attempt."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from notifications.services import email_enqueue

from ..exceptions import (
    ProviderError,
)
from ..models import (
    PAID_STATUSES,
    Payment,
    Provider,
)
from ..providers import provider_for
from .attempts import payment_succeed

logger = logging.getLogger(__name__)

# A paid attempt whose receipt is still not queued this long after it was
# paid lost its receipt task (the broker was down at the time, say).
MISSING_RECEIPT_AFTER = timedelta(minutes=5)

# --- receipts ----------------------------------------------------------------


def payment_send_receipt(*, payment_id: int) -> bool:
    """Queue the learner's receipt for a paid attempt in the email outbox, once.

    Card details Stripe has not sent yet are fetched first (best effort; the
    receipt names the card without them), outside any transaction. Then one
    transaction claims the receipt (``receipt_sent_at``, a conditional update)
    and stores the rendered email, so two runs never both queue it; the
    outbox delivers it once, retrying mail-server errors. Safe to repeat.
    Returns whether the receipt was queued now.
    """
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None or not payment.is_paid or payment.receipt_sent_at:
        return False
    if (
        payment.provider == Provider.STRIPE
        and not payment.card_last4
        and payment.stripe_checkout_session_id
    ):
        try:
            state = provider_for(payment).retrieve(payment.stripe_checkout_session_id)
            payment_succeed(payment_id=payment.pk, state=state)
        except ProviderError as exc:
            logger.warning("Card details for %s unavailable: %s", payment.receipt_number, exc)
    with transaction.atomic():
        claimed = Payment.objects.filter(pk=payment.pk, receipt_sent_at__isnull=True).update(
            receipt_sent_at=timezone.now()
        )
        if not claimed:
            return False
        payment = Payment.objects.select_related(
            "learner", "coupon", "submission", "submission__credential"
        ).get(pk=payment.pk)
        email_enqueue(
            to=[payment.learner.email],
            template="payment_receipt",
            context={
                "payment": payment,
                "submission": payment.submission,
                "learner": payment.learner,
            },
            key=f"payment-receipt:{payment.pk}",
        )
    return True


def payment_send_missing_receipts(*, limit: int = 500) -> int:
    """Queue the receipts of paid attempts whose receipt task never ran.

    Periodic (with the reconciliation): the task queued when a payment
    commits is lost if the broker is down at that moment; the paid attempt
    without ``receipt_sent_at`` is what is left. Safe to repeat and to run
    alongside the task. Returns how many receipts were queued.
    """
    cutoff = timezone.now() - MISSING_RECEIPT_AFTER
    missing = Payment.objects.filter(
        status__in=PAID_STATUSES, receipt_sent_at__isnull=True, completed_at__lt=cutoff
    ).order_by("completed_at")[:limit]
    return sum(payment_send_receipt(payment_id=pk) for pk in missing.values_list("pk", flat=True))
