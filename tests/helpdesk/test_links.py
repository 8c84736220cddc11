"""Help is linked where questions arise: footer, payment page, evidence section, late reviews."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from submissions import services as submission_services
from tests.assessments.factories import make_assessor, submit_for_review
from tests.payments.factories import awaiting_payment

pytestmark = pytest.mark.django_db

# Friday 2026-11-20: 14 business days later, skipping Thanksgiving, is 2026-12-11.
SUBMITTED_AT = datetime.datetime(2026, 11, 20, 15, 0, tzinfo=datetime.UTC)
AFTER_DUE = datetime.datetime(2026, 12, 14, 15, 0, tzinfo=datetime.UTC)


def test_every_page_footer_links_the_help_center_and_the_contact_form(client):
    html = client.get(reverse("credentials:catalog")).content.decode()
    footer = html.split('<footer class="site-footer">')[1]
    assert 'href="/help/"' in footer
    assert 'href="/help/contact/?from=/credentials/"' in footer


def test_an_overdue_application_offers_the_contact_form_with_its_submission_id(
    learner_client, learner, credential
):
    make_assessor(credential=credential)
    with time_machine.travel(SUBMITTED_AT, tick=False) as traveller:
        submission = submit_for_review(learner=learner, credential=credential)
        contact = (
            f"/help/contact/?submission={submission.reference}&amp;reason=overdue"
            f"&amp;from={submission.get_absolute_url()}"
        )
        assert contact not in learner_client.get(submission.get_absolute_url()).content.decode()
        traveller.move_to(AFTER_DUE)
        learner_client.force_login(learner)  # the earlier session has expired by now
        page = learner_client.get(submission.get_absolute_url()).content.decode()
        assert "taking longer than expected" in page
        assert f'href="{contact}"' in page
        dashboard = learner_client.get(reverse("dashboard:home"), {"tab": "submitted"})
        assert f'href="{contact}"' in dashboard.content.decode()
        # Following the link: the form opens with the application chosen.
        form = learner_client.get(contact.replace("&amp;", "&")).content.decode()
        assert f'<option value="{submission.reference}" selected>' in form
        assert "My review is taking longer than expected" in form


def test_the_payment_page_links_the_payment_answers(learner_client, learner, initial_answers):
    submission = awaiting_payment(learner)
    html = learner_client.get(reverse("payments:checkout", args=[submission.uuid])).content.decode()
    topic = reverse("helpdesk:topic", args=["payments-and-coupons"])
    assert f'href="{topic}"' in html
    assert learner_client.get(topic).status_code == 200


def test_the_evidence_section_links_the_sharing_answer(
    learner_client, learner, credential, initial_answers
):
    draft, _ = submission_services.submission_apply(learner=learner, credential=credential)
    html = learner_client.get(draft.get_absolute_url()).content.decode()
    answer = reverse("helpdesk:answer", args=["sharing-links-anyone-with-the-link"])
    assert f'href="{answer}"' in html
    response = learner_client.get(answer)
    assert response["Location"] == "/help/evidence-and-sharing/#sharing-links-anyone-with-the-link"
    assert "Anyone with the link" in learner_client.get(response["Location"]).content.decode()
