"""The dashboard's kept counts and rows (``dashboard.kept``): a repeat visit
reads nothing of the learner's applications, and every change the page shows
retires what was kept."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from badges.services import badge_revoke
from core.kept_page import TOKEN_PLACEHOLDER
from credentials.services import favorite_toggle
from dashboard import kept
from dashboard.selectors import dashboard_tab
from submissions import services
from tests.badges.factories import decided_award
from tests.credentials.factories import CredentialFactory
from tests.dashboard.test_denied_tab import deny
from tests.submissions.factories import page_data, submitted_application

pytestmark = pytest.mark.django_db

URL = reverse("dashboard:home")


def _count(page: str, label: str) -> int:
    found = re.search(rf'{label} <span class="muted">\((\d+)\)</span>', page)
    assert found, label
    return int(found.group(1))


def test_a_repeat_visit_reads_no_application(learner_client, learner, django_assert_num_queries):
    services.submission_apply(learner=learner, credential=CredentialFactory(title="Kept row"))
    learner_client.get(URL)
    with django_assert_num_queries(2) as captured:  # the session and the user
        page = learner_client.get(URL).content.decode()
    assert "Kept row" in page
    assert not any("submissions_submission" in q["sql"] for q in captured.captured_queries)


def test_a_new_application_and_a_submission_move_rows_and_counts(learner_client, learner):
    first, _ = services.submission_apply(learner=learner, credential=CredentialFactory(title="One"))
    page = learner_client.get(URL).content.decode()
    assert _count(page, "Drafts") == 1 and "Two" not in page
    services.submission_apply(learner=learner, credential=CredentialFactory(title="Two"))
    page = learner_client.get(URL).content.decode()
    assert _count(page, "Drafts") == 2 and "Two" in page
    submitted_application(learner, CredentialFactory(title="Three"))
    page = learner_client.get(URL + "?tab=submitted").content.decode()
    assert _count(page, "Submitted") == 1 and "Three" in page


def test_a_draft_save_shows_its_new_time(learner_client, learner):
    draft, _ = services.submission_apply(learner=learner, credential=CredentialFactory())
    before = timezone.now()
    with time_machine.travel(before, tick=False):
        learner_client.get(URL)
    later = before + datetime.timedelta(hours=3)
    with time_machine.travel(later, tick=False):
        response = learner_client.post(
            reverse("submissions:autosave", kwargs={"uuid": draft.uuid}),
            page_data(draft, "Words typed three hours later."),
        )
        assert response.status_code == 200
        page = learner_client.get(URL).content.decode()
    shown = timezone.localtime(later).strftime("%-I:%M")
    assert shown in page


def test_the_date_a_decision_is_due_and_the_late_notice(learner_client, learner):
    submission = submitted_application(learner, CredentialFactory())
    due = timezone.localdate() + datetime.timedelta(days=1)
    learner_client.get(URL + "?tab=submitted")
    services.submission_set_decision_due(submission=submission, due_on=due)
    page = learner_client.get(URL + "?tab=submitted").content.decode()
    assert f"Decision expected by {due:%B} {due.day}, {due.year}" in page
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        late = learner_client.get(URL + "?tab=submitted").content.decode()
    assert "Your review is taking longer than expected." in late


def test_favorites_count_follows_a_toggle(learner_client, learner):
    credential = CredentialFactory(title="Liked")
    assert _count(learner_client.get(URL).content.decode(), "Favorites") == 0
    favorite_toggle(user=learner, credential=credential)
    assert _count(learner_client.get(URL).content.decode(), "Favorites") == 1
    favorite_toggle(user=learner, credential=credential)
    assert _count(learner_client.get(URL).content.decode(), "Favorites") == 0


def test_a_renamed_credential_shows_its_new_title(learner_client, learner):
    credential = CredentialFactory(title="Old title")
    services.submission_apply(learner=learner, credential=credential)
    assert "Old title" in learner_client.get(URL).content.decode()
    credential.title = "New title"
    credential.save()
    page = learner_client.get(URL).content.decode()
    assert "New title" in page and "Old title" not in page


def test_a_revoked_badge_shows_revoked(learner_client, learner):
    award = decided_award(learner=learner, credential=CredentialFactory(title="Held"))
    assert "(revoked)" not in learner_client.get(URL + "?tab=awarded").content.decode()
    badge_revoke(badge_id=award.badge.pk, reason="Plagiarism", actor=None)
    assert "(revoked)" in learner_client.get(URL + "?tab=awarded").content.decode()


def test_an_awarded_page_is_kept_no_longer_than_its_first_badge_is_valid(learner):
    award = decided_award(learner=learner, credential=CredentialFactory())
    badge = award.badge
    badge.valid_until = timezone.now() + datetime.timedelta(hours=2)
    badge.save(update_fields=["valid_until"])
    rows = list(dashboard_tab(learner=learner, tab="awarded"))
    assert 7000 < kept.seconds_to_keep(rows, tab="awarded") <= 7201
    assert kept.seconds_to_keep(rows, tab="drafts") == 24 * 3600


def test_each_learner_sees_only_her_own_rows(learner_client, learner, other_learner):
    services.submission_apply(learner=learner, credential=CredentialFactory(title="Mine"))
    services.submission_apply(learner=other_learner, credential=CredentialFactory(title="Hers"))
    assert "Mine" in learner_client.get(URL).content.decode()
    other = Client()
    other.force_login(other_learner)
    page = other.get(URL).content.decode()
    assert "Hers" in page and "Mine" not in page


def test_the_resubmit_form_carries_each_browser_its_own_token(learner, settings):
    deny(submitted_application(learner, CredentialFactory(title="Denied")))
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(learner)
    second.force_login(learner)
    first.get(URL + "?tab=denied")  # kept now, with the placeholder
    page = second.get(URL + "?tab=denied").content.decode()
    assert TOKEN_PLACEHOLDER not in page
    form = re.search(
        r'<form method="post" action="([^"]+/resubmit/)"[^>]*>\s*'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"',
        page,
    )
    assert form, "the resubmit form"
    response = second.post(form.group(1), {"csrfmiddlewaretoken": form.group(2)})
    assert response.status_code == 302
