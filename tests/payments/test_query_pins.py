"""Exact query count of settling a card payment, the payment's main write, so a
change that adds a query (or drops a lock) shows up here first."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from payments import services
from payments.providers import SessionState
from tests.assessments.factories import make_assessor
from tests.payments.factories import awaiting_payment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _content_types_cached(db):
    """The audit trail caches content types per process: only a cold one pays."""
    ContentType.objects.get_for_models(*apps.get_models())


def test_settling_a_paid_checkout_sends_the_application_into_review(
    stripe_stub, learner, django_assert_num_queries
):
    submission = awaiting_payment(learner, fee_cents=15000)
    make_assessor(credential=submission.credential)
    payment = services.payment_start(submission=submission, actor=learner)
    paid = SessionState(
        session_id=payment.stripe_checkout_session_id,
        status="complete",
        payment_status="paid",
        amount_total=payment.amount_cents,
        currency=payment.currency,
        payment_intent_id="pi_pinned",
        card_brand="visa",
        card_last4="4242",
    )
    # The payment locked, moved and audited; its coupon use confirmed; the
    # submission locked, moved into review and audited; the review opened and
    # assigned (the organization's SLA, due date, the scoring policy, review,
    # audits, assignment, the assessor's email); the check that no other
    # attempt paid the same fee.
    with django_assert_num_queries(29):
        services.payment_settle(payment=payment, state=paid)
