"""Issuer analytics on a small hand-built history: the figures, who may see
them (404 for anyone else), the CSV, and flat query counts."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessments.models import CriterionScore, Review, ReviewState
from credentials.models import MemberRole
from credentials.services import member_add
from payments.models import Payment, PaymentStatus, Provider
from submissions.models import Status, Submission
from tests.credentials.factories import CredentialFactory, OrganizationFactory

DAY = datetime.timedelta(days=1)


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Northfield", slug="northfield", email="b@northfield.example")


@pytest.fixture
def credential(organization):
    return CredentialFactory(title="Questioning", slug="questioning", organization=organization)


def _user(n):
    return User.objects.create_user(email=f"analytics{n}@example.com", password="x", name=f"T {n}")


def _submission(
    learner, credential, status, *, submitted_days=None, decided_days=None, previous=None
):
    start = timezone.now() - datetime.timedelta(days=30)
    sub = Submission.objects.create(
        learner=learner, credential=credential, status=status, previous=previous
    )
    Submission.objects.filter(pk=sub.pk).update(
        submitted_at=start + submitted_days * DAY if submitted_days is not None else None,
        decided_at=start + decided_days * DAY if decided_days is not None else None,
    )
    sub.refresh_from_db()
    return sub


def _pay(sub, amount, discount=0):
    Payment.objects.create(
        submission=sub,
        learner=sub.learner,
        provider=Provider.STRIPE,
        status=PaymentStatus.SUCCEEDED,
        description="fee",
        fee_cents=amount + discount,
        discount_cents=discount,
        amount_cents=amount,
        currency="usd",
    )


def _scores(sub, met):
    review = Review.objects.create(
        submission=sub,
        state=ReviewState.DECIDED,
        outcome=sub.status,
        decided_at=sub.decided_at,
        due_on=timezone.localdate(),
        remind_on=timezone.localdate(),
    )
    for i, value in enumerate(met):
        CriterionScore.objects.create(
            review=review, criterion_id=i + 1, position=i, title=f"C{i + 1}", met=value
        )


def build_history(credential, learners):
    """Per pair of learners: one denied then awarded on the second attempt
    (6 days each), one awarded at once (2 days) with a coupon; plus a draft."""
    for a, b in learners:
        first = _submission(a, credential, Status.DENIED, submitted_days=0, decided_days=6)
        _pay(first, 5000)
        _scores(first, [True, False])
        second = _submission(
            a, credential, Status.AWARDED, submitted_days=7, decided_days=13, previous=first
        )
        _scores(second, [True, True])
        once = _submission(b, credential, Status.AWARDED, submitted_days=1, decided_days=3)
        _pay(once, 2500, discount=2500)
        _scores(once, [True, True])
        _submission(b, CredentialFactory(organization=credential.organization), Status.DRAFT)


def test_figures_of_a_small_history(credential):
    from analytics.selectors import report

    build_history(credential, [(_user(1), _user(2))])
    [row] = [
        r
        for r in report(organization=credential.organization).rows
        if r.credential_id == credential.pk
    ]
    assert (row.applied, row.submitted, row.paid, row.decided, row.awarded, row.resubmitted) == (
        3,
        3,
        2,
        3,
        2,
        1,
    )
    assert row.attempts_to_award == 1.5  # 2 attempts and 1 attempt
    assert row.turnaround_days == pytest.approx(4.7, abs=0.05)  # (6 + 6 + 2) / 3
    assert row.revenue_cents == 7500
    assert (row.coupon_uses, row.discount_cents) == (1, 2500)
    assert [(c["title"], c["met"], c["scored"], c["rate"]) for c in row.criteria] == [
        ("C1", 3, 3, 100),
        ("C2", 2, 3, 67),
    ]


def test_period_filter_excludes_older_applications(credential):
    from analytics.selectors import report

    build_history(credential, [(_user(1), _user(2))])
    tomorrow = timezone.localdate() + DAY
    rows = report(organization=credential.organization, start=tomorrow).rows
    assert all(r.applied == 0 for r in rows)


@pytest.fixture
def staff_analyst(db):
    user = _user(90)
    user.user_permissions.add(Permission.objects.get(codename="view_issuer_analytics"))
    return user


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("learner", 404),
        ("designer", 404),
        ("admin", 200),
        ("other_admin", 404),
        ("staff", 200),
    ],
)
def test_who_sees_the_report(client, credential, staff_analyst, who, status):
    organization = credential.organization
    user = {"staff": staff_analyst}.get(who)
    if who in ("learner", "designer", "admin", "other_admin"):
        user = _user(91)
    if who in ("designer", "admin"):
        member_add(
            organization=organization,
            user=user,
            role=MemberRole.DESIGNER if who == "designer" else MemberRole.ADMIN,
            actor=None,
        )
    if who == "other_admin":
        other = OrganizationFactory(slug="elsewhere", email="x@elsewhere.example")
        member_add(organization=other, user=user, role=MemberRole.ADMIN, actor=None)
    if user:
        client.force_login(user)
    for name in ("analytics:report", "analytics:csv"):
        response = client.get(reverse(name, args=[organization.slug]))
        assert response.status_code == status, (name, who)


def test_page_and_csv_show_the_figures(client, credential, staff_analyst):
    build_history(credential, [(_user(1), _user(2))])
    client.force_login(staff_analyst)
    page = client.get(reverse("analytics:report", args=["northfield"]))
    html = page.content.decode()
    assert "<svg" in html and "<script" not in html.split("<main", 1)[-1].split("</main>")[0]
    assert "Questioning" in html and "$75.00" in html
    response = client.get(reverse("analytics:csv", args=["northfield"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    questioning = next(r for r in rows if r[:1] == ["Questioning"])
    assert questioning[2:8] == ["3", "3", "2", "3", "2", "1"]
    assert ["Questioning", "C2", "3", "2", "67"] in rows


def test_query_count_is_flat(client, credential, staff_analyst):
    """Computed afresh after a change, and kept, the report costs the same
    queries for one pair of learners as for eleven."""
    client.force_login(staff_analyst)
    url = reverse("analytics:report", args=["northfield"])
    build_history(credential, [(_user(1), _user(2))])
    client.get(f"{url}?credential=")  # the session's first request does more
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    with CaptureQueriesContext(connection) as small_kept:
        client.get(url)
    build_history(credential, [(_user(n), _user(n + 1)) for n in range(10, 30, 2)])
    for _ in range(3):
        CredentialFactory(organization=credential.organization)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    with CaptureQueriesContext(connection) as large_kept:
        client.get(url)
    assert len(large) == len(small)
    assert len(large_kept) == len(small_kept) <= 4
