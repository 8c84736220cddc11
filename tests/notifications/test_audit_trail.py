"""The outbox's moves (sent, failed, canceled, sent again) are in the audit trail."""

import pytest
from django.urls import reverse

from audit.selectors import audit_events_for
from notifications import services
from notifications.models import EmailStatus, OutboundEmail

pytestmark = pytest.mark.django_db


def _email(key=None, status=EmailStatus.PENDING):
    return OutboundEmail.objects.create(
        key=key, template="t", to=["lee@example.org"], subject="Hi", body_text="Hi", status=status
    )


def test_delivering_an_email_records_it_as_sent_by_the_system():
    email = _email()

    assert services.email_deliver(email_id=email.pk) is True

    [event] = audit_events_for(email)
    assert (event.verb, event.actor_label) == ("email.sent", "system")
    assert (event.before["status"], event.after["status"]) == ("pending", "sent")
    assert event.after["sent_at"] is not None


def test_canceling_goes_through_the_table_and_leaves_sent_emails_alone():
    waiting = _email(key="assessment-assigned:7:1")
    sent = _email(key="assessment-assigned:7:2")
    services.email_deliver(email_id=sent.pk)

    assert services.email_cancel(key_prefix="assessment-assigned:7:") == 1
    assert services.email_cancel(key_prefix="assessment-assigned:7:") == 0

    sent.refresh_from_db()
    assert sent.status == EmailStatus.SENT
    assert [e.verb for e in audit_events_for(waiting)] == ["email.canceled"]
    assert [e.verb for e in audit_events_for(sent)] == ["email.sent"]


def test_staff_sending_a_failed_email_again_are_named_on_its_record(
    staff_client, staff_user, django_capture_on_commit_callbacks
):
    failed = _email(status=EmailStatus.FAILED)
    OutboundEmail.objects.filter(pk=failed.pk).update(attempts=12)

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:notifications_outboundemail_changelist"),
            {"action": "send_again", "_selected_action": [failed.pk]},
        )

    retried, sent = reversed(audit_events_for(failed))
    assert (retried.verb, retried.actor) == ("email.sent_again", staff_user)
    assert (retried.before["attempts"], retried.after["attempts"]) == (12, 0)
    assert (sent.verb, sent.actor) == ("email.sent", None)
