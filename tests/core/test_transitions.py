"""The transition helper: the table decides, the move is saved and audited together."""

import pytest
from django.db import transaction

from audit.models import AuditEvent
from audit.selectors import audit_events_for
from config.request_id import request_id
from core.errors import IllegalTransition, UserFacingError
from core.transitions import TransitionOutsideTransaction, transition
from notifications.models import EMAIL_TRANSITIONS, EmailStatus, OutboundEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def email():
    return OutboundEmail.objects.create(
        template="submission_received", to=["lee@example.org"], subject="We received it"
    )


def _move(email, to, **kwargs):
    kwargs.setdefault("actor", None)
    with transaction.atomic():
        return transition(email, to=to, allowed=EMAIL_TRANSITIONS, **kwargs)


def test_an_allowed_move_is_saved_and_records_who_made_it_and_what_changed(email, staff_user):
    moved = _move(
        email,
        EmailStatus.FAILED,
        actor=staff_user,
        verb="email.failed",
        changes={"last_error": "SMTP said no"},
        data={"why": "test"},
    )

    assert moved is True
    email.refresh_from_db()
    assert (email.status, email.last_error) == (EmailStatus.FAILED, "SMTP said no")
    [event] = audit_events_for(email)
    assert (event.actor, event.actor_label, event.verb) == (
        staff_user,
        "staff@example.org",
        "email.failed",
    )
    assert event.before == {"status": "pending", "last_error": ""}
    assert event.after == {"status": "failed", "last_error": "SMTP said no"}
    assert event.data == {"why": "test"}
    assert event.target == email


def test_a_move_the_table_refuses_is_a_message_for_the_user_and_changes_nothing(email):
    _move(email, EmailStatus.SENT)

    with pytest.raises(IllegalTransition) as refused:
        _move(email, EmailStatus.FAILED)

    assert isinstance(refused.value, UserFacingError)
    assert refused.value.message == (
        "This outbound email is sent and cannot become failed. "
        "Reload the page to see where it is now."
    )
    assert (refused.value.current, refused.value.target) == ("sent", "failed")
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert [e.verb for e in audit_events_for(email)] == ["outboundemail.sent"]


def test_repeating_a_move_already_made_writes_nothing_when_asked_to_be_idempotent(email):
    assert _move(email, EmailStatus.CANCELED, idempotent=True) is True
    assert _move(email, EmailStatus.CANCELED, idempotent=True) is False

    assert audit_events_for(email).count() == 1


def test_repeating_a_move_is_refused_unless_idempotent(email):
    _move(email, EmailStatus.CANCELED)

    with pytest.raises(IllegalTransition):
        _move(email, EmailStatus.CANCELED)


def test_only_the_move_and_the_named_fields_are_saved(email):
    email.subject = "Typed meanwhile, not part of the move"
    email.attempts = 3

    _move(email, EmailStatus.FAILED, update_fields=["attempts"])

    email.refresh_from_db()
    assert (email.status, email.attempts, email.subject) == (
        EmailStatus.FAILED,
        3,
        "We received it",
    )


def test_a_move_that_rolls_back_leaves_no_audit_event(email):
    with pytest.raises(RuntimeError), transaction.atomic():
        transition(email, to=EmailStatus.SENT, allowed=EMAIL_TRANSITIONS, actor=None)
        raise RuntimeError("the rest of the service failed")

    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING
    assert not AuditEvent.objects.exists()


def test_the_web_request_id_is_kept_with_the_event(email):
    token = request_id.set("req-42")
    try:
        _move(email, EmailStatus.SENT)
    finally:
        request_id.reset(token)

    assert audit_events_for(email).get().request_id == "req-42"


@pytest.mark.django_db(transaction=True)
def test_a_move_outside_a_transaction_is_refused():
    email = OutboundEmail.objects.create(template="submission_received", to=["a@example.org"])

    with pytest.raises(TransitionOutsideTransaction):
        transition(email, to=EmailStatus.SENT, allowed=EMAIL_TRANSITIONS, actor=None)

    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING
    assert not AuditEvent.objects.exists()
