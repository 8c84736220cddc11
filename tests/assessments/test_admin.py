import datetime

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Assignment, Outcome, Review
from tests.accounts.factories import UserFactory
from tests.assessments.conftest import DUE_ON
from tests.assessments.factories import all_met, make_assessor, review_rows, submit_for_review

pytestmark = pytest.mark.django_db

SLA = reverse("admin:assessments_review_sla")


def test_sla_overview_is_for_staff_only(client, learner_client, assessor_client):
    assert client.get(SLA).status_code == 302
    assert learner_client.get(SLA).status_code == 302  # admin login page
    assert assessor_client.get(SLA).status_code == 302


def test_sla_overview_shows_days_left_overdue_and_on_time_rate(
    frozen, credential, assessor, staff_user, staff_client
):
    today = datetime.date(2026, 11, 20)
    review_rows(credential=credential, count=2, assessor=assessor, due_on=today)
    review_rows(
        credential=credential, count=3, assessor=assessor, due_on=datetime.date(2026, 11, 24)
    )
    late = review_rows(
        credential=credential, count=1, assessor=None, due_on=datetime.date(2026, 11, 13)
    )[0]
    on_time = submit_for_review(learner=UserFactory(), credential=credential).review
    services.review_decide(
        review_id=on_time.pk,
        actor=on_time.assessor,
        outcome=Outcome.AWARDED,
        scores=all_met(on_time),
    )

    response = staff_client.get(SLA)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Open reviews: <strong>6</strong>" in page
    assert "overdue: <strong>1</strong>" in page
    assert "unassigned: <strong>1</strong>" in page
    assert "<td>Due today</td><td>2</td>" in page
    assert "<td>1–3 business days</td><td>3</td>" in page
    assert "<td>Overdue</td><td>1</td>" in page
    assert late.submission.reference in page
    assert "<td>Last 30 days</td><td>1</td><td>1</td><td>100.0%</td>" in page
    assert assessor.email in page


@pytest.mark.parametrize("rows", [4, 60])
def test_sla_overview_query_count_is_flat(
    rows, frozen, credential, assessor, staff_client, django_assert_max_num_queries
):
    review_rows(
        credential=credential, count=rows, assessor=assessor, due_on=datetime.date(2026, 11, 10)
    )
    review_rows(credential=credential, count=rows, assessor=None, due_on=DUE_ON)
    with django_assert_max_num_queries(9):
        assert staff_client.get(SLA).status_code == 200


def test_staff_reassign_a_review_from_admin(
    frozen, learner, credential, assessor, staff_client, staff_user
):
    other = make_assessor(credential=credential, name="Otto Other")
    review = submit_for_review(learner=learner, credential=credential).review
    url = reverse("admin:assessments_review_reassign", args=[review.pk])

    page = staff_client.get(url).content.decode()
    assert "Otto Other" in page
    assert learner.email not in page  # the learner is never offered

    response = staff_client.post(url, {"assessor": other.pk, "reason": "Workload"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.assessor == other
    latest = Assignment.objects.filter(review=review).latest("id")
    assert (latest.assigned_by, latest.reason) == (staff_user, "Workload")

    change = staff_client.get(reverse("admin:assessments_review_change", args=[review.pk]))
    assert "Workload" in change.content.decode()


def test_admin_action_assigns_unassigned_reviews(frozen, credential, staff_client):
    waiting = review_rows(credential=credential, count=2, assessor=None, due_on=DUE_ON)
    newcomer = make_assessor(credential=credential)
    response = staff_client.post(
        reverse("admin:assessments_review_changelist"),
        {"action": "assign_least_loaded", "_selected_action": [r.pk for r in waiting]},
        follow=True,
    )
    assert "Reassigned 2 review(s)." in response.content.decode()
    assert Review.objects.filter(assessor=newcomer).count() == 2


def test_review_changelist_filters_overdue(frozen, credential, assessor, staff_client):
    late = review_rows(
        credential=credential, count=1, assessor=assessor, due_on=datetime.date(2026, 11, 2)
    )[0]
    fine = review_rows(credential=credential, count=1, assessor=assessor, due_on=DUE_ON)[0]
    page = staff_client.get(
        reverse("admin:assessments_review_changelist"), {"sla": "overdue"}
    ).content.decode()
    assert late.submission.reference in page
    assert fine.submission.reference not in page


def test_staff_make_users_assessors_in_admin(staff_client, credential):
    user = UserFactory()
    response = staff_client.post(
        reverse("admin:assessments_assessorscope_add"),
        {"user": user.pk, "credential": credential.pk, "organization": "", "is_active": "on"},
    )
    assert response.status_code == 302
    assert user.assessor_scopes.get().credential == credential


def test_sla_overview_lists_the_reviews_waiting_for_an_assessor(frozen, credential, staff_client):
    waiting = review_rows(credential=credential, count=2, assessor=None, due_on=DUE_ON)

    page = staff_client.get(SLA).content.decode()

    assert "Waiting for an assessor" in page
    for review in waiting:
        assert review.submission.reference in page
        assert reverse("admin:assessments_review_reassign", args=[review.pk]) in page
    assert credential.organization.name in page
    assert reverse("admin:assessments_assessorscope_add") in page
