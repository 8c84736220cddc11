"""Stripe webhook events: verified, stored by event id and applied once, in any order."""

from __future__ import annotations

import logging
import uuid as uuid_lib

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import client
from ..models import (
    Payment,
    WebhookEvent,
    WebhookEventStatus,
)
from ..providers import session_state
from .attempts import AmountMismatch, payment_cancel, payment_fail, payment_succeed
from .moves import lock_payment, record_refunded

logger = logging.getLogger(__name__)

# --- webhooks ----------------------------------------------------------------


def webhook_event_receive(*, payload: bytes, signature: str | None) -> WebhookEvent:
    """Verify a Stripe webhook, store it by event id and process it.

    Raises InvalidWebhook (nothing stored) for a missing or bad signature, a
    changed body or an old timestamp. Safe to repeat: a duplicate delivery
    finds the stored event and, if it was processed, changes nothing.
    """
    event = client.webhook_event_verify(payload=payload, signature=signature)
    stored, _ = WebhookEvent.objects.get_or_create(
        stripe_event_id=event["id"],
        defaults={
            "type": str(event.get("type", ""))[:100],
            "livemode": bool(event.get("livemode")),
            "payload": event,
        },
    )
    return webhook_event_process(event_pk=stored.pk)


def webhook_event_process(*, event_pk: int) -> WebhookEvent:
    """Apply one stored event, once, in one transaction.

    Handlers only move payments forward, so events arriving in any order
    settle on the same outcome. An error rolls everything back and leaves the
    event unprocessed for Stripe's retry (or a manual re-run).
    """
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().get(pk=event_pk)
        if event.processed_at:
            return event
        handler = _HANDLERS.get(event.type)
        obj = ((event.payload or {}).get("data") or {}).get("object") or {}
        if handler is None:
            status, note, payment = WebhookEventStatus.IGNORED, "Not an event this site uses.", None
        else:
            status, note, payment = handler(obj)
        event.status = status
        event.note = note[:500]
        event.payment = payment
        event.processed_at = timezone.now()
        event.attempts = F("attempts") + 1
        event.save(update_fields=["status", "note", "payment", "processed_at", "attempts"])
        event.refresh_from_db(fields=["attempts"])
    return event


def _payment_for_session(session: dict) -> Payment | None:
    session_id = session.get("id") or ""
    payment = Payment.objects.filter(stripe_checkout_session_id=session_id).first()
    if payment is None:
        reference = session.get("client_reference_id") or (session.get("metadata") or {}).get(
            "payment_uuid"
        )
        try:
            reference = uuid_lib.UUID(str(reference)) if reference else None
        except ValueError:
            reference = None
        if reference:
            payment = Payment.objects.filter(uuid=reference).first()
            if payment is not None and payment.stripe_checkout_session_id not in (
                None,
                session_id,
            ):
                return None
            if payment is not None and session_id:
                Payment.objects.filter(
                    pk=payment.pk, stripe_checkout_session_id__isnull=True
                ).update(stripe_checkout_session_id=session_id)
    return payment


# What handling an event did: its status, a note for staff, and the payment it concerned.
Outcome = tuple[WebhookEventStatus, str, Payment | None]


def _not_ours() -> Outcome:
    return WebhookEventStatus.IGNORED, "No payment attempt of ours matches this session.", None


def _on_session_paid(session: dict) -> Outcome:
    payment = _payment_for_session(session)
    if payment is None:
        return _not_ours()
    state = session_state(session)
    if not state.paid:
        return (
            WebhookEventStatus.PROCESSED,
            f"Checkout complete, payment {state.payment_status}; waiting.",
            payment,
        )
    try:
        payment = payment_succeed(payment_id=payment.pk, state=state, note="Paid by card")
    except AmountMismatch as exc:
        logger.error("Webhook amount mismatch: %s", exc)
        return WebhookEventStatus.IGNORED, f"Not applied: {exc}", payment
    return WebhookEventStatus.PROCESSED, f"Payment {payment.get_status_display()}.", payment


def _on_session_failed(session: dict) -> Outcome:
    payment = _payment_for_session(session)
    if payment is None:
        return _not_ours()
    payment = payment_fail(payment_id=payment.pk, message="The payment did not go through.")
    return WebhookEventStatus.PROCESSED, f"Payment {payment.get_status_display()}.", payment


def _on_session_expired(session: dict) -> Outcome:
    payment = _payment_for_session(session)
    if payment is None:
        return _not_ours()
    payment = payment_cancel(payment_id=payment.pk, reason="The checkout expired unpaid.")
    return WebhookEventStatus.PROCESSED, f"Payment {payment.get_status_display()}.", payment


def _on_charge_refunded(charge: dict) -> Outcome:
    intent = charge.get("payment_intent") or ""
    payment = Payment.objects.filter(stripe_payment_intent_id=intent).first() if intent else None
    if payment is None:
        return _not_ours()
    locked = lock_payment(payment.pk)
    if locked.is_paid:
        record_refunded(locked, int(charge.get("amount_refunded") or 0), actor=None)
    return WebhookEventStatus.PROCESSED, f"Refunded {locked.refunded_cents} cents.", locked


_HANDLERS = {
    "checkout.session.completed": _on_session_paid,
    "checkout.session.async_payment_succeeded": _on_session_paid,
    "checkout.session.async_payment_failed": _on_session_failed,
    "checkout.session.expired": _on_session_expired,
    "charge.refunded": _on_charge_refunded,
}
