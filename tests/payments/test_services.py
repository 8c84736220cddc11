"""Starting, completing, replacing, reconciling and refunding payment attempts."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from payments import services
from payments.exceptions import (
    AlreadyPaid,
    CardDeclined,
    CouponExhausted,
    NothingToPay,
    RefundError,
)
from payments.models import (
    Coupon,
    CouponRedemption,
    Payment,
    PaymentStatus,
    Provider,
    RedemptionStatus,
)
from payments.providers import StripeProvider
from submissions import services as submission_services
from submissions.models import Status
from tests.credentials.factories import CredentialFactory
from tests.payments.factories import CouponFactory, awaiting_payment
from tests.submissions.factories import moves_to, submitted_application

pytestmark = pytest.mark.django_db


def _status(submission):
    submission.refresh_from_db()
    return submission.status


# --- coupons that make it free -------------------------------------------------


def test_full_coupon_puts_the_submission_in_review_without_any_card(stripe_stub, learner):
    submission = awaiting_payment(learner, fee_cents=15000)
    CouponFactory(code="DISTRICT7", percent_off=100, max_redemptions=10)

    payment = services.payment_start(submission=submission, actor=learner, coupon_code="district7")

    assert stripe_stub.requests == []
    assert payment.status == PaymentStatus.SUCCEEDED
    assert (payment.provider, payment.amount_cents, payment.discount_cents) == (
        Provider.COUPON,
        0,
        15000,
    )
    assert _status(submission) == Status.IN_REVIEW
    assert Coupon.objects.get(code="DISTRICT7").redemption_count == 1
    assert payment.redemption.status == RedemptionStatus.REDEEMED


def test_amount_at_or_above_the_fee_is_free_too(stripe_stub, learner):
    submission = awaiting_payment(learner, fee_cents=15000)
    CouponFactory(code="VOUCHER", kind="amount", percent_off=None, amount_off_cents=20000)

    payment = services.payment_start(submission=submission, actor=learner, coupon_code="VOUCHER")

    assert payment.is_paid and payment.amount_cents == 0
    assert stripe_stub.requests == []


def test_fee_removed_after_submitting_lets_the_learner_through_without_paying(learner):
    submission = awaiting_payment(learner, fee_cents=15000)
    submission.credential.fee_cents = 0
    submission.credential.save()

    payment = services.payment_start(submission=submission, actor=learner)

    assert payment.provider == Provider.WAIVED and payment.is_paid
    assert _status(submission) == Status.IN_REVIEW


# --- starting a card payment -----------------------------------------------------


def test_submitted_application_for_a_paid_credential_can_be_paid_by_card(stripe_stub, learner):
    credential = CredentialFactory(fee_cents=12500)
    submission = submitted_application(learner, credential)
    assert submission.status == Status.AWAITING_PAYMENT

    payment = services.payment_start(submission=submission, actor=learner)

    [sent] = stripe_stub.posts("/v1/checkout/sessions")
    assert sent.form["line_items[0][price_data][unit_amount]"] == "12500"
    assert payment.status == PaymentStatus.PENDING
    assert _status(submission) == Status.AWAITING_PAYMENT  # only a webhook moves it


def test_second_click_on_pay_resumes_the_same_checkout(stripe_stub, learner):
    submission = awaiting_payment(learner)

    first = services.payment_start(submission=submission, actor=learner)
    second = services.payment_start(submission=submission, actor=learner)

    assert first.pk == second.pk and first.checkout_url == second.checkout_url
    assert len(stripe_stub.posts("/v1/checkout/sessions")) == 1
    assert Payment.objects.filter(submission=submission).count() == 1


def test_adding_a_coupon_replaces_the_open_checkout(stripe_stub, learner):
    submission = awaiting_payment(learner, fee_cents=15000)
    CouponFactory(code="HALF", percent_off=50)
    full = services.payment_start(submission=submission, actor=learner)

    half = services.payment_start(submission=submission, actor=learner, coupon_code="HALF")

    assert half.pk != full.pk and half.amount_cents == 7500
    full.refresh_from_db()
    assert full.status == PaymentStatus.CANCELED
    assert stripe_stub.sessions[full.stripe_checkout_session_id]["status"] == "expired"
    assert stripe_stub.posts(f"/v1/checkout/sessions/{full.stripe_checkout_session_id}/expire")


def test_replacing_a_checkout_that_was_paid_meanwhile_settles_it_instead(stripe_stub, learner):
    submission = awaiting_payment(learner)
    CouponFactory(code="HALF", percent_off=50)
    first = services.payment_start(submission=submission, actor=learner)
    stripe_stub.pay(first.stripe_checkout_session_id)  # paid in another tab, webhook not here yet

    with pytest.raises(AlreadyPaid):
        services.payment_start(submission=submission, actor=learner, coupon_code="HALF")

    first.refresh_from_db()
    assert first.status == PaymentStatus.SUCCEEDED
    assert _status(submission) == Status.IN_REVIEW
    assert Payment.objects.filter(submission=submission).count() == 1


def test_partial_coupon_is_held_while_the_checkout_is_open(stripe_stub, learner):
    submission = awaiting_payment(learner)
    coupon = CouponFactory(code="HALF", percent_off=50, max_redemptions=1)

    services.payment_start(submission=submission, actor=learner, coupon_code="HALF")

    coupon.refresh_from_db()
    assert coupon.redemption_count == 1
    assert CouponRedemption.objects.get().status == RedemptionStatus.HELD


def test_learner_can_switch_back_to_the_same_coupon_on_the_same_application(stripe_stub, learner):
    submission = awaiting_payment(learner)
    CouponFactory(code="HALF", percent_off=50, max_redemptions=1)
    CouponFactory(code="TENOFF", percent_off=10)

    services.payment_start(submission=submission, actor=learner, coupon_code="HALF")
    services.payment_start(submission=submission, actor=learner, coupon_code="TENOFF")
    again = services.payment_start(submission=submission, actor=learner, coupon_code="HALF")

    assert again.amount_cents == 7500
    assert Coupon.objects.get(code="HALF").redemption_count == 1


def test_someone_else_cannot_pay_through_the_service(stripe_stub, learner, other_learner):
    with pytest.raises(NothingToPay):
        services.payment_start(submission=awaiting_payment(learner), actor=other_learner)


def test_a_draft_cannot_be_paid(learner):
    draft, _ = submission_services.submission_apply(
        learner=learner, credential=CredentialFactory(fee_cents=100)
    )
    with pytest.raises(NothingToPay):
        services.payment_start(submission=draft, actor=learner)


def test_a_paid_submission_cannot_be_paid_again(stripe_stub, learner):
    submission = awaiting_payment(learner)
    CouponFactory(code="FREE", percent_off=100)
    services.payment_start(submission=submission, actor=learner, coupon_code="FREE")
    submission.refresh_from_db()

    with pytest.raises(AlreadyPaid):
        services.payment_start(submission=submission, actor=learner)
    assert stripe_stub.requests == []


# --- test mode -----------------------------------------------------------------------


def test_test_mode_completes_through_the_same_once_only_path(learner):
    submission = awaiting_payment(learner)
    payment = services.payment_start(submission=submission, actor=learner)
    assert payment.provider == Provider.TEST

    services.payment_test_checkout_complete(
        payment=payment, actor=learner, card_number="4242424242424242"
    )
    services.payment_test_checkout_complete(
        payment=payment, actor=learner, card_number="4242424242424242"
    )

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.method_label == "Visa ending in 4242 (test mode)"
    assert moves_to(submission, Status.IN_REVIEW) == 1


def test_test_mode_decline_card_is_declined_and_can_be_retried(learner):
    submission = awaiting_payment(learner)
    payment = services.payment_start(submission=submission, actor=learner)

    with pytest.raises(CardDeclined):
        services.payment_test_checkout_complete(
            payment=payment, actor=learner, card_number="4000 0000 0000 0002"
        )
    assert _status(submission) == Status.AWAITING_PAYMENT

    services.payment_test_checkout_complete(
        payment=payment, actor=learner, card_number="5555555555554444"
    )
    assert _status(submission) == Status.IN_REVIEW


# --- reconciliation --------------------------------------------------------------------


def _started_long_ago(learner, minutes=45, **kwargs):
    with time_machine.travel(timezone.now() - timedelta(minutes=minutes), tick=False):
        return services.payment_start(submission=awaiting_payment(learner), actor=learner, **kwargs)


def test_reconciliation_settles_a_paid_session_whose_webhook_never_came(stripe_stub, learner):
    payment = _started_long_ago(learner)
    stripe_stub.pay(payment.stripe_checkout_session_id, last4="0005", brand="amex")

    counts = services.payment_reconcile_pending()

    payment.refresh_from_db()
    assert counts["succeeded"] == 1
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.method_label == "Amex ending in 0005"
    assert _status(payment.submission) == Status.IN_REVIEW


def test_reconciliation_cancels_expired_sessions_and_releases_the_coupon(stripe_stub, learner):
    CouponFactory(code="HALF", percent_off=50, max_redemptions=1)
    payment = _started_long_ago(learner, coupon_code="HALF")
    stripe_stub.expire(payment.stripe_checkout_session_id)

    counts = services.payment_reconcile_pending()

    payment.refresh_from_db()
    assert counts["canceled"] == 1
    assert payment.status == PaymentStatus.CANCELED
    assert Coupon.objects.get(code="HALF").redemption_count == 0


def test_reconciliation_is_idempotent_and_leaves_open_and_recent_sessions(stripe_stub, learner):
    paid = _started_long_ago(learner)
    open_one = _started_long_ago(learner)
    recent = services.payment_start(submission=awaiting_payment(learner), actor=learner)
    stripe_stub.pay(paid.stripe_checkout_session_id)
    stripe_stub.pay(recent.stripe_checkout_session_id)

    first = services.payment_reconcile_pending()
    second = services.payment_reconcile_pending()

    assert first == {"succeeded": 1, "canceled": 0, "unchanged": 1, "errors": 0}
    assert second == {"succeeded": 0, "canceled": 0, "unchanged": 1, "errors": 0}
    open_one.refresh_from_db()
    recent.refresh_from_db()
    assert open_one.status == recent.status == PaymentStatus.PENDING
    assert moves_to(paid.submission, Status.IN_REVIEW) == 1


def test_reconciliation_survives_stripe_being_down(stripe_stub, learner):
    payment = _started_long_ago(learner)
    stripe_stub.fail_with = (500, {"error": {"type": "api_error", "message": "down"}})

    counts = services.payment_reconcile_pending()

    assert counts["errors"] == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_attempt_that_never_reached_stripe_is_canceled_by_reconciliation(stripe_stub, learner):
    stripe_stub.fail_with = (500, {"error": {"type": "api_error", "message": "down"}})
    with time_machine.travel(timezone.now() - timedelta(minutes=45), tick=False):
        submission = awaiting_payment(learner)
        with pytest.raises(Exception, match="could not reach"):
            services.payment_start(submission=submission, actor=learner)
    stripe_stub.fail_with = None

    counts = services.payment_reconcile_pending()

    assert counts["canceled"] == 1
    assert Payment.objects.get().status == PaymentStatus.CANCELED


# --- refunds --------------------------------------------------------------------------


def test_free_coupon_payment_cannot_be_refunded(learner, staff_user):
    CouponFactory(code="FREE", percent_off=100)
    payment = services.payment_start(
        submission=awaiting_payment(learner), actor=learner, coupon_code="FREE"
    )
    with pytest.raises(RefundError, match="no card payment"):
        services.payment_refund(payment_id=payment.pk, actor=staff_user)


def test_pending_payment_cannot_be_refunded(stripe_stub, learner, staff_user):
    payment = services.payment_start(submission=awaiting_payment(learner), actor=learner)
    with pytest.raises(RefundError, match="only paid payments"):
        services.payment_refund(payment_id=payment.pk, actor=staff_user)


def test_refund_refused_by_stripe_is_recorded_and_payment_stays_paid(
    stripe_stub, learner, staff_user
):
    payment = services.payment_start(submission=awaiting_payment(learner), actor=learner)
    state = StripeProvider().retrieve(stripe_stub.pay(payment.stripe_checkout_session_id)["id"])
    services.payment_succeed(payment_id=payment.pk, state=state)
    stripe_stub.fail_with = (
        400,
        {"error": {"type": "invalid_request_error", "message": "Charge already refunded."}},
    )

    with pytest.raises(RefundError, match="already refunded"):
        services.payment_refund(payment_id=payment.pk, actor=staff_user)

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.refunds.get().status == "failed"


def test_test_mode_payment_is_refunded_without_stripe(learner, staff_user):
    payment = services.payment_start(submission=awaiting_payment(learner), actor=learner)
    services.payment_test_checkout_complete(payment=payment, actor=learner, card_number="4242" * 4)

    refund = services.payment_refund(payment_id=payment.pk, actor=staff_user)

    payment.refresh_from_db()
    assert refund.status == "succeeded" and payment.status == PaymentStatus.REFUNDED
    assert _status(payment.submission) == Status.IN_REVIEW  # a refund never moves it back


# --- coupon limits under the service ----------------------------------------------------


def test_last_use_cannot_be_taken_twice(learner, other_learner):
    CouponFactory(code="ONE", percent_off=100, max_redemptions=1)
    services.payment_start(submission=awaiting_payment(learner), actor=learner, coupon_code="ONE")

    with pytest.raises(CouponExhausted):
        services.payment_start(
            submission=awaiting_payment(other_learner), actor=other_learner, coupon_code="ONE"
        )
    assert Coupon.objects.get(code="ONE").redemption_count == 1


def test_generated_batch_has_unique_codes_with_shared_terms():
    credential = CredentialFactory()
    coupons = services.coupon_generate_batch(
        count=200,
        prefix="d7-",
        batch="District 7",
        template={
            "kind": "percent",
            "percent_off": 100,
            "max_redemptions": 1,
            "credentials": [credential],
        },
    )

    codes = [c.code for c in coupons]
    assert len(codes) == len(set(codes)) == 200
    assert all(code.startswith("D7-") and len(code) == 11 for code in codes)
    assert Coupon.objects.filter(batch="District 7", percent_off=100).count() == 200
    assert {c.pk for c in credential.coupons.all()} == {c.pk for c in coupons}
