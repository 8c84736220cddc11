"""Names and titles with ' & < > read as typed in an email's subject and text part;
only the HTML part escapes them."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings

from accounts.emails import render_templated_email
from notifications.models import OutboundEmail
from tests.accounts.factories import UserFactory
from tests.assessments.factories import submit_for_review
from tests.credentials.factories import CredentialFactory

NAME = "Siobhán O'Brien <Lead> & Co"
TITLE = 'Tom & Jerry\'s "<Formative>" Assessment'

pytestmark = pytest.mark.django_db


def test_application_received_email_shows_names_as_typed(db):
    learner = UserFactory(email="obrien@example.org", name=NAME)
    credential = CredentialFactory(title=TITLE, with_content=True)

    submission = submit_for_review(learner=learner, credential=credential)

    email = OutboundEmail.objects.get(key=f"submission-received:{submission.pk}")
    assert TITLE in email.subject
    assert f"Hello {NAME}," in email.body_text
    assert f'"{TITLE}"' in email.body_text
    for entity in ("&#x27;", "&amp;", "&lt;", "&gt;", "&quot;"):
        assert entity not in email.subject
        assert entity not in email.body_text
    # The HTML part still escapes what a learner typed.
    assert "O&#x27;Brien &lt;Lead&gt; &amp; Co" in email.body_html
    assert "<Lead>" not in email.body_html


def test_every_email_template_renders_its_text_parts_unescaped(settings, tmp_path: Path):
    # A new template that forgets {% autoescape off %} still sends plain text.
    emails = tmp_path / "emails"
    emails.mkdir()
    (emails / "probe_subject.txt").write_text("Hello {{ name }}\n")
    (emails / "probe.txt").write_text("Dear {{ name }}, about {{ title }}.\n")
    (emails / "probe.html").write_text("<p>Dear {{ name }}</p>\n")
    engine = django_settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]

    rendered = render_templated_email(template="probe", context={"name": NAME, "title": TITLE})

    assert rendered.subject == f"Hello {NAME}"
    assert rendered.text == f"Dear {NAME}, about {TITLE}.\n"
    assert rendered.html == "<p>Dear Siobhán O&#x27;Brien &lt;Lead&gt; &amp; Co</p>\n"
