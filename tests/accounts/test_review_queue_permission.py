"""Who must use two-factor authentication is asked through a permission: the
accounts app sits below assessments and learns who assesses from its backend."""

import pytest

from accounts.models import User
from accounts.selectors import REVIEW_QUEUE_PERMISSION, mfa_required
from tests.accounts.factories import UserFactory
from tests.assessments.factories import make_assessor
from tests.credentials.factories import CredentialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    settings.MFA_REQUIRED_FOR_STAFF_AND_ASSESSORS = True


def test_an_assessor_with_an_active_scope_holds_the_review_queue_and_needs_two_factor():
    assessor = make_assessor(credential=CredentialFactory())

    assert assessor.has_perm(REVIEW_QUEUE_PERMISSION)
    assert mfa_required(assessor)


def test_an_assessor_whose_scope_was_withdrawn_no_longer_needs_two_factor():
    assessor = make_assessor(credential=CredentialFactory())
    assessor.assessor_scopes.update(is_active=False)
    assessor = User.objects.get(pk=assessor.pk)  # a new request: no remembered answer

    assert not assessor.has_perm(REVIEW_QUEUE_PERMISSION)
    assert not mfa_required(assessor)


def test_a_learner_and_a_deactivated_assessor_do_not_hold_the_review_queue():
    learner = UserFactory()
    former = make_assessor(credential=CredentialFactory(), is_active=False)

    assert not learner.has_perm(REVIEW_QUEUE_PERMISSION)
    assert not mfa_required(learner)
    assert not former.has_perm(REVIEW_QUEUE_PERMISSION)
