"""The award panel and upcoming expiries, as other apps' pages include them."""

import datetime

import pytest
import time_machine
from django.template import Context, Template

from badges import services
from badges.selectors import with_badges
from submissions.models import Submission
from tests.badges.factories import award_row
from tests.credentials.factories import CredentialFactory

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")

PANEL = Template("{% load badge_tags %}{% award_panel submission %}")
ROW = Template(
    "{% load badge_tags %}"
    "{% for s in submissions %}<p>{% award_panel s compact=True %}</p>{% endfor %}"
)
EXPIRIES = Template("{% load badge_tags %}{% upcoming_expiries user %}")
NOW = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)


def test_panel_links_to_the_award_and_its_settings(award):
    html = PANEL.render(Context({"submission": award.submission}))
    assert f'href="/badges/{award.uuid}/"' in html
    assert f'href="/badges/{award.uuid}/settings/"' in html
    assert "does not expire" in html


def test_panel_shows_expiry_and_revocation(learner, organization, staff_user):
    expiring = CredentialFactory(organization=organization, validity_months=24, with_content=True)
    award = award_row(learner=learner, credential=expiring, awarded_at=NOW)
    html = PANEL.render(Context({"submission": award.submission}))
    assert "expires June 1, 2028" in html

    services.badge_revoke(badge_id=award.badge.pk, reason="Issued in error.", actor=staff_user)
    html = PANEL.render(Context({"submission": Submission.objects.get(pk=award.submission_id)}))
    assert "Revoked" in html and "Issued in error." in html


def test_panel_renders_nothing_without_an_award(learner, credential, django_assert_num_queries):
    from tests.submissions.factories import submitted_application

    submission = submitted_application(learner, credential)
    with django_assert_num_queries(0):
        assert PANEL.render(Context({"submission": submission})).strip() == ""


@pytest.mark.parametrize("rows", [1, 4])
def test_panel_runs_no_query_per_row_in_a_list(
    rows, learner, credential, django_assert_num_queries
):
    # One application per credential: each row is an award of another credential.
    award_row(learner=learner, credential=credential)
    for _ in range(rows - 1):
        award_row(learner=learner, credential=CredentialFactory(with_content=True))
    submissions = with_badges(Submission.objects.filter(learner=learner).order_by("pk"))
    with django_assert_num_queries(1):
        html = ROW.render(Context({"submissions": submissions}))
    assert html.count("View award") == rows


def test_upcoming_expiries_lists_only_awards_expiring_within_90_days(
    learner, other_learner, organization, staff_user, django_assert_num_queries
):
    def yearly():
        return CredentialFactory(organization=organization, validity_months=12, with_content=True)

    forever = CredentialFactory(organization=organization, with_content=True)
    soon = award_row(
        learner=learner, credential=yearly(), awarded_at=NOW - datetime.timedelta(days=300)
    )
    award_row(learner=learner, credential=yearly(), awarded_at=NOW)  # a year away
    award_row(learner=learner, credential=forever, awarded_at=NOW)  # never expires
    gone = award_row(
        learner=learner, credential=yearly(), awarded_at=NOW - datetime.timedelta(days=400)
    )
    revoked = award_row(
        learner=learner, credential=yearly(), awarded_at=NOW - datetime.timedelta(days=320)
    )
    services.badge_revoke(badge_id=revoked.badge.pk, reason="Issued in error.", actor=staff_user)
    award_row(
        learner=other_learner, credential=yearly(), awarded_at=NOW - datetime.timedelta(days=300)
    )

    with time_machine.travel(NOW, tick=False), django_assert_num_queries(1):
        html = EXPIRIES.render(Context({"user": learner}))
    assert html.count("<li>") == 1
    assert f"/badges/{soon.uuid}/" in html
    assert f"/badges/{gone.uuid}/" not in html
    assert "in 65 days" in html


def test_upcoming_expiries_renders_nothing_when_none_expire(learner, db):
    assert EXPIRIES.render(Context({"user": learner})).strip() == ""


def test_badge_public_url_for_emails(award):
    html = Template("{% load badge_tags %}{% badge_public_url submission %}").render(
        Context({"submission": award.submission})
    )
    assert html == f"http://127.0.0.1:8000/badges/{award.uuid}/"
