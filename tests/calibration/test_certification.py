"""Passing a calibration set certifies an assessor for live work; the threshold,
the outcome rule, expiry and renewal."""

import datetime

import pytest
from django.utils import timezone

from assessments.models import AssessorCertification
from calibration import services
from calibration.exceptions import AttemptIncomplete, NotYours
from calibration.models import AttemptState
from tests.accounts.factories import UserFactory
from tests.assessments.factories import submit_for_review
from tests.calibration.factories import ANCHORS, answer_all, make_candidate, make_set

pytestmark = pytest.mark.django_db

# The truth, with one criterion mark changed on the last anchor: 5 of 6 agree
# (83%) and every outcome matches.
ONE_MARK_OFF = [ANCHORS[0], ANCHORS[1], ("denied", [True, False])]


def _take(calibration_set, assessor, answers):
    attempt = services.attempt_start(calibration_set=calibration_set, actor=assessor)
    answer_all(attempt, assessor, answers)
    return services.attempt_submit(attempt_id=attempt.pk, actor=assessor)


def test_a_set_with_anchors_gates_live_work_until_the_assessor_passes(
    credential, frozen, django_capture_on_commit_callbacks
):
    calibration_set = make_set(credential)
    assessor = make_candidate(credential)
    waiting = submit_for_review(learner=UserFactory(), credential=credential)
    assert waiting.review.assessor is None

    with django_capture_on_commit_callbacks(execute=True):
        attempt = _take(calibration_set, assessor, ONE_MARK_OFF)

    assert attempt.state == AttemptState.PASSED
    assert (attempt.criteria_agreed, attempt.criteria_total) == (5, 6)
    assert attempt.percent == 83.3
    waiting.review.refresh_from_db()
    assert waiting.review.assessor == assessor
    live = submit_for_review(learner=UserFactory(), credential=credential)
    assert live.review.assessor == assessor


def test_below_the_threshold_does_not_certify(credential):
    calibration_set = make_set(credential)
    assessor = make_candidate(credential)
    # 4 of 6 marks agree (67%), outcomes all match.
    answers = [ANCHORS[0], ("denied", [False, False]), ("denied", [True, False])]

    attempt = _take(calibration_set, assessor, answers)

    assert attempt.state == AttemptState.FAILED
    assert (attempt.criteria_agreed, attempt.criteria_total) == (4, 6)
    assert not AssessorCertification.objects.filter(user=assessor).exists()
    assert submit_for_review(learner=UserFactory(), credential=credential).review.assessor is None


def test_a_different_outcome_on_one_anchor_fails_however_many_marks_agree(credential):
    calibration_set = make_set(credential)
    assessor = make_candidate(credential)
    answers = [ANCHORS[0], ANCHORS[1], ("awarded", [False, False])]

    attempt = _take(calibration_set, assessor, answers)

    assert attempt.criteria_agreed == 6
    assert attempt.outcomes_agreed == 2
    assert attempt.state == AttemptState.FAILED


def test_a_configured_threshold_and_outcome_rule_apply(credential):
    calibration_set = make_set(credential, threshold_percent=60, require_same_outcome=False)
    assessor = make_candidate(credential)
    answers = [ANCHORS[0], ("denied", [False, False]), ("awarded", [True, False])]

    attempt = _take(calibration_set, assessor, answers)

    assert (attempt.criteria_agreed, attempt.outcomes_agreed) == (4, 2)
    assert attempt.state == AttemptState.PASSED


def test_certification_expires_after_the_set_period_and_renews_by_recalibrating(credential, frozen):
    calibration_set = make_set(credential, valid_months=6)
    assessor = make_candidate(credential)
    attempt = _take(calibration_set, assessor, ANCHORS)
    assert attempt.certified_until == timezone.now() + datetime.timedelta(days=181)

    frozen.move_to(attempt.certified_until + datetime.timedelta(hours=1))
    assert submit_for_review(learner=UserFactory(), credential=credential).review.assessor is None

    renewed = _take(calibration_set, assessor, ANCHORS)
    assert renewed.pk != attempt.pk
    certification = AssessorCertification.objects.get(user=assessor)
    assert certification.valid_until == renewed.certified_until
    assert submit_for_review(learner=UserFactory(), credential=credential).review.assessor == (
        assessor
    )


def test_submitting_needs_every_anchor_scored(credential):
    calibration_set = make_set(credential)
    assessor = make_candidate(credential)
    attempt = services.attempt_start(calibration_set=calibration_set, actor=assessor)
    anchors = list(calibration_set.anchors.all())
    services.attempt_answer_save(
        attempt_id=attempt.pk, anchor=anchors[0], outcome="awarded", marks={}, actor=assessor
    )

    with pytest.raises(AttemptIncomplete) as error:
        services.attempt_submit(attempt_id=attempt.pk, actor=assessor)

    assert error.value.missing == [1, 2, 3]
    attempt.refresh_from_db()
    assert attempt.is_open


def test_only_the_attempts_assessor_can_answer_or_submit(credential):
    calibration_set = make_set(credential)
    assessor = make_candidate(credential)
    other = make_candidate(credential)
    attempt = services.attempt_start(calibration_set=calibration_set, actor=assessor)

    with pytest.raises(NotYours):
        services.attempt_submit(attempt_id=attempt.pk, actor=other)


def test_a_set_without_anchors_or_inactive_gates_nobody(credential):
    empty = make_set(credential, anchors=[])
    assessor = make_candidate(credential)
    assert submit_for_review(learner=UserFactory(), credential=credential).review.assessor

    empty.delete()
    calibration_set = make_set(credential)
    assert submit_for_review(learner=UserFactory(), credential=credential).review.assessor is None

    calibration_set.is_active = False
    services.calibration_set_save(calibration_set=calibration_set, actor=None)
    assert submit_for_review(learner=UserFactory(), credential=credential).review.assessor == (
        assessor
    )
