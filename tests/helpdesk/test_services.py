"""Assigning, answering, reopening and closing: permissions, audit trail, emails."""

import pytest
from django.core import mail

from helpdesk import services
from helpdesk.exceptions import (
    EmptyAnswer,
    IllegalTicketTransition,
    InvalidAssignee,
    TicketPermissionDenied,
)
from helpdesk.models import TicketStatus
from notifications.models import OutboundEmail
from tests.assessments.factories import submit_for_review
from tests.helpdesk.factories import staff_with, ticket_for, trail

pytestmark = pytest.mark.django_db


def test_answer_is_emailed_through_the_outbox_with_text_and_html_parts(
    learner, agent, credential, django_capture_on_commit_callbacks
):
    submission = submit_for_review(learner=learner, credential=credential)
    ticket = ticket_for(learner, subject="O'Brien's coupon & fee", submission=submission)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.ticket_answer(
            ticket_id=ticket.pk, actor=agent, body='Use code <DEMO100> & pay "nothing".'
        )
    stored = OutboundEmail.objects.get(key=f"helpdesk-answer:{reply.pk}")
    assert stored.to == [learner.email]
    [message] = mail.outbox
    assert message.to == [learner.email]
    assert message.subject == f"Re: O'Brien's coupon & fee [{ticket.reference}]"
    assert 'Use code <DEMO100> & pay "nothing".' in message.body
    assert f"http://127.0.0.1:8000{ticket.get_absolute_url()}" in message.body
    assert submission.reference in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert "Use code &lt;DEMO100&gt; &amp; pay &quot;nothing&quot;." in html


def test_answering_marks_the_request_answered_and_records_who_and_when(learner, agent):
    ticket = ticket_for(learner)
    services.ticket_answer(ticket_id=ticket.pk, actor=agent, body="Here it is.")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ANSWERED
    assert ticket.answered_at is not None
    created, answered = trail(ticket)
    assert (created.verb, created.actor, created.after) == (
        "ticket.created",
        learner,
        {"status": TicketStatus.OPEN},
    )
    assert (answered.verb, answered.actor, answered.before["status"], answered.after["status"]) == (
        "ticket.answered",
        agent,
        TicketStatus.OPEN,
        TicketStatus.ANSWERED,
    )
    assert answered.created_at >= created.created_at


def test_an_anonymous_request_is_answered_at_the_address_given(agent):
    ticket = services.ticket_create(
        requester=None, email="visitor@example.org", name="Vi", subject="Hi", message="Q?"
    )
    services.ticket_answer(ticket_id=ticket.pk, actor=agent, body="A.")
    email = OutboundEmail.objects.get(template="helpdesk_answer")
    assert email.to == ["visitor@example.org"]
    # No account, so no link to a page they could not open.
    assert "/help/requests/" not in email.body_text


def test_assign_reopen_and_close_each_leave_an_event(learner, agent):
    ticket = ticket_for(learner)
    services.ticket_assign(ticket_id=ticket.pk, assignee=agent, actor=agent)
    services.ticket_assign(ticket_id=ticket.pk, assignee=agent, actor=agent)  # no change
    services.ticket_set_status(ticket_id=ticket.pk, status=TicketStatus.CLOSED, actor=agent)
    services.ticket_set_status(ticket_id=ticket.pk, status=TicketStatus.OPEN, actor=agent)
    events = [(e.verb, e.actor, e.before.get("status"), e.after) for e in trail(ticket)]
    assert events == [
        ("ticket.created", learner, None, {"status": TicketStatus.OPEN}),
        ("ticket.assigned", agent, None, {"assignee": agent.pk}),
        ("ticket.closed", agent, TicketStatus.OPEN, {"status": TicketStatus.CLOSED}),
        ("ticket.open", agent, TicketStatus.CLOSED, {"status": TicketStatus.OPEN}),
    ]


def test_a_closed_request_can_still_be_answered(learner, agent):
    ticket = ticket_for(learner)
    services.ticket_set_status(ticket_id=ticket.pk, status=TicketStatus.CLOSED, actor=agent)
    services.ticket_answer(ticket_id=ticket.pk, actor=agent, body="One more thing.")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ANSWERED


def test_answered_is_reached_only_by_answering(learner, agent):
    ticket = ticket_for(learner)
    with pytest.raises(IllegalTicketTransition):
        services.ticket_set_status(ticket_id=ticket.pk, status=TicketStatus.ANSWERED, actor=agent)
    with pytest.raises(EmptyAnswer):
        services.ticket_answer(ticket_id=ticket.pk, actor=agent, body="   ")


def test_staff_without_the_permission_cannot_change_a_request(learner, plain_staff):
    viewer = staff_with("view_ticket")
    ticket = ticket_for(learner)
    for actor in (plain_staff, viewer, learner):
        with pytest.raises(TicketPermissionDenied):
            services.ticket_answer(ticket_id=ticket.pk, actor=actor, body="x")
        with pytest.raises(TicketPermissionDenied):
            services.ticket_assign(ticket_id=ticket.pk, assignee=None, actor=actor)
        with pytest.raises(TicketPermissionDenied):
            services.ticket_set_status(ticket_id=ticket.pk, status="closed", actor=actor)
    assert len(trail(ticket)) == 1
    assert not OutboundEmail.objects.filter(template="helpdesk_answer").exists()


def test_only_staff_who_can_answer_can_be_assigned(learner, agent, plain_staff):
    ticket = ticket_for(learner)
    for nobody in (plain_staff, learner):
        with pytest.raises(InvalidAssignee):
            services.ticket_assign(ticket_id=ticket.pk, assignee=nobody, actor=agent)
    ticket.refresh_from_db()
    assert ticket.assignee is None
