"""Reviews that entered review while nobody could assess them are assigned as
soon as staff add an assessor scope that covers them."""

import pytest
from django.core import mail
from django.urls import reverse

from assessments import services
from assessments.models import AssessorScope, Assignment, Review
from tests.accounts.factories import UserFactory
from tests.assessments.factories import make_assessor, submit_for_review
from tests.credentials.factories import CredentialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(frozen, credential):
    """Two submissions in review for a credential nobody can assess yet."""
    return [
        submit_for_review(learner=UserFactory(), credential=credential).review for _ in range(2)
    ]


def test_adding_a_scope_assigns_the_reviews_waiting_for_it_once_committed(
    waiting, credential, django_capture_on_commit_callbacks
):
    assert all(review.assessor is None for review in waiting)
    assessor = UserFactory(email="new.assessor@example.org")

    with django_capture_on_commit_callbacks() as callbacks:
        count = services.assessor_scope_save(
            scope=AssessorScope(user=assessor, credential=credential)
        )
        # Nothing moves before the commit.
        assert Review.objects.filter(assessor__isnull=True).count() == 2
    with django_capture_on_commit_callbacks(execute=True):  # the emails it queues
        for callback in callbacks:
            callback()

    assert count == 2
    assert set(Review.objects.values_list("assessor_id", flat=True)) == {assessor.pk}
    reasons = set(Assignment.objects.values_list("reason", flat=True))
    assert reasons == {"Automatic: assessor added"}
    assert len([m for m in mail.outbox if assessor.email in m.to]) == 2


def test_an_organization_scope_assigns_waiting_reviews_of_all_its_credentials(
    waiting, credential, django_capture_on_commit_callbacks
):
    sibling = CredentialFactory(organization=credential.organization)
    elsewhere = CredentialFactory()
    submit_for_review(learner=UserFactory(), credential=sibling)
    other = submit_for_review(learner=UserFactory(), credential=elsewhere).review
    assessor = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        services.assessor_scope_save(
            scope=AssessorScope(user=assessor, organization=credential.organization)
        )

    assert Review.objects.filter(assessor=assessor).count() == 3
    other.refresh_from_db()
    assert other.assessor is None


def test_waiting_reviews_spread_over_the_eligible_assessors(
    waiting, credential, django_capture_on_commit_callbacks
):
    first, second = UserFactory(), UserFactory()
    AssessorScope.objects.create(user=first, credential=credential, is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        services.assessor_scope_save(scope=AssessorScope(user=second, credential=credential))
        scope = AssessorScope.objects.get(user=first)
        scope.is_active = True
        services.assessor_scope_save(scope=scope)

    assert sorted(Review.objects.values_list("assessor_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )


def test_an_inactive_scope_or_the_learner_themself_assigns_nothing(
    frozen, credential, django_capture_on_commit_callbacks
):
    learner = UserFactory()
    submit_for_review(learner=learner, credential=credential)

    with django_capture_on_commit_callbacks(execute=True):
        inactive = services.assessor_scope_save(
            scope=AssessorScope(user=UserFactory(), credential=credential, is_active=False)
        )
        own = services.assessor_scope_save(scope=AssessorScope(user=learner, credential=credential))

    assert inactive == 0 and own == 1
    assert Review.objects.get().assessor is None


def test_an_assigned_review_is_left_alone(frozen, credential, assessor):
    review = submit_for_review(learner=UserFactory(), credential=credential).review
    make_assessor(credential=credential)

    assert services.reviews_assign_waiting(credential_id=credential.pk) == 0
    review.refresh_from_db()
    assert review.assessor == assessor


def test_staff_adding_a_scope_in_the_admin_assigns_waiting_reviews(
    waiting, credential, staff_client, django_capture_on_commit_callbacks
):
    assessor = UserFactory(email="new.assessor@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:assessments_assessorscope_add"),
            {"user": assessor.pk, "credential": credential.pk, "is_active": "on"},
            follow=True,
        )

    assert "2 reviews waiting for an assessor are being assigned." in response.content.decode()
    assert Review.objects.filter(assessor=assessor).count() == 2
