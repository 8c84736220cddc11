"""Recording to the one audit trail: who (or what) did it, to which object, in which request."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser

from audit.models import AuditEvent
from audit.selectors import audit_events_for
from audit.services import record, record_many
from config.request_id import request_id
from notifications.models import OutboundEmail
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _email(subject="Hello"):
    return OutboundEmail.objects.create(template="t", to=["a@example.org"], subject=subject)


def test_an_event_names_the_user_and_outlives_them(learner):
    email = _email()

    record(actor=learner, verb="email.checked", target=email, data={"n": 1})
    learner.delete()

    [event] = audit_events_for(email)
    assert event.actor is None
    assert event.actor_label == "learner@example.org"
    assert (event.verb, event.target_label, event.data) == (
        "email.checked",
        str(email),
        {"n": 1},
    )


@pytest.mark.parametrize("actor", [None, AnonymousUser()])
def test_without_a_signed_in_user_the_system_is_the_actor(actor):
    event = record(actor=actor, verb="email.sent", target=_email())

    assert (event.actor, event.actor_label) == (None, "system")


def test_the_system_can_say_what_it_was_doing():
    event = record(actor=None, actor_label="Stripe webhook", verb="x", target=_email())

    assert event.actor_label == "Stripe webhook"


def test_request_id_is_kept_inside_a_request_and_blank_outside():
    email = _email()
    record(actor=None, verb="outside", target=email)
    token = request_id.set("abc-123")
    try:
        record(actor=None, verb="inside", target=email)
    finally:
        request_id.reset(token)

    assert dict(audit_events_for(email).values_list("verb", "request_id")) == {
        "outside": "",
        "inside": "abc-123",
    }


def test_values_that_are_not_plain_json_are_stored_as_text():
    key = uuid.uuid4()
    event = record(
        actor=None,
        verb="x",
        target=_email(),
        after={"when": OutboundEmail.objects.get().created_at, "key": key},
    )

    event.refresh_from_db()
    assert event.after["key"] == str(key)
    assert isinstance(event.after["when"], str)


def test_the_history_of_one_object_leaves_out_the_others():
    mine, other = _email("mine"), _email("other")
    record(actor=None, verb="first", target=mine)
    record(actor=None, verb="elsewhere", target=other)
    record(actor=None, verb="second", target=mine)

    assert [e.verb for e in audit_events_for(mine)] == ["second", "first"]


def test_a_set_wise_change_gives_each_row_its_own_event():
    staff = UserFactory(email="ops@example.org", is_staff=True)
    emails = [_email(str(n)) for n in range(3)]

    assert (
        record_many(actor=staff, verb="email.archived", targets=emails, after={"archived": True})
        == 3
    )

    for email in emails:
        [event] = audit_events_for(email)
        assert (event.actor_label, event.after) == ("ops@example.org", {"archived": True})
    assert AuditEvent.objects.count() == 3
