import pytest
from django.core.management import call_command

from assessments.models import AssessorScope
from badges.models import IssuedBadge
from credentials.models import Organization
from payments.models import Coupon
from submissions.models import Status, Submission

pytestmark = pytest.mark.django_db


def test_demo_learner_gets_one_application_in_each_state_once():
    call_command("seed_demo", stdout=None)
    call_command("seed_demo_activity")
    statuses = sorted(Submission.objects.values_list("status", flat=True))
    assert statuses == sorted(
        [
            Status.DRAFT,
            Status.AWAITING_PAYMENT,
            Status.IN_REVIEW,
            Status.IN_REVIEW,
            Status.AWARDED,
            Status.DENIED,
        ]
    )
    assert IssuedBadge.objects.count() == 1
    awarded = Submission.objects.get(status=Status.AWARDED)
    assert awarded.review.assessor.email == "assessor@example.org"

    call_command("seed_demo_activity")
    assert Submission.objects.count() == 6


def test_the_demo_assessor_assesses_for_every_organization_through_the_services():
    call_command("seed_demo", stdout=None)
    call_command("seed_demo_activity", stdout=None)
    call_command("seed_demo_activity", stdout=None)

    scopes = AssessorScope.objects.filter(user__email="assessor@example.org", is_active=True)
    assert sorted(scopes.values_list("organization", flat=True)) == sorted(
        Organization.objects.values_list("pk", flat=True)
    )
    assert scopes.count() == Organization.objects.count()  # none twice
    assert Coupon.objects.filter(code="DEMO100", percent_off=100).count() == 1


def test_demo_activity_prints_the_sites_own_address(settings, capsys):
    settings.SITE_URL = "http://127.0.0.1:8080"
    call_command("seed_demo")
    capsys.readouterr()

    call_command("seed_demo_activity")

    assert "Open http://127.0.0.1:8080 and log in" in capsys.readouterr().out
