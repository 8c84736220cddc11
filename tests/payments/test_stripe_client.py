"""The real stripe SDK against recorded response shapes served locally (no network)."""

import pytest

from payments import services
from payments.exceptions import CheckoutUnavailable
from payments.models import Payment, PaymentStatus, Provider
from submissions.models import Status
from tests.payments.conftest import SECRET_KEY
from tests.payments.factories import CouponFactory, awaiting_payment
from tests.payments.stripe_recorded import API_VERSION

pytestmark = pytest.mark.django_db


def test_checkout_session_is_created_with_the_server_amount_and_idempotency_key(
    stripe_stub, learner
):
    submission = awaiting_payment(learner, fee_cents=15000)

    payment = services.payment_start(submission=submission, actor=learner)

    [sent] = stripe_stub.posts("/v1/checkout/sessions")
    assert sent.headers["idempotency-key"] == str(payment.uuid)
    assert sent.headers["authorization"] == f"Bearer {SECRET_KEY}"
    assert sent.headers["stripe-version"] == API_VERSION
    assert sent.form["mode"] == "payment"
    assert sent.form["line_items[0][price_data][unit_amount]"] == "15000"
    assert sent.form["line_items[0][price_data][currency]"] == "usd"
    assert sent.form["line_items[0][quantity]"] == "1"
    assert submission.reference in sent.form["line_items[0][price_data][product_data][name]"]
    assert sent.form["client_reference_id"] == str(payment.uuid)
    assert sent.form["metadata[payment_uuid]"] == str(payment.uuid)
    assert sent.form["metadata[submission_reference]"] == submission.reference
    assert sent.form["payment_intent_data[metadata][payment_uuid]"] == str(payment.uuid)
    assert sent.form["customer_email"] == learner.email
    assert sent.form["success_url"].endswith("?session_id={CHECKOUT_SESSION_ID}")
    assert payment.provider == Provider.STRIPE
    assert payment.checkout_url.startswith("https://checkout.stripe.com/c/pay/cs_test_")
    assert payment.stripe_checkout_session_id in stripe_stub.sessions


def test_partial_coupon_discount_is_what_stripe_is_asked_to_charge(stripe_stub, learner):
    submission = awaiting_payment(learner, fee_cents=15000)
    CouponFactory(code="HALF", percent_off=50)

    services.payment_start(submission=submission, actor=learner, coupon_code="half")

    [sent] = stripe_stub.posts("/v1/checkout/sessions")
    assert sent.form["line_items[0][price_data][unit_amount]"] == "7500"
    assert sent.form["metadata[coupon]"] == "HALF"


def test_stripe_error_leaves_nothing_charged_and_a_clear_message(stripe_stub, learner):
    submission = awaiting_payment(learner)
    stripe_stub.fail_with = (
        500,
        {"error": {"type": "api_error", "message": "An unknown error occurred"}},
    )

    with pytest.raises(CheckoutUnavailable, match="Nothing was charged"):
        services.payment_start(submission=submission, actor=learner)

    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_PAYMENT


def test_retrying_after_a_stripe_outage_reuses_the_same_idempotency_key(stripe_stub, learner):
    submission = awaiting_payment(learner)
    stripe_stub.fail_with = (503, {"error": {"type": "api_error", "message": "Unavailable"}})
    with pytest.raises(CheckoutUnavailable):
        services.payment_start(submission=submission, actor=learner)
    stripe_stub.fail_with = None

    payment = services.payment_start(submission=submission, actor=learner)

    keys = [r.headers["idempotency-key"] for r in stripe_stub.posts("/v1/checkout/sessions")]
    assert keys == [str(payment.uuid), str(payment.uuid)]
    assert Payment.objects.filter(submission=submission).count() == 1
    assert payment.checkout_url


def test_retrieve_reads_card_brand_and_last4_from_the_expanded_charge(stripe_stub, learner):
    from payments.providers import StripeProvider

    submission = awaiting_payment(learner)
    payment = services.payment_start(submission=submission, actor=learner)
    stripe_stub.pay(payment.stripe_checkout_session_id, last4="1881", brand="mastercard")

    state = StripeProvider().retrieve(payment.stripe_checkout_session_id)

    [get] = [r for r in stripe_stub.requests if r.method == "GET"]
    assert get.query == {"expand[0]": "payment_intent.latest_charge"}
    assert state.paid and state.amount_total == 15000
    assert (state.card_brand, state.card_last4) == ("mastercard", "1881")
    assert state.payment_intent_id.startswith("pi_")


def test_refund_goes_through_stripe_with_its_own_idempotency_key(stripe_stub, learner, staff_user):
    submission = awaiting_payment(learner)
    payment = services.payment_start(submission=submission, actor=learner)
    from payments.providers import StripeProvider

    state = StripeProvider().retrieve(stripe_stub.pay(payment.stripe_checkout_session_id)["id"])
    services.payment_succeed(payment_id=payment.pk, state=state)

    refund = services.payment_refund(payment_id=payment.pk, actor=staff_user, reason="Withdrawn")

    [sent] = stripe_stub.posts("/v1/refunds")
    assert sent.form["payment_intent"] == state.payment_intent_id
    assert sent.form["amount"] == "15000"
    assert sent.headers["idempotency-key"] == str(refund.uuid)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refunded_cents == 15000
    assert refund.stripe_refund_id.startswith("re_")
    assert refund.actor == staff_user
