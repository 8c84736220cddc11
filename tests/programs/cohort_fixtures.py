"""A district partner with a coach, a cohort of two credentials, and helpers
to put teachers into it at a given stage (plain rows where a test needs many)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from programs.cohort_models import Enrollment, EnrollmentStatus, PartnerKind, PartnerRole
from programs.services import cohorts
from submissions.models import Status, Submission
from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory, OrganizationFactory


@pytest.fixture
def district(db):
    organization = OrganizationFactory(name="Riverside District", slug="riverside")
    return cohorts.partner_create(organization=organization, kind=PartnerKind.DISTRICT, actor=None)


@pytest.fixture
def coach(district):
    user = UserFactory(email="coach@example.org", name="Cora Coach")
    cohorts.partner_member_add(partner=district, user=user, role=PartnerRole.COACH, actor=None)
    return user


@pytest.fixture
def partner_admin(district):
    user = UserFactory(email="padmin@example.org", name="Pat Admin")
    cohorts.partner_member_add(partner=district, user=user, role=PartnerRole.ADMIN, actor=None)
    return user


@pytest.fixture
def cohort_credentials(db):
    return [
        CredentialFactory(title="Questioning", slug="questioning", with_content=True),
        CredentialFactory(title="Feedback", slug="feedback", with_content=True),
    ]


@pytest.fixture
def cohort(district, cohort_credentials, coach):
    return cohorts.cohort_create(
        partner=district, name="Fall 2026 cohort", credentials=cohort_credentials, actor=coach
    )


@pytest.fixture
def coach_client(client, coach):
    client.force_login(coach)
    return client


def join(cohort, teacher):
    """Invite ``teacher`` and accept through the services; returns the enrollment."""
    (enrollment,) = cohorts.enrollment_invite(cohort=cohort, emails=[teacher.email], actor=None)
    return cohorts.enrollment_accept(token=str(enrollment.token), teacher=teacher)


def many_members(cohort, count, credential, prefix="t"):
    """``count`` accepted teachers, each with a submission in review (plain rows)."""
    users = [
        UserFactory.build(email=f"{prefix}{i}@example.org", name=f"T {i}") for i in range(count)
    ]
    for user in users:
        user.set_unusable_password()
    from accounts.models import User

    User.objects.bulk_create(users)
    users = list(User.objects.filter(email__startswith=prefix, email__endswith="@example.org"))
    now = timezone.now()
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                cohort=cohort,
                email=u.email,
                teacher=u,
                status=EnrollmentStatus.ACCEPTED,
                accepted_at=now,
            )
            for u in users
        ]
    )
    Submission.objects.bulk_create(
        [
            Submission(learner=u, credential=credential, status=Status.IN_REVIEW, submitted_at=now)
            for u in users
        ]
    )
    return users
