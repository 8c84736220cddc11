"""Two tabs starting or submitting the same calibration act once (real concurrent
PostgreSQL connections)."""

import pytest

from assessments.models import AssessorCertification
from audit.models import AuditEvent
from calibration import services
from calibration.models import AttemptState, CalibrationAttempt
from tests.calibration.factories import ANCHORS, answer_all, make_candidate, make_set
from tests.concurrency import postgres_only, race

pytestmark = [pytest.mark.django_db(transaction=True), postgres_only]


def test_starting_twice_at_once_opens_one_attempt(credential):
    calibration_set = make_set(credential)
    candidate = make_candidate(credential)

    results = race(
        [lambda: services.attempt_start(calibration_set=calibration_set, actor=candidate)] * 3
    )

    assert len({attempt.pk for attempt in results}) == 1, results
    assert CalibrationAttempt.objects.count() == 1


def test_submitting_twice_at_once_certifies_once(credential):
    calibration_set = make_set(credential)
    candidate = make_candidate(credential)
    attempt = services.attempt_start(calibration_set=calibration_set, actor=candidate)
    answer_all(attempt, candidate, ANCHORS)

    results = race([lambda: services.attempt_submit(attempt_id=attempt.pk, actor=candidate)] * 3)

    assert all(r.state == AttemptState.PASSED for r in results), results
    assert AuditEvent.objects.filter(verb="calibration.passed").count() == 1
    assert AuditEvent.objects.filter(verb="certification.granted").count() == 1
    assert AssessorCertification.objects.filter(user=candidate).count() == 1
