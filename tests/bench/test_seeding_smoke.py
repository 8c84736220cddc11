"""The benchmark seed at a tiny scale holds what the site itself would have
written: every history follows the table of status moves, reviews carry the
SLA dates the assessment services set, awards carry their badges, and
payments match the fees. A seed that breaks a rule would measure pages on
data the site can never hold.

The seeder reserves primary keys from PostgreSQL sequences, so these run on
PostgreSQL only (CI sets DATABASE_URL).
"""

from collections import Counter, defaultdict

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from accounts.models import User
from assessments.models import Award, Outcome, Review, ReviewState
from assessments.selectors import assessor_is_eligible
from assessments.services import sla_dates
from audit.models import AuditEvent
from badges.models import IssuedBadge, StatusList
from badges.services import add_months
from bench.seeding import MARKER_EMAIL, PROBES, Seeder
from payments.models import Coupon, CouponRedemption, Payment, PaymentStatus, RedemptionStatus
from submissions.models import TRANSITIONS, AttestationKind, Status, Submission

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the seeder reserves ids from PostgreSQL sequences (set DATABASE_URL)",
    ),
]

# The smallest seed: 10 credentials, 50 learners, about 200 submissions, plus probes.
SCALE = 0.0001
DECIDED = (Status.AWARDED, Status.DENIED)
REVIEWED = (Status.IN_REVIEW, Status.INCOMPLETE, *DECIDED)


@pytest.fixture
def seeded(settings):
    Seeder(scale=SCALE, log=lambda line: None).run()
    return Submission.objects.select_related("credential__organization", "previous")


def test_tiny_seed_is_complete_and_covers_every_state(seeded):
    assert User.objects.get(email=MARKER_EMAIL).name == f"scale={SCALE}"
    assert User.objects.filter(email__in=PROBES.values()).count() == len(PROBES)
    assert set(seeded.values_list("status", flat=True)) == set(Status.values)


def test_every_history_follows_the_table_of_status_moves(seeded):
    submission_type = ContentType.objects.get_for_model(Submission)
    trails = defaultdict(list)
    for event in AuditEvent.objects.filter(target_type=submission_type).order_by(
        "created_at", "id"
    ):
        trails[int(event.target_id)].append(event)
    for submission in seeded:
        trail = trails[submission.pk]
        assert trail[0].before == {} and trail[0].after == {"status": Status.DRAFT}
        for event in trail[1:]:
            assert event.after["status"] in TRANSITIONS[event.before["status"]], submission
        for earlier, later in zip(trail, trail[1:], strict=False):
            assert later.before["status"] == earlier.after["status"], submission
        assert trail[-1].after["status"] == submission.status, submission


def test_applications_are_whole_and_attempts_follow_denials(seeded):
    open_attempts = Counter()
    for submission in seeded.prefetch_related("attestations", "responses"):
        credential = submission.credential
        assert submission.responses.count() == credential.prompts.count()
        if submission.status == Status.DRAFT:
            assert submission.submitted_at is None and not submission.rubric_snapshot
            assert not submission.attestations.exists()
        else:
            kinds = {a.kind for a in submission.attestations.all()}
            assert kinds == set(AttestationKind.values), submission
            criteria = list(credential.rubric_criteria.values_list("pk", flat=True))
            assert [c["id"] for c in submission.rubric_snapshot] == criteria
            assert submission.created_at <= submission.submitted_at
        if submission.previous is not None:
            assert submission.previous.status == Status.DENIED
            assert submission.previous.learner_id == submission.learner_id
            assert submission.previous.credential_id == submission.credential_id
        if submission.status != Status.DENIED:
            open_attempts[submission.learner_id, submission.credential_id] += 1
    # One application per learner and credential: only denied attempts came before.
    assert max(open_attempts.values()) == 1


def test_reviews_carry_the_sla_the_assessment_services_set(seeded):
    reviews = {r.submission_id: r for r in Review.objects.select_related("assessor")}
    for submission in seeded:
        review = reviews.get(submission.pk)
        if submission.status not in REVIEWED:
            assert review is None, submission
            continue
        assert (review.due_on, review.remind_on) == sla_dates(submission=submission)
        assert submission.decision_due_on == review.due_on
        assert review.created_at == submission.review_started_at
        assert (review.state == ReviewState.OPEN) == (submission.status == Status.IN_REVIEW)
        assert (review.state == ReviewState.RETURNED) == (submission.status == Status.INCOMPLETE)
        if review.assessor is not None:
            assert assessor_is_eligible(user=review.assessor, submission=submission)
        if submission.status in DECIDED:
            assert review.outcome == (
                Outcome.AWARDED if submission.status == Status.AWARDED else Outcome.DENIED
            )
            assert review.decided_by_id == review.assessor_id is not None
            assert review.scores.count() == len(submission.rubric_snapshot)
            assert submission.review_started_at < submission.decided_at


def test_every_award_has_one_badge_at_its_own_status_index(seeded):
    awarded = seeded.filter(status=Status.AWARDED)
    assert Award.objects.count() == awarded.count() > 0
    badges = IssuedBadge.objects.select_related("award__credential", "status_list")
    assert badges.count() == awarded.count()
    indexes = Counter((b.status_list_id, b.status_index) for b in badges)
    assert max(indexes.values()) == 1
    for badge in badges:
        assert badge.status_index < badge.status_list.next_index
        months = badge.award.credential.validity_months
        assert badge.valid_until == (add_months(badge.valid_from, months) if months else None)
    assert StatusList.objects.filter(next_index__gt=0).exists()


def test_payments_match_each_fee_and_coupon_counters_their_uses(seeded):
    succeeded = Counter(
        Payment.objects.filter(status=PaymentStatus.SUCCEEDED).values_list(
            "submission_id", flat=True
        )
    )
    for payment in Payment.objects.select_related("submission__credential"):
        credential = payment.submission.credential
        fee = credential.resubmission_fee_cents if payment.submission.previous_id else None
        assert payment.fee_cents == (fee if fee is not None else credential.fee_cents)
        assert payment.amount_cents == payment.fee_cents - payment.discount_cents
    for submission in seeded.exclude(status=Status.DRAFT):
        credential = submission.credential
        fee = credential.resubmission_fee_cents if submission.previous_id else credential.fee_cents
        paid = succeeded[submission.pk]
        if not fee:
            assert not Payment.objects.filter(submission=submission).exists(), submission
        elif submission.status == Status.AWAITING_PAYMENT:
            assert paid == 0, submission
        else:
            assert paid == 1, submission
    for coupon in Coupon.objects.all():
        redeemed = CouponRedemption.objects.filter(coupon=coupon, status=RedemptionStatus.REDEEMED)
        assert coupon.redemption_count == redeemed.count()
