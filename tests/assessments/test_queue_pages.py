"""The assessor queue's pages kept under versioned keys (``assessments.queue_pages``):
read back without a query for the reviews, and read afresh as soon as anything
a row shows (or which reviews a queue lists) changes."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assessments import queue_pages, services
from assessments.models import Review, ReviewState, Scoring, ScoringKind, ScoringState
from core import fragment_cache
from submissions.models import Status
from tests.accounts.factories import UserFactory
from tests.assessments.conftest import DUE_ON
from tests.assessments.factories import make_assessor, review_rows

pytestmark = pytest.mark.django_db

QUEUE = reverse("assessments:queue")


@pytest.fixture
def rows(frozen, credential, assessor):
    """Three open reviews of the assessor's, written as plain rows (no signals)."""
    return review_rows(credential=credential, count=3, assessor=assessor, due_on=DUE_ON)


def page(client, params=None):
    return client.get(QUEUE, params or {}).content.decode()


def test_a_kept_page_is_read_back_without_reading_the_reviews(rows, assessor_client):
    first = page(assessor_client)
    with CaptureQueriesContext(connection) as queries:
        again = page(assessor_client)
    # The same rows (the CSRF token aside, which changes on every page).
    assert again.split("<tbody>")[1] == first.split("<tbody>")[1]
    assert "3 reviews" in again
    # The signed-in user and her session only: no scorings, count or rows.
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert "assessments_" not in read
    assert len(queries.captured_queries) <= 2


def test_each_assessor_sees_only_her_own_kept_page(rows, frozen, credential, assessor_client):
    other = make_assessor(credential=credential)
    theirs = review_rows(credential=credential, count=1, assessor=other, due_on=DUE_ON)[0]
    other_client = Client()
    other_client.force_login(other)
    mine = page(assessor_client)
    assert theirs.submission.reference not in mine
    other_page = page(other_client)
    assert "1 review" in other_page
    assert rows[0].submission.reference not in other_page
    assert theirs.submission.reference in other_page


def test_filters_and_pages_are_kept_apart(rows, assessor_client):
    assert "3 reviews" in page(assessor_client)
    assert "No reviews match." in page(assessor_client, {"status": "awarded"})
    assert "3 reviews" in page(assessor_client, {"page": "1"})
    # A page number Django's paginator reads its own way is read afresh, never kept.
    assert (
        queue_pages.page_key(user=rows[0].assessor, oversees=False, filters=_filters(), page=" 2")
        is None
    )


def _filters():
    return {"credential_id": None, "status": "open", "sort": "due", "assessor": ""}


def test_a_review_assigned_to_her_shows(rows, frozen, credential, assessor, assessor_client):
    page(assessor_client)
    waiting = review_rows(credential=credential, count=1, due_on=DUE_ON)[0]
    waiting.assessor = assessor
    waiting.save(update_fields=["assessor", "assigned_at"])
    fresh = page(assessor_client)
    assert "4 reviews" in fresh
    assert waiting.submission.reference in fresh


def test_a_review_given_to_someone_else_leaves_her_queue(
    rows, credential, assessor, assessor_client
):
    page(assessor_client)
    review = rows[0]
    review.assessor = make_assessor(credential=credential)
    review.save(update_fields=["assessor"])
    fresh = page(assessor_client)
    assert "2 reviews" in fresh
    assert review.submission.reference not in fresh


def test_a_review_returned_as_incomplete_leaves_the_open_queue(rows, assessor_client):
    page(assessor_client)
    review = rows[0]
    review.state = ReviewState.RETURNED
    review.save(update_fields=["state"])
    assert "2 reviews" in page(assessor_client)
    assert "1 review" in page(assessor_client, {"status": "returned"})


def test_a_deleted_review_leaves_the_queue(rows, assessor_client):
    page(assessor_client)
    rows[0].delete()
    assert "2 reviews" in page(assessor_client)


def test_a_moved_due_date_shows(rows, assessor_client):
    assert "Dec 11, 2026" in page(assessor_client)
    review = rows[0]
    review.due_on = datetime.date(2026, 12, 18)
    review.save(update_fields=["due_on"])
    assert "Dec 18, 2026" in page(assessor_client)


def test_a_submission_status_and_reference_show(rows, assessor_client):
    page(assessor_client)
    submission = rows[0].submission
    submission.status = Status.INCOMPLETE
    submission.reference = "MC-RENAMED1"
    submission.save(update_fields=["status", "reference"])
    fresh = page(assessor_client)
    assert "MC-RENAMED1" in fresh
    assert "status-incomplete" in fresh


def test_a_credential_title_edit_shows(rows, credential, assessor_client):
    page(assessor_client)
    credential.title = "Renamed credential title"
    credential.save(update_fields=["title"])
    assert "Renamed credential title" in page(assessor_client)


def test_an_organization_holiday_change_counts_the_days_left_again(
    rows, credential, assessor_client
):
    before = page(assessor_client)
    organization = credential.organization
    organization.holiday_country = ""
    organization.save(update_fields=["holiday_country"])
    after = page(assessor_client)
    # Without the US calendar, Thanksgiving is a business day again.
    assert before != after


def test_an_assessor_name_change_shows_on_the_staff_page(rows, assessor, staff_client):
    assert "Ada Assessor" in page(staff_client)
    assessor.name = "Ada Renamed"
    assessor.save(update_fields=["name"])
    assert "Ada Renamed" in page(staff_client)


def test_a_scoring_given_to_her_shows_and_leaves_with_it(
    frozen, credential, assessor, assessor_client
):
    other = make_assessor(credential=credential)
    review = review_rows(credential=credential, count=1, assessor=other, due_on=DUE_ON)[0]
    assert "No reviews match." in page(assessor_client)
    scoring = Scoring.objects.create(
        review=review,
        kind=ScoringKind.SECOND,
        assessor=assessor,
        state=ScoringState.OPEN,
        due_on=DUE_ON,
        remind_on=DUE_ON,
    )
    fresh = page(assessor_client)
    assert review.submission.reference in fresh
    assert "Your scoring" in fresh
    scoring.assessor = make_assessor(credential=credential)
    scoring.save(update_fields=["assessor"])
    assert "No reviews match." in page(assessor_client)


def test_the_days_left_are_counted_again_the_next_day(rows, frozen, assessor_client):
    assert "14 business days left" in page(assessor_client)
    frozen.move_to(datetime.datetime(2026, 11, 23, 15, 0, tzinfo=datetime.UTC))
    assert "13 business days left" in page(assessor_client)


def test_each_language_has_its_own_page(rows, assessor):
    user = assessor
    with translation.override("en"):
        english = queue_pages.page_key(user=user, oversees=False, filters=_filters(), page="1")
    with translation.override("es"):
        spanish = queue_pages.page_key(user=user, oversees=False, filters=_filters(), page="1")
    assert english != spanish


def test_saved_progress_and_logins_bump_nothing(rows, credential, assessor):
    (before,) = fragment_cache.versions(queue_pages.QUEUE)
    review = Review.objects.get(pk=rows[0].pk)
    services.review_save_progress(
        review_id=review.pk, actor=assessor, scores={}, comment="Half way."
    )
    assessor.save(update_fields=["last_login"])
    assert fragment_cache.versions(queue_pages.QUEUE) == (before,)


@pytest.mark.parametrize(
    "change",
    [
        lambda rows: rows[0].save(),
        lambda rows: rows[0].submission.save(),
        lambda rows: rows[0].submission.credential.save(),
        lambda rows: rows[0].submission.credential.organization.save(),
        lambda rows: UserFactory(),
    ],
)
def test_a_full_save_of_what_a_row_shows_bumps_the_version(rows, change):
    (before,) = fragment_cache.versions(queue_pages.QUEUE)
    change(rows)
    assert fragment_cache.versions(queue_pages.QUEUE) != (before,)


def test_a_scoring_state_change_bumps_the_version(rows, assessor):
    scoring = Scoring.objects.create(
        review=rows[0],
        kind=ScoringKind.SAMPLE,
        assessor=assessor,
        state=ScoringState.OPEN,
        due_on=DUE_ON,
        remind_on=DUE_ON,
    )
    (before,) = fragment_cache.versions(queue_pages.QUEUE)
    scoring.save(update_fields=["state"])
    assert fragment_cache.versions(queue_pages.QUEUE) != (before,)
    (before,) = fragment_cache.versions(queue_pages.QUEUE)
    scoring.save(update_fields=["reminder_sent_at"])
    assert fragment_cache.versions(queue_pages.QUEUE) == (before,)
