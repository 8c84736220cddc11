"""Every email the apps send is stored in the outbox with the change that causes
it, under a key naming that event, so it is never lost or queued twice."""

import pytest

from assessments import services as assessment_services
from assessments.models import Outcome
from notifications.models import EmailStatus, OutboundEmail
from payments import services as payment_services
from tests.assessments.factories import first_not_met, make_assessor, submit_for_review
from tests.credentials.factories import CredentialFactory
from tests.payments.factories import awaiting_payment

pytestmark = pytest.mark.django_db


def _keys():
    return set(OutboundEmail.objects.values_list("key", flat=True))


def test_submission_assignment_and_decision_emails_are_in_the_outbox(learner):
    credential = CredentialFactory(with_content=True)
    assessor = make_assessor(credential=credential)
    submission = submit_for_review(learner=learner, credential=credential)
    review = submission.review
    assignment = review.assignments.get()

    assert _keys() == {
        f"submission-received:{submission.pk}",
        f"assessment-assigned:{review.pk}:{assignment.pk}",
    }

    assessment_services.review_decide(
        review_id=review.pk, actor=assessor, outcome=Outcome.DENIED, scores=first_not_met(review)
    )
    decided = OutboundEmail.objects.get(key=f"review-decided:{review.pk}")
    assert decided.to == [learner.email]
    assert decided.status == EmailStatus.PENDING  # sent once the decision has committed
    assert assessor.email not in decided.body_text


def test_the_receipt_is_in_the_outbox_once(learner, django_capture_on_commit_callbacks):
    payment = payment_services.payment_start(submission=awaiting_payment(learner), actor=learner)
    with django_capture_on_commit_callbacks(execute=True):
        payment = payment_services.payment_test_checkout_complete(
            payment=payment, actor=learner, card_number="4242424242424242"
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert payment_services.payment_send_receipt(payment_id=payment.pk) is False

    receipt = OutboundEmail.objects.get(key=f"payment-receipt:{payment.pk}")
    assert receipt.status == EmailStatus.SENT
    assert payment.receipt_number in receipt.subject
