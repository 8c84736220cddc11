"""The receipt email, sent once per paid attempt."""

from __future__ import annotations

import logging

from django.utils import timezone

from accounts.emails import send_templated_email

from ..exceptions import (
    ProviderError,
)
from ..models import (
    Payment,
    Provider,
)
from ..providers import provider_for
from .attempts import payment_succeed

logger = logging.getLogger(__name__)

# --- receipts ----------------------------------------------------------------


def payment_send_receipt(*, payment_id: int) -> bool:
    """Email the learner the receipt for a paid attempt, once.

    Card details Stripe has not sent yet are fetched first (best effort; the
    receipt names the card without them). Claims the send with a conditional
    update, so two runs never both send; a failed send un-claims and raises,
    letting the task retry. Returns whether an email went out.
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
    claimed = Payment.objects.filter(pk=payment.pk, receipt_sent_at__isnull=True).update(
        receipt_sent_at=timezone.now()
    )
    if not claimed:
        return False
    payment = Payment.objects.select_related(
        "learner", "coupon", "submission", "submission__credential"
    ).get(pk=payment.pk)
    try:
        send_templated_email(
            to=[payment.learner.email],
            template="payment_receipt",
            context={
                "payment": payment,
                "submission": payment.submission,
                "learner": payment.learner,
            },
        )
    except Exception:
        Payment.objects.filter(pk=payment.pk).update(receipt_sent_at=None)
        raise
    return True
