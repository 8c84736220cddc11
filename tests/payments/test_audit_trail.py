"""Every payment, coupon-use and refund move is in the audit trail with whoever made it."""

import pytest
from django.db import transaction
from django.urls import reverse

from audit.selectors import audit_events_for
from core.errors import IllegalTransition, UserFacingError
from payments import services
from payments.models import Coupon, PaymentStatus
from payments.services.moves import lock_payment, move_payment
from tests.payments.factories import CouponFactory, awaiting_payment

pytestmark = pytest.mark.django_db

COMPLETED = "checkout.session.completed"


def _trail(obj) -> list[tuple[str, str]]:
    """(verb, actor) of each event about ``obj``, oldest first."""
    return [(e.verb, e.actor_label) for e in reversed(audit_events_for(obj))]


def test_a_learner_paying_in_test_mode_is_the_actor_of_every_move(learner):
    payment = services.payment_start(submission=awaiting_payment(learner), actor=learner)
    services.payment_test_checkout_complete(payment=payment, actor=learner, card_number="4242" * 4)

    assert _trail(payment) == [
        ("payment.started", "learner@example.org"),
        ("payment.succeeded", "learner@example.org"),
    ]
    succeeded = audit_events_for(payment).first()
    assert succeeded.before["status"] == "pending" and succeeded.after["status"] == "succeeded"
    assert succeeded.data["receipt"] == payment.receipt_number


def test_a_payment_stripe_reports_is_recorded_as_the_systems(stripe_stub, learner, signed_webhook):
    payment = services.payment_start(submission=awaiting_payment(learner), actor=learner)

    signed_webhook(COMPLETED, stripe_stub.pay(payment.stripe_checkout_session_id))
    signed_webhook(COMPLETED, stripe_stub.pay(payment.stripe_checkout_session_id))

    assert _trail(payment) == [
        ("payment.started", "learner@example.org"),
        ("payment.succeeded", "system"),
    ]
    assert audit_events_for(payment).first().request_id  # the webhook's request


def test_a_replaced_attempt_releases_its_coupon_use_on_the_record(stripe_stub, learner):
    CouponFactory(code="HALF", percent_off=50)
    submission = awaiting_payment(learner)
    first = services.payment_start(submission=submission, actor=learner, coupon_code="HALF")

    services.payment_start(submission=submission, actor=learner)

    assert _trail(first)[-1] == ("payment.canceled", "learner@example.org")
    assert _trail(first.redemption) == [("coupon_use.released", "learner@example.org")]
    assert Coupon.objects.get(code="HALF").redemption_count == 0


def test_a_refund_names_the_staff_member_on_the_payment_and_the_refund(learner, staff_user):
    payment = services.payment_start(submission=awaiting_payment(learner), actor=learner)
    services.payment_test_checkout_complete(payment=payment, actor=learner, card_number="4242" * 4)

    refund = services.payment_refund(payment_id=payment.pk, actor=staff_user, reason="Duplicate")

    assert _trail(payment)[-2:] == [
        ("payment.refund_requested", "staff@example.org"),
        ("payment.refunded", "staff@example.org"),
    ]
    assert audit_events_for(payment)[1].data["reason"] == "Duplicate"
    assert _trail(refund) == [("refund.succeeded", "staff@example.org")]


def test_a_paid_attempt_cannot_be_moved_back_and_the_error_is_safe_to_show(learner):
    payment = services.payment_start(submission=awaiting_payment(learner), actor=learner)
    services.payment_test_checkout_complete(payment=payment, actor=learner, card_number="4242" * 4)

    with pytest.raises(IllegalTransition) as refused, transaction.atomic():
        move_payment(lock_payment(payment.pk), PaymentStatus.FAILED, actor=None)

    assert isinstance(refused.value, UserFacingError)
    assert "is paid and cannot become failed" in str(refused.value)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED


def test_staff_deactivating_codes_goes_on_each_codes_record(staff_client, staff_user):
    active = CouponFactory(code="SPRING", is_active=True)
    already = CouponFactory(code="WINTER", is_active=False)

    response = staff_client.post(
        reverse("admin:payments_coupon_changelist"),
        {"action": "deactivate", "_selected_action": [active.pk, already.pk]},
        follow=True,
    )

    assert "1 code(s) deactivated." in response.content.decode()
    active.refresh_from_db()
    assert active.is_active is False
    [event] = audit_events_for(active)
    assert (event.verb, event.actor, event.before, event.after) == (
        "coupon.deactivated",
        staff_user,
        {"is_active": True},
        {"is_active": False},
    )
    assert not audit_events_for(already).exists()


def test_a_payments_admin_page_links_to_its_audit_trail(staff_client, learner):
    payment = services.payment_start(submission=awaiting_payment(learner), actor=learner)

    page = staff_client.get(reverse("admin:payments_payment_change", args=[payment.pk]))

    assert "Audit trail</a>" in page.content.decode()
    assert f"target_id={payment.pk}" in page.content.decode()
