"""The review page kept for the assessor scoring it (``assessments.review_page``):
a repeat visit runs only the query that finds the review (and decides who may
see it) and shows the same page; her saved progress, a pre-check, a return or
a decision show on the next visit; nobody else ever gets the kept page."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.urls import reverse

from assessments import review_page, selectors, services
from assessments.models import Outcome
from checks.models import PrecheckTrigger
from checks.services import precheck as precheck_services
from tests.accounts.factories import UserFactory
from tests.assessments.factories import all_met, make_assessor, submit_for_review
from tests.core.kept_pages import TOKEN, form_token, second_browser_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission(frozen, learner, credential, assessor):
    submission = submit_for_review(learner=learner, credential=credential)
    assert submission.review.assessor_id == assessor.pk
    return submission


def _url(submission) -> str:
    return reverse("assessments:review", kwargs={"uuid": submission.uuid})


def _page(client, submission) -> str:
    response = client.get(_url(submission))
    assert response.status_code == 200
    return response.content.decode()


def test_a_repeat_visit_reads_only_the_review_and_shows_the_same_page(
    assessor, assessor_client, submission, django_assert_max_num_queries
):
    first = _page(assessor_client, submission)
    # The session, the user and the review (on SQLite its scores, and the
    # session without Redis, by a query each).
    queries = 3 if connection.vendor == "postgresql" else 5
    with django_assert_max_num_queries(queries) as captured:
        again = _page(assessor_client, submission)
    read = " ".join(q["sql"] for q in captured.captured_queries)
    assert "submissions_response" not in read and "checks_precheck" not in read
    assert TOKEN.sub("", again) == TOKEN.sub("", first)
    assert 'id="score-form"' in again
    review = selectors.review_page_get(submission_uuid=submission.uuid, user=assessor).review
    scores = selectors.review_scores(review).values()
    kept = review_page.lookup(review, reader_id=assessor.pk, scores=scores).value
    assert kept is not None and 'id="score-form"' in kept["content"]


def test_saved_progress_shows_on_the_next_visit(assessor_client, submission):
    page = _page(assessor_client, submission)
    criterion = submission.rubric_snapshot[0]["id"]
    token = form_token(page)
    response = assessor_client.post(
        _url(submission),
        {
            "csrfmiddlewaretoken": token,
            "action": "save",
            f"met_{criterion}": "not_met",
            f"feedback_{criterion}": "Name the grade you teach.",
            "comment": "Halfway through.",
        },
    )
    assert response.status_code == 302
    page = _page(assessor_client, submission)
    assert "Name the grade you teach." in page and "Halfway through." in page
    assert "Last saved" in page and "Progress saved." in page
    assert "Progress saved." not in _page(assessor_client, submission)


def test_each_browser_gets_its_own_token(assessor, submission):
    second, page = second_browser_page(assessor, _url(submission))
    response = second.post(
        _url(submission),
        {"csrfmiddlewaretoken": form_token(page), "action": "save", "comment": "Mine."},
    )
    assert response.status_code == 302


def test_nobody_else_gets_the_kept_page(assessor_client, submission, credential, learner):
    _page(assessor_client, submission)
    other = Client()
    other.force_login(make_assessor(credential=credential, email="other@example.org"))
    assert other.get(_url(submission)).status_code == 404
    staff = Client()
    staff.force_login(UserFactory(is_staff=True))
    assert staff.get(_url(submission)).status_code == 404
    owner = Client()
    owner.force_login(learner)
    assert owner.get(_url(submission)).status_code == 404


def test_staff_who_oversee_reviews_see_it_without_the_form(assessor_client, submission):
    _page(assessor_client, submission)
    overseer = UserFactory(is_staff=True)
    group = Group.objects.create(name="Review leads")
    group.permissions.add(Permission.objects.get(codename="view_submission"))
    overseer.groups.add(group)
    staff = Client()
    staff.force_login(overseer)
    page = _page(staff, submission)
    assert 'id="score-form"' not in page and "Ada Assessor" in page


def test_a_pre_check_shows_on_the_next_visit(assessor, assessor_client, submission):
    _page(assessor_client, submission)
    precheck_services.precheck_store(
        submission=submission, trigger=PrecheckTrigger.RECHECK, actor=assessor, findings=[]
    )
    page = _page(assessor_client, submission)
    assert "Files and links checked" in page


def test_a_decision_shows_on_the_next_visit(assessor, assessor_client, submission):
    _page(assessor_client, submission)
    review = submission.review
    services.review_decide(
        review_id=review.pk,
        actor=assessor,
        outcome=Outcome.AWARDED,
        scores=all_met(review),
        comment="Well evidenced.",
    )
    page = _page(assessor_client, submission)
    assert 'id="score-form"' not in page and "Decisions are final." in page


def test_a_page_naming_the_learner_shows_her_name_as_it_is_now(
    assessor_client, submission, learner, credential
):
    organization = credential.organization
    organization.blind_review = False
    organization.save()
    assert learner.get_full_name() in _page(assessor_client, submission)
    learner.name = "Renamed Learner"
    learner.save()
    assert "Renamed Learner" in _page(assessor_client, submission)
