"""Staff see the outbox in admin and can send failed emails again."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import EmailStatus, OutboundEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(learner):
    return OutboundEmail.objects.create(
        template="submission_received",
        to=[learner.email],
        subject="We received MC-TEST",
        body_text="Plain",
        body_html="<script>alert(1)</script>",
        status=EmailStatus.FAILED,
        attempts=12,
        last_error="SMTPRecipientsRefused: {'learner@example.org': (550, b'no such user')}",
    )


def test_the_outbox_lists_emails_with_their_state(staff_client, failed):
    page = staff_client.get(reverse("admin:notifications_outboundemail_changelist"))
    assert page.status_code == 200
    assert "We received MC-TEST" in page.content.decode()

    detail = staff_client.get(
        reverse("admin:notifications_outboundemail_change", args=[failed.pk])
    ).content.decode()
    assert "no such user" in detail
    assert "<script>alert(1)</script>" not in detail  # the HTML part is shown as source


def test_staff_send_a_failed_email_again(
    staff_client, failed, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:notifications_outboundemail_changelist"),
            {"action": "send_again", "_selected_action": [failed.pk]},
            follow=True,
        )

    assert "1 email(s) queued to be sent." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == EmailStatus.SENT and failed.attempts == 1
    assert [m.to for m in mail.outbox] == [[learner.email]]
