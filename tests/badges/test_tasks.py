"""The revocation email, stored in the outbox with the revocation."""

import pytest
from django.core import mail

from badges import services
from notifications.models import OutboundEmail

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")


def test_revocation_email_has_text_and_html_with_the_reason(
    badge, learner, staff_user, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.badge_revoke(
            badge_id=badge.pk, reason="Issued to the wrong person.", actor=staff_user
        )

    (message,) = mail.outbox
    assert message.to == [learner.email]
    assert message.subject == "Your Formative Assessment in Practice credential has been revoked"
    assert "Issued to the wrong person." in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Issued to the wrong person." in html
    assert f"/badges/{badge.award.uuid}/" in message.body


def test_revoking_twice_emails_once(badge, staff_user, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.badge_revoke(badge_id=badge.pk, reason="Wrong person.", actor=staff_user)
        services.badge_revoke(badge_id=badge.pk, reason="Again.", actor=staff_user)
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.filter(template="badge_revoked").count() == 1
