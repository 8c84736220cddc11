"""Where calibration applies, live reviews go only to certified assessors; the
organization's SLA sets the due date."""

import datetime

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import OrganizationReviewSettings
from tests.accounts.factories import UserFactory
from tests.assessments.factories import make_assessor, submit_for_review

pytestmark = pytest.mark.django_db


def _require(credential):
    services.calibration_requirement_set(credential=credential, required=True, actor=None)


def test_without_a_calibration_set_an_uncertified_assessor_is_assigned(credential):
    assessor = make_assessor(credential=credential)

    submission = submit_for_review(learner=UserFactory(), credential=credential)

    assert submission.review.assessor == assessor


def test_an_uncertified_assessor_is_never_assigned_and_is_once_certified(
    credential, django_capture_on_commit_callbacks
):
    assessor = make_assessor(credential=credential)
    _require(credential)

    submission = submit_for_review(learner=UserFactory(), credential=credential)
    submission.review.refresh_from_db()
    assert submission.review.assessor is None

    with django_capture_on_commit_callbacks(execute=True):
        services.certification_grant(
            user=assessor,
            credential=credential,
            valid_until=timezone.now() + datetime.timedelta(days=365),
            actor=None,
        )

    submission.review.refresh_from_db()
    assert submission.review.assessor == assessor


def test_the_certified_assessor_is_chosen_over_a_less_loaded_uncertified_one(credential):
    uncertified = make_assessor(credential=credential)
    certified = make_assessor(credential=credential)
    _require(credential)
    services.certification_grant(
        user=certified,
        credential=credential,
        valid_until=timezone.now() + datetime.timedelta(days=30),
        actor=None,
    )

    reviews = [
        submit_for_review(learner=UserFactory(), credential=credential).review for _ in range(3)
    ]

    assert {review.assessor for review in reviews} == {certified}
    assert uncertified not in {review.assessor for review in reviews}


def test_an_expired_certification_no_longer_qualifies(credential):
    assessor = make_assessor(credential=credential)
    _require(credential)
    services.certification_grant(
        user=assessor,
        credential=credential,
        valid_until=timezone.now() - datetime.timedelta(seconds=1),
        actor=None,
    )

    submission = submit_for_review(learner=UserFactory(), credential=credential)

    assert submission.review.assessor is None


def test_an_organization_certification_covers_its_credentials(credential):
    assessor = make_assessor(organization=credential.organization)
    services.calibration_requirement_set(
        organization=credential.organization, required=True, actor=None
    )
    services.certification_grant(
        user=assessor,
        organization=credential.organization,
        valid_until=timezone.now() + datetime.timedelta(days=30),
        actor=None,
    )

    submission = submit_for_review(learner=UserFactory(), credential=credential)

    assert submission.review.assessor == assessor


@pytest.mark.parametrize(
    ("days", "due_on", "remind_on"),
    [
        # Friday 2026-11-20; Thanksgiving (Thursday 26) does not count.
        (None, datetime.date(2026, 12, 11), datetime.date(2026, 12, 8)),
        (5, datetime.date(2026, 11, 30), datetime.date(2026, 11, 25)),
        (3, datetime.date(2026, 11, 25), datetime.date(2026, 11, 24)),
    ],
)
def test_the_organization_sla_sets_the_due_date(credential, frozen, days, due_on, remind_on):
    make_assessor(credential=credential)
    services.review_settings_save(
        organization=credential.organization, sla_business_days=days, actor=None
    )

    submission = submit_for_review(learner=UserFactory(), credential=credential)

    assert submission.decision_due_on == due_on
    assert (submission.review.due_on, submission.review.remind_on) == (due_on, remind_on)
    assert OrganizationReviewSettings.objects.get().sla_business_days == days


def test_the_checkout_page_promises_the_organizations_sla(learner, learner_client):
    from django.urls import reverse

    from tests.payments.factories import awaiting_payment

    submission = awaiting_payment(learner, fee_cents=5000)
    services.review_settings_save(
        organization=submission.credential.organization, sla_business_days=5, actor=None
    )

    page = learner_client.get(reverse("payments:checkout", kwargs={"uuid": submission.uuid}))

    assert "a decision is due within 5 business days of payment" in " ".join(page.text.split())


def test_a_new_version_of_the_credential_keeps_its_calibration(credential):
    from credentials.models import MicroCredential
    from tests.credentials.factories import CredentialFactory

    assessor = make_assessor(organization=credential.organization)
    _require(credential)
    # Version 2 is published in version 1's place.
    MicroCredential.objects.filter(pk=credential.pk).update(is_published=False)
    next_version = CredentialFactory(
        organization=credential.organization,
        lineage=credential.lineage,
        version=2,
        slug=credential.slug,
        with_content=True,
    )
    assert submit_for_review(learner=UserFactory(), credential=next_version).review.assessor is None

    services.certification_grant(
        user=assessor,
        credential=credential,
        valid_until=timezone.now() + datetime.timedelta(days=30),
        actor=None,
    )

    assert submit_for_review(learner=UserFactory(), credential=next_version).review.assessor == (
        assessor
    )
