"""My help requests: a learner sees their own requests and answers, nobody else's."""

import pytest
from django.urls import reverse

from helpdesk import services
from tests.accounts.factories import UserFactory
from tests.helpdesk.factories import many_tickets, ticket_for

pytestmark = pytest.mark.django_db

LIST = reverse("helpdesk:ticket_list")


def test_learner_sees_their_requests_and_the_answers(learner_client, learner, agent):
    ticket = ticket_for(learner, subject="Coupon & <fee>")
    services.ticket_answer(ticket_id=ticket.pk, actor=agent, body="It is <b>fine</b>.")
    listing = learner_client.get(LIST).content.decode()
    assert ticket.reference in listing
    assert "Coupon &amp; &lt;fee&gt;" in listing
    assert "Answered" in listing
    detail = learner_client.get(ticket.get_absolute_url()).content.decode()
    assert "It is &lt;b&gt;fine&lt;/b&gt;." in detail
    assert "I paid yesterday and cannot find it." in detail
    # Staff are "the helpdesk" to learners, not named.
    assert agent.email not in detail and agent.name not in detail


def test_nobody_else_sees_a_learners_requests(learner, other_client, other_learner, client):
    mine = ticket_for(learner, subject="Mine alone")
    ticket_for(other_learner, subject="Theirs")
    listing = other_client.get(LIST).content.decode()
    assert "Mine alone" not in listing and "Theirs" in listing
    assert other_client.get(mine.get_absolute_url()).status_code == 404


def test_staff_without_permission_cannot_read_a_learners_request_on_the_site(learner, plain_staff):
    from django.test import Client

    ticket = ticket_for(learner)
    staff = Client()
    staff.force_login(plain_staff)
    assert staff.get(ticket.get_absolute_url()).status_code == 404
    assert ticket.subject not in staff.get(LIST).content.decode()


def test_anonymous_visitors_are_asked_to_log_in(client, learner):
    ticket = ticket_for(learner)
    for url in (LIST, ticket.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_a_request_not_yet_answered_says_where_the_answer_will_go(learner_client, learner):
    ticket = ticket_for(learner)
    html = learner_client.get(ticket.get_absolute_url()).content.decode()
    assert f"We will email you at {learner.email}" in html


@pytest.mark.parametrize("size", [3, 25])
def test_my_requests_query_count_is_flat(
    learner_client, learner, credential, size, django_assert_max_num_queries
):
    from tests.assessments.factories import submit_for_review

    submission = submit_for_review(learner=learner, credential=credential)
    many_tickets(learner, size, submission=submission)
    many_tickets(UserFactory(), size)
    with django_assert_max_num_queries(5):
        assert learner_client.get(LIST).status_code == 200


@pytest.mark.parametrize("size", [1, 15])
def test_request_page_query_count_is_flat(
    learner_client, learner, agent, size, django_assert_max_num_queries
):
    ticket = ticket_for(learner)
    for _ in range(size):
        services.ticket_answer(ticket_id=ticket.pk, actor=agent, body="More.")
    with django_assert_max_num_queries(5):
        assert learner_client.get(ticket.get_absolute_url()).status_code == 200
