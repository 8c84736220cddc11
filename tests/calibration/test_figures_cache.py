"""The statistics pages (agreement and quality, turnaround, issuer analytics)
are served from kept figures, and what changes them shows at once: a new
decision, a new application, a renamed assessor. Saves that do not change
them (a login, a reminder stamp) keep them."""

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Outcome, Review
from calibration import figures
from credentials.models import MemberRole
from credentials.services import member_add
from submissions import services as submission_services
from tests.accounts.factories import UserFactory
from tests.assessments.factories import all_met, make_assessor, submit_for_review
from tests.credentials.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessor(credential):
    return make_assessor(credential=credential, name="Ada Assessor")


@pytest.fixture
def review(learner, credential, assessor):
    return submit_for_review(learner=learner, credential=credential).review


def _decide(review, assessor, outcome=Outcome.AWARDED):
    assessment_services.review_decide(
        review_id=review.pk, actor=assessor, outcome=outcome, scores=all_met(review)
    )


def _staff(codename):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename=codename))
    client = Client()
    client.force_login(user)
    return client


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_decision_shows_on_the_agreement_dashboard_at_once(review, assessor):
    client = _staff("view_quality_dashboard")
    url = reverse("calibration:quality")
    assert "No decisions yet." in _page(client, url)
    assert "No decisions yet." in _page(client, url)  # kept

    _decide(review, assessor)

    page = _page(client, url)
    assert "Ada Assessor" in page
    assert "100.0% (1/1)" in page


def test_a_renamed_assessor_shows_under_the_new_name(review, assessor):
    _decide(review, assessor)
    client = _staff("view_quality_dashboard")
    url = reverse("calibration:quality")
    assert "Ada Assessor" in _page(client, url)

    assessor.name = "Ada Lovelace"
    assessor.save(update_fields=["name"])

    page = _page(client, url)
    assert "Ada Lovelace" in page and "Ada Assessor" not in page


def test_each_assessor_keeps_their_own_figures(review, assessor, credential):
    other = make_assessor(credential=credential, name="Olga Other")
    _decide(review, assessor)
    mine, theirs = Client(), Client()
    mine.force_login(assessor)
    theirs.force_login(other)
    url = reverse("calibration:quality")

    assert "Ada Assessor" in _page(mine, url)
    page = _page(theirs, url)

    assert "Olga Other" in page and "Ada Assessor" not in page


def test_a_filter_that_is_not_a_credential_is_answered_with_its_error(review, assessor):
    _decide(review, assessor)
    client = _staff("view_quality_dashboard")
    url = reverse("calibration:quality")
    _page(client, url)

    for crafted in ("abc", "99999999", "1" * 40, "²"):
        page = _page(client, f"{url}?credential={crafted}")
        assert "Select a valid choice" in page
        assert "Ada Assessor" in page  # every credential's figures, as before


def test_a_new_decision_shows_on_the_turnaround_page_at_once(client, review, assessor, credential):
    url = reverse("calibration:turnaround", kwargs={"slug": credential.organization.slug})
    assert "No decisions in the last 90 days yet." in _page(client, url)
    assert "No decisions in the last 90 days yet." in _page(client, url)  # kept

    _decide(review, assessor)

    page = _page(client, url)
    assert "1 decision in the last 90 days." in page
    assert credential.title in page


def test_the_turnaround_page_of_an_unknown_organization_is_not_found(client, credential):
    url = reverse("calibration:turnaround", kwargs={"slug": credential.organization.slug})
    _page(client, url)
    assert (
        client.get(reverse("calibration:turnaround", kwargs={"slug": "nowhere"})).status_code == 404
    )


def test_a_new_application_and_a_decision_show_in_the_analytics_at_once(
    review, assessor, credential, other_learner
):
    client = _staff("view_issuer_analytics")
    url = reverse("analytics:report", args=[credential.organization.slug])
    for _ in range(2):  # the second is kept
        page = _page(client, url)
        assert "<td>1</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td>" in page

    submission_services.submission_apply(learner=other_learner, credential=credential)
    applied = _page(client, url)
    assert "<td>2</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td>" in applied

    _decide(review, assessor)
    decided = _page(client, url)
    assert "<td>2</td><td>1</td><td>0</td><td>1</td><td>1</td><td>0</td>" in decided


def test_kept_analytics_are_never_shown_to_someone_who_may_not_see_them(review, credential):
    url = reverse("analytics:report", args=[credential.organization.slug])
    _page(_staff("view_issuer_analytics"), url)
    outsider = UserFactory()
    member_add(
        organization=OrganizationFactory(slug="elsewhere"),
        user=outsider,
        role=MemberRole.ADMIN,
        actor=None,
    )
    client = Client()
    client.force_login(outsider)

    assert client.get(url).status_code == 404
    assert client.get(url.replace(credential.organization.slug, "nowhere")).status_code == 404


def test_bookkeeping_saves_keep_the_figures(review, assessor):
    before = figures.versions(figures.DECISIONS, figures.APPLICATIONS)

    assessor.last_login = timezone.now()
    assessor.save(update_fields=["last_login"])
    Review.objects.get(pk=review.pk).save(update_fields=["reminder_sent_at"])

    assert figures.versions(figures.DECISIONS, figures.APPLICATIONS) == before


@pytest.mark.parametrize("size", [1, 4])
def test_kept_pages_cost_few_queries_whatever_the_history(
    credential, assessor, size, django_assert_max_num_queries
):
    for _ in range(size):
        _decide(submit_for_review(learner=UserFactory(), credential=credential).review, assessor)
    quality = _staff("view_quality_dashboard")
    analytics = _staff("view_issuer_analytics")
    anonymous = Client()
    pages = [
        (quality, reverse("calibration:quality"), 4),
        (analytics, reverse("analytics:report", args=[credential.organization.slug]), 4),
        (anonymous, reverse("calibration:turnaround", args=[credential.organization.slug]), 0),
    ]
    for client, url, _ceiling in pages:
        client.get(url)
    for client, url, ceiling in pages:
        with django_assert_max_num_queries(ceiling):
            assert client.get(url).status_code == 200


def test_a_new_decision_shows_in_the_analytics_spreadsheet_at_once(review, assessor, credential):
    client = _staff("view_issuer_analytics")
    url = reverse("analytics:csv", args=[credential.organization.slug])

    def row():
        lines = client.get(url).content.decode().splitlines()
        return next(line for line in lines if line.startswith(credential.title))

    assert row().split(",")[2:8] == ["1", "1", "0", "0", "0", "0"]
    assert row().split(",")[2:8] == ["1", "1", "0", "0", "0", "0"]  # kept

    _decide(review, assessor)

    assert row().split(",")[2:8] == ["1", "1", "0", "1", "1", "0"]


def test_while_one_request_computes_new_figures_the_others_show_the_previous_ones(
    review, assessor, django_assert_max_num_queries
):
    client = _staff("view_quality_dashboard")
    url = reverse("calibration:quality")
    assert "No decisions yet." in _page(client, url)
    _decide(review, assessor)
    # Another request claimed the computation of the figures after the decision.
    current = figures.key_for("quality:all:0:")
    assert cache.add(f"{current}:computing", True, 60)
    with django_assert_max_num_queries(4):  # the session, the user, nothing of the history
        page = _page(client, url)
    assert "No decisions yet." in page
    # Once that request is done (or its claim lapsed), the new decision shows.
    cache.delete(f"{current}:computing")
    assert "Ada Assessor" in _page(client, url)


def test_with_no_previous_figures_every_request_computes_them(review, assessor):
    _decide(review, assessor)
    client = _staff("view_quality_dashboard")
    url = reverse("calibration:quality")
    assert cache.add(f"{figures.key_for('quality:all:0:')}:computing", True, 60)
    assert "Ada Assessor" in _page(client, url)
