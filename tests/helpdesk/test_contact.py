"""Contact the helpdesk: a form that attaches the learner's own application and the page."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helpdesk import services
from helpdesk.models import Ticket, TicketStatus
from notifications.models import OutboundEmail
from tests.assessments.factories import submit_for_review
from tests.helpdesk.factories import ticket_for, trail

pytestmark = pytest.mark.django_db

CONTACT = reverse("helpdesk:contact")


def _form(response) -> str:
    """The contact form alone (the footer repeats the page's own address)."""
    html = response.content.decode()
    return html[html.index('<form method="post" action="/help/contact/"') :].split("</form>")[0]


def _post(client, **fields):
    data = {"subject": "My review is late", "message": "It has been three weeks.", **fields}
    return client.post(CONTACT, data, REMOTE_ADDR=fields.pop("ip", "203.0.113.9"))


def test_signed_in_learner_sends_a_request_about_their_own_application(
    learner_client, learner, credential
):
    submission = submit_for_review(learner=learner, credential=credential)
    response = _post(
        learner_client, submission=submission.reference, page=submission.get_absolute_url()
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == ticket.get_absolute_url()
    assert ticket.requester == learner
    assert ticket.email == learner.email
    assert ticket.submission == submission
    assert ticket.page_url == submission.get_absolute_url()
    assert ticket.status == TicketStatus.OPEN
    [created] = trail(ticket)
    assert (created.verb, created.actor) == ("ticket.created", learner)
    page = learner_client.get(response["Location"]).content.decode()
    assert f"We received your request {ticket.reference}" in page
    assert submission.reference in page


def test_the_helpdesk_inbox_hears_of_each_new_request(
    learner_client, learner, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _post(learner_client, subject="O'Brien & Co <coupon>")
    ticket = Ticket.objects.get()
    message = mail.outbox[-1]
    assert message.to == [settings.HELPDESK_EMAIL]
    assert "O'Brien & Co <coupon>" in message.subject
    assert "O'Brien & Co <coupon>" in message.body
    assert f"/admin/helpdesk/ticket/{ticket.pk}/change/" in message.body
    html = message.alternatives[0][0]
    assert "O&#x27;Brien &amp; Co &lt;coupon&gt;" in html


def test_someone_elses_submission_id_is_refused_beside_the_field_and_nothing_is_lost(
    learner_client, other_learner, credential
):
    theirs = submit_for_review(learner=other_learner, credential=credential)
    response = _post(learner_client, submission=theirs.reference, message="Keep every word.")
    html = response.content.decode()
    assert response.status_code == 200
    assert not Ticket.objects.exists()
    assert 'id="id_submission_error"' in html
    assert "Choose one of your own applications." in html
    assert "Keep every word." in html
    assert theirs.reference not in html


def test_the_service_refuses_another_learners_submission_too(learner, other_learner, credential):
    theirs = submit_for_review(learner=other_learner, credential=credential)
    with pytest.raises(services.NotYourSubmission):
        ticket_for(learner, submission=theirs)
    with pytest.raises(services.NotYourSubmission):
        services.ticket_create(
            requester=None, email="x@example.org", subject="s", message="m", submission=theirs
        )


def test_anonymous_visitor_must_give_an_email_address_shown_beside_the_field(client):
    response = _post(client, email="not-an-address", message="Please help.")
    html = response.content.decode()
    assert not Ticket.objects.exists()
    assert 'id="id_email_error"' in html
    assert "Enter a valid email address." in html
    assert "Please help." in html
    assert 'aria-invalid="true"' in html


def test_anonymous_visitor_sends_a_request_answered_by_email(client):
    response = _post(client, email="Visitor@Example.org", name="Vi Visitor")
    ticket = Ticket.objects.get()
    assert ticket.requester is None
    assert ticket.email == "visitor@example.org"
    assert ticket.submission is None
    assert response["Location"] == reverse("helpdesk:center")
    assert "We received your request" in client.get(response["Location"]).content.decode()


def test_anonymous_visitor_cannot_attach_an_application(client, learner, credential):
    submission = submit_for_review(learner=learner, credential=credential)
    html = _form(client.get(CONTACT, {"submission": submission.reference}))
    assert 'name="submission"' not in html
    # Logging in from here comes back to the same form, with the application filled in.
    assert "next=/help/contact/%3Fsubmission%3D" in html
    _post(client, email="v@example.org", submission=submission.reference)
    assert Ticket.objects.get().submission is None


def test_every_field_has_a_label_and_required_ones_say_so(learner):
    anonymous = _form(Client().get(CONTACT))
    for field, label in [
        ("name", "Your name"),
        ("email", "Your email address"),
        ("subject", "Subject"),
        ("message", "Your question"),
    ]:
        assert f'<label for="id_{field}">{label}' in anonymous
    assert '<label for="id_email">Your email address <span class="required">(required)' in (
        anonymous
    )
    client = Client()
    client.force_login(learner)
    signed_in = _form(client.get(CONTACT))
    assert '<label for="id_submission">Application this is about</label>' in signed_in
    assert 'id="id_email"' not in signed_in


def test_a_message_over_the_limit_is_refused_with_its_length_and_kept(learner_client):
    text = "word " * 1100
    response = _post(learner_client, message=text)
    html = response.content.decode()
    assert not Ticket.objects.exists()
    assert 'id="id_message_error"' in html
    assert "under 5000 characters (it has 5499)" in html
    assert text.strip()[:200] in html
    assert 'maxlength="5000"' not in html


def test_overdue_link_fills_in_the_learners_own_submission_and_subject(
    learner_client, learner, other_learner, credential
):
    mine = submit_for_review(learner=learner, credential=credential)
    theirs = submit_for_review(learner=other_learner, credential=credential)
    html = learner_client.get(
        CONTACT,
        {
            "submission": mine.reference.lower(),
            "reason": "overdue",
            "from": mine.get_absolute_url(),
        },
    ).content.decode()
    assert f'<option value="{mine.reference}" selected>' in html
    assert 'value="My review is taking longer than expected"' in html
    assert f'value="{mine.get_absolute_url()}"' in html
    html = _form(learner_client.get(CONTACT, {"submission": theirs.reference}))
    assert theirs.reference not in html


@pytest.mark.parametrize(
    "page", ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)", "/ok\x01"]
)
def test_the_page_it_came_from_must_be_on_this_site(learner_client, page):
    html = _form(learner_client.get(CONTACT, {"from": page}))
    assert "evil.example" not in html and "javascript:" not in html
    _post(learner_client, page=page)
    assert Ticket.objects.get().page_url == ""


def test_the_referring_page_is_attached_when_no_from_is_given(learner_client):
    html = learner_client.get(
        CONTACT, HTTP_REFERER="http://testserver/payments/abc/?x=1"
    ).content.decode()
    assert 'value="/payments/abc/?x=1"' in html


@pytest.mark.parametrize(
    "params",
    [
        {"submission": "\x00"},
        {"submission": "MC-" + "Z" * 500},
        {"reason": ["a", "b"]},
        {"from": "%00"},
    ],
)
def test_crafted_contact_links_never_fail(learner_client, params):
    assert learner_client.get(CONTACT, params).status_code in (200, 400)


def test_requests_are_throttled_per_account_with_a_clear_message_and_nothing_lost(
    learner_client, learner
):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(services.TICKETS_PER_PERSON):
            assert _post(learner_client).status_code == 302
        traveller.shift(datetime.timedelta(minutes=10))
        response = _post(learner_client, message="One more, please keep it.")
        html = response.content.decode()
        assert Ticket.objects.count() == services.TICKETS_PER_PERSON
        assert "Please wait about 50 minutes" in html
        assert "One more, please keep it." in html
        traveller.shift(datetime.timedelta(minutes=51))
        assert _post(learner_client).status_code == 302


def test_requests_are_throttled_per_email_address_for_anonymous_senders(client):
    for index in range(services.TICKETS_PER_PERSON):
        _post(client, email="same@example.org", ip=f"198.51.100.{index}")
    response = _post(client, email="SAME@example.org", ip="198.51.100.200")
    assert "Please wait" in response.content.decode()
    assert Ticket.objects.count() == services.TICKETS_PER_PERSON


def test_requests_are_throttled_per_network_address(client):
    for index in range(services.TICKETS_PER_CLIENT):
        _post(client, email=f"sender{index}@example.org", ip="192.0.2.7")
    response = _post(client, email="fresh@example.org", ip="192.0.2.7")
    assert "Please wait" in response.content.decode()
    assert _post(client, email="fresh@example.org", ip="192.0.2.8").status_code == 302
    # The address itself is never stored.
    assert not Ticket.objects.filter(client_key__contains="192.0.2").exists()


def test_outbox_holds_one_email_per_request(learner_client):
    _post(learner_client)
    assert OutboundEmail.objects.filter(template="helpdesk_ticket_received").count() == 1
