"""The calibration demo: a set of three anchors on the double-scored credential,
the demo assessor certified, a newcomer halfway, real figures on the pages."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from assessments.models import AssessorCertification
from calibration.models import AttemptState, CalibrationAttempt, CalibrationSet

pytestmark = pytest.mark.django_db


def test_demo_calibration_and_seeding_twice_changes_nothing(client, settings):
    settings.DEMO_DATA_ALLOWED = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo_activity", stdout=io.StringIO())
    for _ in range(2):
        call_command("seed_demo_calibration", stdout=io.StringIO())

    calibration_set = CalibrationSet.objects.get()
    credential = calibration_set.credential
    assert credential.slug == "checking-for-understanding"
    assert calibration_set.anchors.count() == 3
    assert AssessorCertification.objects.filter(
        user__email="assessor@example.org", credential=credential
    ).exists()
    newcomer = CalibrationAttempt.objects.get(assessor__email="new.assessor@example.org")
    assert newcomer.state == AttemptState.IN_PROGRESS
    assert newcomer.answers.count() == 1

    client.force_login(User.objects.get(email="staff@example.org"))
    board = client.get(reverse("calibration:quality")).context["board"]
    assert board.overall.pairs > 20 and board.overall.kappa is not None
    assert board.decided >= 10
    page = client.get(reverse("credentials:detail", kwargs={"slug": credential.slug})).text
    assert "Median: <strong>" in page
