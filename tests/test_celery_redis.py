"""Tasks travel through the real Redis broker to a real worker when REDIS_URL is set."""

import time

import pytest
from django.core import mail

from tests.credentials.factories import CredentialFactory
from tests.submissions.factories import submitted_application


@pytest.mark.django_db(transaction=True)
def test_submission_email_goes_through_redis_to_a_worker(redis_celery_worker, learner):
    submission = submitted_application(learner, CredentialFactory(fee_cents=5000))
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [m.to for m in mail.outbox] == [[learner.email]]
    assert submission.reference in mail.outbox[0].subject
