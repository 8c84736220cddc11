"""Staff see, assign and answer help requests in the admin, by permission; and edit the FAQ."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from helpdesk.models import FaqEntry, TicketStatus
from notifications.models import OutboundEmail
from tests.helpdesk.factories import (
    FaqEntryFactory,
    many_tickets,
    staff_with,
    ticket_for,
    trail,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:helpdesk_ticket_changelist")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _change_url(ticket) -> str:
    return reverse("admin:helpdesk_ticket_change", args=[ticket.pk])


def _hidden_inputs(html: str) -> dict:
    """What the browser posts back unchanged: the inlines' management forms and row ids."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def _respond(client, ticket, **fields):
    data = _hidden_inputs(client.get(_change_url(ticket)).content.decode())
    data.update({"set_status": ticket.status, "assign_to": "", "answer": "", **fields})
    return client.post(_change_url(ticket), data)


def test_staff_without_helpdesk_permission_cannot_see_requests(learner, plain_staff):
    ticket = ticket_for(learner)
    client = _client(plain_staff)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(_change_url(ticket)).status_code == 403


def test_staff_who_may_only_view_read_a_request_but_cannot_answer(learner):
    ticket = ticket_for(learner, subject="Read only please")
    client = _client(staff_with("view_ticket"))
    assert "Read only please" in client.get(CHANGELIST).content.decode()
    page = client.get(_change_url(ticket)).content.decode()
    assert "I paid yesterday and cannot find it." in page
    assert 'name="answer"' not in page
    response = client.post(_change_url(ticket), {"answer": "Sneaky", "set_status": "closed"})
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    assert not ticket.replies.exists()


def test_agent_assigns_and_answers_from_the_change_form(
    learner, agent, agent_client, django_capture_on_commit_callbacks
):
    ticket = ticket_for(learner)
    page = agent_client.get(_change_url(ticket)).content.decode()
    assert "I paid yesterday and cannot find it." in page and ticket.email in page
    with django_capture_on_commit_callbacks(execute=True):
        response = _respond(
            agent_client, ticket, assign_to=str(agent.pk), answer="It is on the application page."
        )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ANSWERED
    assert ticket.assignee == agent
    assert ticket.replies.get().body == "It is on the application page."
    events = trail(ticket)
    assert [e.verb for e in events] == ["ticket.created", "ticket.assigned", "ticket.answered"]
    assert all(e.actor == agent for e in events[1:])
    email = OutboundEmail.objects.get(template="helpdesk_answer")
    assert email.to == [learner.email]
    page = agent_client.get(_change_url(ticket)).content.decode()
    assert "It is on the application page." in page  # the answers sent, under the request
    assert f"{agent.email} · assigned ({agent.email})" in page  # its history


def test_answer_and_close_in_one_step(learner, agent_client):
    ticket = ticket_for(learner)
    _respond(agent_client, ticket, answer="Done.", set_status="closed")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    assert [e.after.get("status") for e in trail(ticket)] == ["open", "answered", "closed"]


def test_marking_answered_without_an_answer_is_refused_beside_the_answer(learner, agent_client):
    ticket = ticket_for(learner)
    response = _respond(agent_client, ticket, set_status="answered")
    assert response.status_code == 200
    assert "Write the answer here" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN


def test_only_staff_who_can_answer_are_offered_for_assignment(learner, agent, agent_client):
    viewer = staff_with("view_ticket", email="viewer@example.org")
    page = agent_client.get(_change_url(ticket_for(learner))).content.decode()
    assert agent.email in page
    assert viewer.email not in page


def test_assign_to_me_and_close_actions(learner, agent, agent_client):
    tickets = [ticket_for(learner, subject=f"Q{n}") for n in range(2)]
    ids = [str(t.pk) for t in tickets]
    agent_client.post(CHANGELIST, {"action": "assign_to_me", "_selected_action": ids})
    agent_client.post(CHANGELIST, {"action": "close_tickets", "_selected_action": ids})
    for ticket in tickets:
        ticket.refresh_from_db()
        assert (ticket.assignee, ticket.status) == (agent, TicketStatus.CLOSED)


def test_my_requests_filter(learner, agent, agent_client):
    from helpdesk import services

    mine = ticket_for(learner, subject="Mine to answer")
    ticket_for(learner, subject="Somebody else's")
    services.ticket_assign(ticket_id=mine.pk, assignee=agent, actor=agent)
    html = agent_client.get(CHANGELIST, {"assigned": "me"}).content.decode()
    assert "Mine to answer" in html and "Somebody else&#x27;s" not in html


@pytest.mark.parametrize("size", [3, 30])
def test_ticket_changelist_query_count_is_flat(
    learner, agent_client, size, django_assert_max_num_queries
):
    many_tickets(learner, size)
    with django_assert_max_num_queries(10):
        assert agent_client.get(CHANGELIST).status_code == 200


def test_staff_edit_an_answer_and_see_it_as_learners_will(db):
    editor = staff_with("view_faqentry", "change_faqentry", email="editor@example.org")
    entry = FaqEntryFactory(answer="Old")
    client = _client(editor)
    url = reverse("admin:helpdesk_faqentry_change", args=[entry.pk])
    page = client.get(url).content.decode()
    assert 'name="slug"' not in page  # fixed once saved: pages link to it
    response = client.post(
        url,
        {
            "topic": entry.topic_id,
            "question": "New question?",
            "answer": "See **this** <script>x</script>",
            "position": 1,
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.question == "New question?"
    preview = client.get(url).content.decode()
    assert "<strong>this</strong> &lt;script&gt;x&lt;/script&gt;" in preview
    assert FaqEntry.objects.get(pk=entry.pk).slug == entry.slug


def test_staff_without_faq_permission_cannot_edit_answers(plain_staff):
    entry = FaqEntryFactory()
    client = _client(plain_staff)
    url = reverse("admin:helpdesk_faqentry_change", args=[entry.pk])
    assert client.get(url).status_code == 403


def test_a_topic_cannot_take_the_address_of_another_help_page(db):
    from django.core.exceptions import ValidationError

    from helpdesk.models import FaqTopic

    with pytest.raises(ValidationError, match="address of another help page"):
        FaqTopic(title="Contact", slug="contact").full_clean()


def test_ticket_page_has_an_audit_trail_button_for_staff_who_may_read_it(
    learner, staff_client, agent_client
):
    ticket = ticket_for(learner)
    trail_link = "auditevent/?target_type__id__exact="
    assert trail_link in staff_client.get(_change_url(ticket)).content.decode()
    # An agent reads the ticket's history on its page, not the whole audit list.
    page = agent_client.get(_change_url(ticket)).content.decode()
    assert trail_link not in page
    assert f"{learner.email} · created" in page
