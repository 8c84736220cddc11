"""Staff read applications because a group grants them a permission, never
because ``is_staff`` is set: the queue, every review page, the evidence files,
the SLA overview and the escalation email."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client
from django.urls import reverse

from assessments import services
from tests.accounts.factories import UserFactory
from tests.assessments.conftest import DUE_ON
from tests.assessments.factories import review_rows, submit_for_review

pytestmark = pytest.mark.django_db

QUEUE = reverse("assessments:queue")
SLA = reverse("admin:assessments_review_sla")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def group_with(name: str, *perms: str) -> Group:
    group = Group.objects.create(name=name)
    for perm in perms:
        app_label, codename = perm.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return group


@pytest.fixture
def submission(frozen, learner, credential, assessor):
    return submit_for_review(learner=learner, credential=credential, photo=True)


@pytest.fixture
def bare_staff(db):
    """Someone who can sign in to the admin and has been granted nothing."""
    return UserFactory(email="helpdesk@example.org", is_staff=True)


@pytest.fixture
def review_staff(db):
    """Staff who oversee reviews through their group."""
    user = UserFactory(email="reviews-lead@example.org", name="Rita Lead", is_staff=True)
    user.groups.add(
        group_with("Review oversight", "submissions.view_submission", "assessments.view_review")
    )
    return user


def review_url(submission) -> str:
    return reverse("assessments:review", kwargs={"uuid": submission.uuid})


def test_staff_without_permission_have_no_queue(submission, bare_staff):
    client = client_for(bare_staff)
    assert client.get(QUEUE).status_code == 403
    home = client.get("/").content.decode()
    assert "Review queue" not in home


def test_staff_without_permission_cannot_open_a_review_or_its_files(submission, bare_staff):
    client = client_for(bare_staff)
    response = client.get(review_url(submission))
    assert response.status_code == 404
    assert submission.reference not in response.content.decode()
    for attachment in submission.attachments.all():
        assert client.get(attachment.get_absolute_url()).status_code == 404
        assert client.get(attachment.get_absolute_url() + "?inline=1").status_code == 404


def test_staff_without_permission_cannot_open_the_sla_overview(submission, bare_staff):
    assert client_for(bare_staff).get(SLA).status_code == 403


def test_staff_granted_view_submission_by_a_group_oversee_every_review(
    submission, credential, assessor, review_staff
):
    unassigned = review_rows(credential=credential, count=1, due_on=DUE_ON)[0]
    client = client_for(review_staff)

    queue = client.get(QUEUE)
    page = queue.content.decode()
    assert queue.status_code == 200
    assert submission.reference in page
    assert unassigned.submission.reference in page
    assert assessor.name in page

    review = client.get(review_url(submission))
    assert review.status_code == 200
    assert "Only the assigned assessor can score this review." in review.content.decode()
    for attachment in submission.attachments.all():
        assert client.get(attachment.get_absolute_url()).status_code == 200
    assert client.get(SLA).status_code == 200


def test_staff_with_only_view_review_still_cannot_read_applications(submission, db):
    """The SLA overview's permission shows counts and references, not evidence."""
    user = UserFactory(is_staff=True)
    user.groups.add(group_with("SLA watch", "assessments.view_review"))
    client = client_for(user)
    assert client.get(SLA).status_code == 200
    assert client.get(QUEUE).status_code == 403
    assert client.get(review_url(submission)).status_code == 404


def test_escalation_email_goes_only_to_staff_allowed_to_view_reviews(
    submission, frozen, bare_staff, review_staff, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    frozen.move_to(datetime.datetime(2026, 12, 14, 14, tzinfo=datetime.UTC))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sla_sweep().escalated == 1

    escalations = [m for m in mail.outbox if "overdue" in m.subject]
    assert [m.to for m in escalations] == [[review_staff.email]]
    assert bare_staff.email not in escalations[0].to
