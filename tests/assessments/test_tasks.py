import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments import emails, services
from assessments.models import Assignment, Outcome
from notifications.models import EmailStatus, OutboundEmail
from notifications.services import email_publish_due
from notifications.tasks import deliver_email
from tests.assessments.factories import all_met, first_not_met, make_assessor, submit_for_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(frozen, learner, credential, assessor):
    review = submit_for_review(learner=learner, credential=credential).review
    mail.outbox.clear()
    return review


def _deny(review, assessor, capture, **kwargs):
    with capture(execute=True):
        services.review_decide(
            review_id=review.pk, actor=assessor, outcome=Outcome.DENIED, **kwargs
        )
    (message,) = mail.outbox
    return message


def test_denial_email_gives_feedback_per_criterion_and_a_reapply_link(
    review, assessor, learner, settings, django_capture_on_commit_callbacks
):
    message = _deny(
        review,
        assessor,
        django_capture_on_commit_callbacks,
        scores=first_not_met(review, feedback="Say which grade you teach & how many students."),
        comment="A good start.",
    )
    submission = review.submission
    reapply = settings.SITE_URL + reverse("submissions:detail", kwargs={"uuid": submission.uuid})

    assert message.to == [learner.email]
    assert submission.reference in message.subject
    text = message.body
    assert "Context: Not yet met" in text
    assert "Say which grade you teach & how many students." in text  # plain text, unescaped
    assert "Reflection: Met" in text
    assert "A good start." in text
    assert reapply in text
    assert "Resubmit" in text
    html = message.alternatives[0][0]
    assert f'href="{reapply}"' in html
    assert "Say which grade you teach &amp; how many students." in html
    # The learner never learns who assessed them.
    for part in (text, html, message.subject):
        assert assessor.name not in part
        assert assessor.email not in part


def test_denial_email_shows_the_resubmission_fee(
    review, assessor, credential, django_capture_on_commit_callbacks
):
    credential.resubmission_fee_cents = 4900
    credential.save()
    message = _deny(
        review, assessor, django_capture_on_commit_callbacks, scores=first_not_met(review)
    )
    assert "The resubmission fee is $49.00." in message.body


def test_feedback_in_the_html_email_is_escaped(
    review, assessor, django_capture_on_commit_callbacks
):
    message = _deny(
        review,
        assessor,
        django_capture_on_commit_callbacks,
        scores=first_not_met(review, feedback='<script>alert("x")</script>'),
    )
    html = message.alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_award_email_congratulates_the_learner(
    review, assessor, learner, credential, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.review_decide(
            review_id=review.pk, actor=assessor, outcome=Outcome.AWARDED, scores=all_met(review)
        )
    (message,) = mail.outbox
    assert message.to == [learner.email]
    assert credential.title in message.subject
    assert "has been awarded" in message.body
    assert assessor.name not in message.body


def test_assigned_email_names_the_learner_only_when_review_is_not_blind(
    frozen, learner, credential, assessor, django_capture_on_commit_callbacks
):
    credential.organization.blind_review = False
    credential.organization.save()
    with django_capture_on_commit_callbacks(execute=True):
        submit_for_review(learner=learner, credential=credential)
    assigned = next(m for m in mail.outbox if m.to == [assessor.email])
    assert learner.name in assigned.body


def test_assigned_email_is_skipped_once_the_review_moved_on(
    review, assessor, credential, staff_user
):
    other = make_assessor(credential=credential)
    first = Assignment.objects.get(review=review)
    services.review_reassign(review_id=review.pk, assessor=other, actor=staff_user)

    # However the first assignment's email is handed to a worker now, it is not sent.
    email_publish_due(now=timezone.now() + datetime.timedelta(hours=1))

    assert not [m for m in mail.outbox if m.to == [assessor.email]]
    assert [m for m in mail.outbox if m.to == [other.email]]
    assert (
        OutboundEmail.objects.get(key=f"assessment-assigned:{review.pk}:{first.pk}").status
        == EmailStatus.CANCELED
    )


def test_escalation_needs_someone_to_tell(frozen, review):
    # No staff accounts: nothing is sent and nothing fails.
    review.escalated_at = review.created_at
    review.save()
    emails.queue_sweep_emails(stamp=review.created_at, reminded=0, escalated=1)
    escalation = OutboundEmail.objects.get(template="review_escalation")

    deliver_email.delay(escalation.pk)

    assert mail.outbox == []
    escalation.refresh_from_db()
    assert escalation.status == EmailStatus.CANCELED
