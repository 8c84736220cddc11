"""Races that only real concurrent database connections can show (PostgreSQL).

Each thread gets its own Django connection; a barrier releases them together.
"""

import pytest

from payments import services
from payments.exceptions import CouponExhausted, PaymentError
from payments.models import Coupon, CouponRedemption, Payment
from submissions.models import Status, Submission
from tests.accounts.factories import UserFactory
from tests.concurrency import postgres_only, race
from tests.payments.factories import CouponFactory, awaiting_payment

pytestmark = [
    pytest.mark.django_db(transaction=True),
    postgres_only,
]


def test_two_learners_racing_for_the_last_use_of_a_code_only_one_gets_it():
    coupon = CouponFactory(code="LASTONE", percent_off=100, max_redemptions=1)
    learners = [UserFactory(), UserFactory()]
    submissions = [awaiting_payment(u) for u in learners]

    results = race(
        calls=[
            lambda s=s, u=u: services.payment_start(submission=s, actor=u, coupon_code="lastone")
            for s, u in zip(submissions, learners, strict=True)
        ]
    )

    paid = [r for r in results if isinstance(r, Payment)]
    refused = [r for r in results if isinstance(r, CouponExhausted)]
    assert len(paid) == 1 and len(refused) == 1, results
    assert Coupon.objects.get(pk=coupon.pk).redemption_count == 1
    assert CouponRedemption.objects.count() == 1
    in_review = Submission.objects.filter(status=Status.IN_REVIEW).count()
    assert in_review == 1


def test_many_learners_racing_for_the_last_three_uses_never_overspend():
    CouponFactory(code="THREE", percent_off=100, max_redemptions=3)
    learners = [UserFactory() for _ in range(8)]
    submissions = [awaiting_payment(u) for u in learners]

    results = race(
        calls=[
            lambda s=s, u=u: services.payment_start(submission=s, actor=u, coupon_code="THREE")
            for s, u in zip(submissions, learners, strict=True)
        ]
    )

    assert sum(isinstance(r, Payment) for r in results) == 3, results
    assert sum(isinstance(r, CouponExhausted) for r in results) == 5, results
    assert Coupon.objects.get(code="THREE").redemption_count == 3


def test_simultaneous_double_click_makes_one_attempt_with_one_idempotency_key(stripe_stub, learner):
    submission = awaiting_payment(learner)

    results = race(
        calls=[
            lambda: services.payment_start(submission=submission, actor=learner) for _ in range(2)
        ]
    )

    assert all(isinstance(r, Payment | PaymentError) for r in results), results
    payments = [r for r in results if isinstance(r, Payment)]
    assert payments
    assert Payment.objects.count() == 1
    keys = {r.headers["idempotency-key"] for r in stripe_stub.posts("/v1/checkout/sessions")}
    assert keys == {str(Payment.objects.get().uuid)}
    assert len({p.checkout_url for p in payments}) == 1
