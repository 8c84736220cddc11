"""The demo learner has one help request, answered by staff, made through the services."""

import pytest
from django.core.management import call_command

from helpdesk.models import Ticket, TicketStatus

pytestmark = pytest.mark.django_db


def test_demo_learner_has_one_answered_help_request_once():
    call_command("seed_demo", stdout=None)
    call_command("seed_demo_activity")
    ticket = Ticket.objects.get()
    assert ticket.requester.email == "learner@example.org"
    assert ticket.status == TicketStatus.ANSWERED
    assert ticket.assignee.email == "staff@example.org"
    assert ticket.submission.status == "in_review"
    assert ticket.replies.get().author.email == "staff@example.org"

    call_command("seed_demo_activity")
    assert Ticket.objects.count() == 1
