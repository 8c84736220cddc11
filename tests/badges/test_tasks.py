"""The revocation email task."""

import pytest
from django.core import mail

from badges.models import IssuedBadge
from badges.tasks import send_revocation_email

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")


def test_revocation_email_has_text_and_html_with_the_reason(badge, learner, staff_user):
    IssuedBadge.objects.filter(pk=badge.pk).update(
        revoked_at=badge.issued_at,
        revocation_reason="Issued to the wrong person.",
        revoked_by=staff_user,
    )
    send_revocation_email(badge.pk)

    message = mail.outbox[-1]
    assert message.to == [learner.email]
    assert message.subject == "Your Formative Assessment in Practice credential has been revoked"
    assert "Issued to the wrong person." in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Issued to the wrong person." in html
    assert f"/badges/{badge.award.uuid}/" in message.body


def test_revocation_email_is_skipped_for_a_valid_badge(badge):
    mail.outbox.clear()
    send_revocation_email(badge.pk)
    assert mail.outbox == []


def test_revocation_email_retries_with_backoff():
    assert send_revocation_email.autoretry_for
    assert send_revocation_email.retry_backoff == 30
    assert send_revocation_email.max_retries == 8
