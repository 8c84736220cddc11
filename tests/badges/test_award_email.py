import pytest
from django.core import mail

from assessments import services
from assessments.models import Outcome
from tests.assessments.factories import all_met, make_assessor, submit_for_review
from tests.credentials.factories import CredentialFactory

pytestmark = pytest.mark.django_db


def test_award_email_links_to_the_public_badge(learner, django_capture_on_commit_callbacks):
    credential = CredentialFactory()
    assessor = make_assessor(credential=credential)
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit_for_review(learner=learner, credential=credential)
    review = submission.review
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.review_decide(
            review_id=review.pk, actor=assessor, outcome=Outcome.AWARDED, scores=all_met(review)
        )
    (message,) = [m for m in mail.outbox if m.to == [learner.email]]
    award = submission.award
    assert f"/badges/{award.uuid}/" in message.body
    html = message.alternatives[0][0]
    assert f"/badges/{award.uuid}/" in html
