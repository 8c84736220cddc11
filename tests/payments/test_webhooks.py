"""Stripe webhooks: signed exactly as Stripe signs them, stored by event id, applied once."""

import time

import pytest
from django.core import mail
from django.urls import reverse

from payments import services
from payments.models import (
    Coupon,
    CouponRedemption,
    Payment,
    PaymentStatus,
    RedemptionStatus,
    WebhookEvent,
    WebhookEventStatus,
)
from payments.services import attempts
from submissions.models import Status
from tests.payments.conftest import sign
from tests.payments.factories import CouponFactory, awaiting_payment
from tests.payments.stripe_recorded import event_payload
from tests.submissions.factories import moves_to

pytestmark = pytest.mark.django_db

COMPLETED = "checkout.session.completed"


@pytest.fixture
def started(stripe_stub, learner):
    submission = awaiting_payment(learner, fee_cents=15000)
    payment = services.payment_start(submission=submission, actor=learner)
    return submission, payment


def _moves_into_review(submission) -> int:
    return moves_to(submission, Status.IN_REVIEW)


def test_signed_completed_event_puts_the_submission_in_review_and_emails_a_receipt(
    started, stripe_stub, signed_webhook, django_capture_on_commit_callbacks
):
    submission, payment = started
    session = stripe_stub.pay(payment.stripe_checkout_session_id, last4="4242")

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_webhook(COMPLETED, session)

    assert response.status_code == 200
    submission.refresh_from_db()
    payment.refresh_from_db()
    assert submission.status == Status.IN_REVIEW
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.stripe_payment_intent_id == session["payment_intent"]
    [email] = mail.outbox[-1:]
    assert email.to == [submission.learner.email]
    assert payment.receipt_number in email.subject
    body = email.body
    assert "$150.00" in body and submission.reference in body
    assert "Visa ending in 4242" in body
    assert "Visa ending in 4242" in email.alternatives[0][0]


def test_duplicate_delivery_of_one_event_is_applied_once(
    started, stripe_stub, signed_webhook, django_capture_on_commit_callbacks
):
    submission, payment = started
    session = stripe_stub.pay(payment.stripe_checkout_session_id)

    with django_capture_on_commit_callbacks(execute=True):
        first = signed_webhook(COMPLETED, session, event_id="evt_same")
        second = signed_webhook(COMPLETED, session, event_id="evt_same")

    assert first.status_code == second.status_code == 200
    assert WebhookEvent.objects.filter(stripe_event_id="evt_same").count() == 1
    assert _moves_into_review(submission) == 1
    receipts = [m for m in mail.outbox if payment.receipt_number in m.subject]
    assert len(receipts) == 1


def test_two_success_events_for_one_session_move_the_submission_once(
    started, stripe_stub, signed_webhook
):
    submission, payment = started
    session = stripe_stub.pay(payment.stripe_checkout_session_id)

    signed_webhook(COMPLETED, session)
    signed_webhook("checkout.session.async_payment_succeeded", session)

    assert _moves_into_review(submission) == 1
    assert WebhookEvent.objects.filter(status=WebhookEventStatus.PROCESSED).count() == 2


@pytest.mark.parametrize(
    "late_event", ["checkout.session.expired", "checkout.session.async_payment_failed"]
)
def test_a_failure_arriving_after_success_never_moves_anything_back(
    started, stripe_stub, signed_webhook, late_event
):
    submission, payment = started
    session = stripe_stub.pay(payment.stripe_checkout_session_id)
    signed_webhook(COMPLETED, session)

    late = {**session, "status": "expired", "payment_status": "unpaid"}
    assert signed_webhook(late_event, late).status_code == 200

    payment.refresh_from_db()
    submission.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert submission.status == Status.IN_REVIEW


def test_success_arriving_after_expiry_still_counts_the_payment_and_the_coupon(
    stripe_stub, learner, signed_webhook
):
    submission = awaiting_payment(learner, fee_cents=15000)
    coupon = CouponFactory(code="HALF", percent_off=50, max_redemptions=5)
    payment = services.payment_start(submission=submission, actor=learner, coupon_code="HALF")
    open_session = dict(stripe_stub.sessions[payment.stripe_checkout_session_id])
    paid = stripe_stub.pay(payment.stripe_checkout_session_id)

    signed_webhook("checkout.session.expired", {**open_session, "status": "expired"})
    coupon.refresh_from_db()
    assert coupon.redemption_count == 0  # the hold was released
    signed_webhook(COMPLETED, paid)

    payment.refresh_from_db()
    submission.refresh_from_db()
    coupon.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert submission.status == Status.IN_REVIEW
    assert coupon.redemption_count == 1
    assert payment.redemption.status == RedemptionStatus.REDEEMED


def test_completed_but_unpaid_session_waits_without_moving(started, stripe_stub, signed_webhook):
    submission, payment = started
    session = {**stripe_stub.sessions[payment.stripe_checkout_session_id], "status": "complete"}

    assert signed_webhook(COMPLETED, session).status_code == 200

    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_PAYMENT


def _post(client, payload: str, signature: str | None):
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature is not None else {}
    return client.post(
        reverse("payments:stripe_webhook"), data=payload, content_type="application/json", **headers
    )


def _paid_payload(stripe_stub, payment) -> str:
    session = stripe_stub.pay(payment.stripe_checkout_session_id)
    return event_payload(COMPLETED, session, "evt_signed_once", int(time.time()))


def _nothing_changed(submission) -> bool:
    submission.refresh_from_db()
    return (
        submission.status == Status.AWAITING_PAYMENT
        and not WebhookEvent.objects.exists()
        and not Payment.objects.filter(status=PaymentStatus.SUCCEEDED).exists()
    )


def test_unsigned_request_is_refused_and_changes_nothing(started, stripe_stub, client):
    submission, payment = started
    response = _post(client, _paid_payload(stripe_stub, payment), None)
    assert response.status_code == 400
    assert _nothing_changed(submission)


def test_tampered_body_is_refused(started, stripe_stub, client):
    submission, payment = started
    payload = _paid_payload(stripe_stub, payment)
    signature = sign(payload)
    tampered = payload.replace('"amount_total": 15000', '"amount_total": 1')
    assert tampered != payload

    assert _post(client, tampered, signature).status_code == 400
    assert _nothing_changed(submission)


def test_signature_with_another_secret_is_refused(started, stripe_stub, client):
    submission, payment = started
    payload = _paid_payload(stripe_stub, payment)
    response = _post(client, payload, sign(payload, secret="whsec_someone_else"))
    assert response.status_code == 400
    assert _nothing_changed(submission)


def test_signature_older_than_the_tolerance_is_refused(started, stripe_stub, client):
    submission, payment = started
    payload = _paid_payload(stripe_stub, payment)
    response = _post(client, payload, sign(payload, timestamp=int(time.time()) - 301 - 5))
    assert response.status_code == 400
    assert _nothing_changed(submission)


def test_signature_within_the_tolerance_is_accepted(started, stripe_stub, client):
    submission, payment = started
    payload = _paid_payload(stripe_stub, payment)
    response = _post(client, payload, sign(payload, timestamp=int(time.time()) - 240))
    assert response.status_code == 200
    submission.refresh_from_db()
    assert submission.status == Status.IN_REVIEW


def test_webhook_needs_no_csrf_token(started, stripe_stub):
    from django.test import Client

    submission, payment = started
    payload = _paid_payload(stripe_stub, payment)
    response = _post(Client(enforce_csrf_checks=True), payload, sign(payload))
    assert response.status_code == 200


def test_webhook_refuses_get(client):
    assert client.get(reverse("payments:stripe_webhook")).status_code == 405


def test_events_we_do_not_use_are_stored_and_acknowledged(stripe_stub, signed_webhook):
    response = signed_webhook("customer.created", {"id": "cus_1", "object": "customer"})
    assert response.status_code == 200
    assert WebhookEvent.objects.get().status == WebhookEventStatus.IGNORED


def test_session_that_is_not_ours_is_acknowledged_without_effect(
    started, stripe_stub, signed_webhook
):
    submission, payment = started
    stranger = {**stripe_stub.sessions[payment.stripe_checkout_session_id]}
    stranger.update(id="cs_test_other", client_reference_id=None, metadata={}, status="complete")
    stranger.update(payment_status="paid")

    assert signed_webhook(COMPLETED, stranger).status_code == 200
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_PAYMENT


def test_a_session_paid_for_another_amount_does_not_put_the_submission_in_review(
    started, stripe_stub, signed_webhook
):
    submission, payment = started
    session = stripe_stub.pay(payment.stripe_checkout_session_id)

    response = signed_webhook(COMPLETED, {**session, "amount_total": 100})

    assert response.status_code == 200
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_PAYMENT
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEventStatus.IGNORED and "expected 15000" in event.note


def test_a_processing_error_rolls_back_and_stripe_retry_applies_it(
    started, stripe_stub, signed_webhook, monkeypatch
):
    submission, payment = started
    session = stripe_stub.pay(payment.stripe_checkout_session_id)
    real = attempts.submission_mark_paid

    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(attempts, "submission_mark_paid", broken)
    assert signed_webhook(COMPLETED, session, event_id="evt_retry").status_code == 500
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING  # rolled back with the failure
    assert WebhookEvent.objects.get(stripe_event_id="evt_retry").processed_at is None

    monkeypatch.setattr(attempts, "submission_mark_paid", real)
    assert signed_webhook(COMPLETED, session, event_id="evt_retry").status_code == 200
    submission.refresh_from_db()
    assert submission.status == Status.IN_REVIEW
    assert _moves_into_review(submission) == 1


def test_refund_made_in_the_stripe_dashboard_is_recorded(started, stripe_stub, signed_webhook):
    submission, payment = started
    session = stripe_stub.pay(payment.stripe_checkout_session_id)
    signed_webhook(COMPLETED, session)

    charge = {
        "id": "ch_1",
        "object": "charge",
        "amount": 15000,
        "amount_refunded": 15000,
        "refunded": True,
        "payment_intent": session["payment_intent"],
    }
    assert signed_webhook("charge.refunded", charge).status_code == 200

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refunded_cents == 15000


def test_expired_checkout_releases_the_coupon_use(stripe_stub, learner, signed_webhook):
    submission = awaiting_payment(learner)
    CouponFactory(code="LAST", percent_off=20, max_redemptions=1)
    payment = services.payment_start(submission=submission, actor=learner, coupon_code="LAST")
    assert Coupon.objects.get(code="LAST").redemption_count == 1

    session = stripe_stub.expire(payment.stripe_checkout_session_id)
    signed_webhook("checkout.session.expired", session)

    assert Coupon.objects.get(code="LAST").redemption_count == 0
    assert CouponRedemption.objects.get().status == RedemptionStatus.RELEASED
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELED
