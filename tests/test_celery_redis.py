"""Tasks travel through the real Redis broker to a real worker when REDIS_URL is set."""

import os
import time

import pytest
from django.core import mail

from config.celery import app
from tests.credentials.factories import CredentialFactory
from tests.submissions.factories import submitted_application

REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set")


def _reset_broker_pool():
    """Drop pooled connections so the next publish uses the current broker_url."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None


@pytest.fixture
def redis_worker():
    from celery.contrib.testing.worker import start_worker

    previous = {k: app.conf[k] for k in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=REDIS_URL)
    _reset_broker_pool()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            yield
    finally:
        app.conf.update(previous)
        _reset_broker_pool()


@pytest.mark.django_db(transaction=True)
def test_submission_email_goes_through_redis_to_a_worker(redis_worker, learner):
    submission = submitted_application(learner, CredentialFactory(fee_cents=5000))
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [m.to for m in mail.outbox] == [[learner.email]]
    assert submission.reference in mail.outbox[0].subject
