"""Denial email end to end through a real Celery worker on the Redis broker.

Runs when REDIS_URL is set (CI sets it). The worker listens on a queue of its
own, so other test runs sharing the broker never take its tasks.
"""

import os
import time

import pytest
from django.core import mail
from django.urls import reverse

from assessments import services
from assessments.models import Outcome
from tests.assessments.factories import first_not_met, submit_for_review

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs a Redis broker (set REDIS_URL)"
)


@pytest.fixture
def celery_worker(redis_celery_worker):
    return redis_celery_worker


def wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_worker_delivers_the_denial_email(celery_worker, settings, learner, credential, assessor):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    submission = submit_for_review(learner=learner, credential=credential)
    assert wait_for(lambda: any(m.to == [assessor.email] for m in mail.outbox)), "assigned email"

    review = submission.review
    services.review_decide(
        review_id=review.pk,
        actor=assessor,
        outcome=Outcome.DENIED,
        scores=first_not_met(review, feedback="Name the grade you teach."),
    )

    def denial():
        return [m for m in mail.outbox if m.to == [learner.email] and "Feedback" in m.subject]

    assert wait_for(denial), [m.subject for m in mail.outbox]
    (message,) = denial()
    assert "Name the grade you teach." in message.body
    assert reverse("submissions:detail", kwargs={"uuid": submission.uuid}) in message.body
