import io

import pytest
from django.core.management import call_command

from checks.models import Precheck
from submissions.models import Status, Submission

pytestmark = pytest.mark.django_db


def test_demo_learner_gets_an_incomplete_application_and_a_draft_with_a_link_warning_once(
    client, settings
):
    settings.DEMO_DATA_ALLOWED = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo_activity", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo_checks", stdout=out)
    call_command("seed_demo_checks", stdout=io.StringIO())
    assert "learner@example.org" in out.getvalue()

    learner_rows = Submission.objects.filter(learner__email="learner@example.org")
    incomplete = learner_rows.get(status=Status.INCOMPLETE)
    assert "does not open for me" in incomplete.returned_note
    assert incomplete.review.state == "returned"
    draft = learner_rows.get(status=Status.DRAFT, links__url__contains="drive.google.com")
    check = Precheck.objects.get(submission=draft)
    assert check.problems == 1

    client.force_login(draft.learner)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "In Google Drive, open Share, and under General access choose" in page
    dashboard = client.get("/dashboard/?tab=submitted").content.decode()
    assert "Fix and resubmit" in dashboard
