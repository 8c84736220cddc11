"""A new version of a credential keeps who assesses it and how it is scored:
scopes and scoring policies named on one version cover every version."""

import pytest

from assessments import selectors
from assessments.models import ScoringModel
from credentials import services as credential_services
from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory

from .factories import make_assessor, submit_for_review
from .scoring_helpers import use_policy

pytestmark = pytest.mark.django_db


def publish_new_version(credential, actor):
    v2 = credential_services.credential_version_open(credential=credential, actor=actor)
    return credential_services.credential_publish(credential=v2, actor=actor)


def test_applications_to_version_two_go_to_the_assessor_of_version_one(staff_user):
    v1 = CredentialFactory(with_content=True)
    assessor = make_assessor(credential=v1, email="kim@example.org")
    v2 = publish_new_version(v1, staff_user)

    submission = submit_for_review(learner=UserFactory(), credential=v2)

    assert submission.review.assessor == assessor
    assert selectors.credential_has_assessor(credential=v2)


def test_version_two_keeps_the_scoring_model_of_version_one(staff_user):
    v1 = CredentialFactory(with_content=True)
    use_policy(v1, model=ScoringModel.DOUBLE)
    v2 = publish_new_version(v1, staff_user)

    assert selectors.scoring_policy_for(credential=v2).scoring_model == ScoringModel.DOUBLE
