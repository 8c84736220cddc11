"""Emails are written in the site's language whoever's action sends them, and
every email template reads as Spanish when rendered in Spanish."""

from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from accounts.emails import render_templated_email
from assessments import services as assessment_services
from helpdesk.models import Ticket
from notifications.models import OutboundEmail
from payments.models import Payment, Provider
from tests.accounts.factories import UserFactory
from tests.assessments.factories import all_met, make_assessor, submit_for_review
from tests.badges.factories import decided_award
from tests.credentials.factories import CredentialFactory
from tests.i18n.catalog import english_left

pytestmark = pytest.mark.django_db

TEMPLATES = [
    "assessment_assigned",
    "badge_revoked",
    "decision_awarded",
    "decision_denied",
    "payment_receipt",
    "review_escalation",
    "review_reassigned_away",
    "review_reminder",
    "submission_received",
    "helpdesk_answer",
    "helpdesk_ticket_received",
]


@pytest.fixture
def every_context(db):
    """One context carrying what every email template reads, from real records."""
    learner = UserFactory(email="lucia@example.org", name="Lucía Learner")
    credential = CredentialFactory(title="Evaluación formativa", with_content=True)
    assessor = make_assessor(credential=credential, email="ana@example.org", name="Ana")
    award = decided_award(learner=learner, credential=credential, assessor=assessor)
    submission = award.submission
    review = submission.review
    payment = Payment(
        submission=submission,
        learner=learner,
        provider=Provider.TEST,
        description="Tarifa de evaluación",
        fee_cents=15000,
        discount_cents=0,
        amount_cents=15000,
        currency="usd",
        card_last4="4242",
        card_brand="visa",
        completed_at=timezone.now(),
    )
    ticket = Ticket(
        reference="HR-TEST1234",
        email=learner.email,
        name=learner.display_name,
        subject="Mi pregunta",
        message="¿Cuándo se decide?",
        created_at=timezone.now(),
    )
    return {
        "learner": learner,
        "assessor": assessor,
        "submission": submission,
        "credential": credential,
        "organization": credential.organization,
        "review": review,
        "review_path": "/assess/x/",
        "blind": False,
        "badge": award.badge,
        "reason": "Error administrativo.",
        "public_url": "https://example.org/badges/x/",
        "comment": "Muy bien.",
        "scores": [SimpleNamespace(title="Contexto", mark_label="Cumplido", feedback="")],
        "submission_path": submission.get_absolute_url(),
        "resubmission_fee_cents": 4500,
        "payment": payment,
        "count": 2,
        "reviews": [review, review],
        "more": 1,
        "overview_path": "/admin/sla/",
        "queue_path": "/assess/",
        "overdue": True,
        "overdue_days": 3,
        "ticket": ticket,
        "reply": SimpleNamespace(body="Pronto."),
        "name": learner.display_name,
        "ticket_url": "https://example.org/help/requests/x/",
        "admin_url": "https://example.org/admin/x/",
    }


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_email_reads_as_spanish(every_context, template):
    context = dict(every_context)
    if template == "review_reminder":
        context["coming_due"] = [(context["review"], "/assess/x/")]
        context["overdue_reviews"] = [(context["review"], "/assess/x/", 3)]
    if template == "review_escalation":
        context["review"].escalation_count = 2

    email = render_templated_email(template=template, context=context, language="es")

    for part in (email.subject, email.text, email.html):
        assert not english_left(part), f"{template}: {english_left(part)}"
    assert '<html lang="es">' in email.html


def test_by_default_emails_are_in_the_site_language(every_context):
    with translation.override("es"):
        email = render_templated_email(template="submission_received", context=every_context)

    assert email.subject.startswith("We received your application")
    assert '<html lang="en-us">' in email.html


def test_a_decision_taken_in_spanish_reaches_the_learner_in_the_site_language(db):
    learner = UserFactory(email="lee@example.org")
    credential = CredentialFactory(with_content=True)
    assessor = make_assessor(credential=credential)
    submission = submit_for_review(learner=learner, credential=credential)
    review = submission.review

    with translation.override("es"):  # the assessor reads the site in Spanish
        assessment_services.review_decide(
            review_id=review.pk, actor=assessor, outcome="awarded", scores=all_met(review)
        )

    email = OutboundEmail.objects.get(key=f"review-decided:{review.pk}")
    assert "Congratulations!" in email.body_text
    assert "Felicidades" not in email.body_text
