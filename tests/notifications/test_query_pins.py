"""Exact query count of delivering one queued email, the outbox's main write,
so a change that adds a query (or drops the row lock) shows up here first."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from notifications import services
from notifications.models import EmailStatus
from tests.credentials.factories import CredentialFactory
from tests.submissions.factories import submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _content_types_cached(db):
    """The audit trail caches content types per process: only a cold one pays."""
    ContentType.objects.get_for_models(*apps.get_models())


def test_delivering_a_rendered_email(learner, django_assert_num_queries):
    submission = submitted_application(learner, CredentialFactory())
    email = services.email_enqueue(
        to=[learner.email],
        template="submission_received",
        context={"submission": submission, "learner": learner},
        key="pinned",
    )
    # savepoint; the row locked (skipped if another worker holds it); the
    # send recorded; its audit event; release.
    with django_assert_num_queries(5):
        assert services.email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
