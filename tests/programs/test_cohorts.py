"""Partners' cohorts: consent decides what a coach sees, everywhere."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notifications.models import OutboundEmail
from payments.exceptions import CouponInvalid, CouponNotForCredential
from payments.pricing import coupon_check
from programs.cohort_models import Enrollment, EnrollmentStatus
from programs.cohort_views import PAGE_SIZE
from programs.services import cohorts
from submissions import services as submission_services
from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory

from .cohort_fixtures import *  # noqa: F403 - the cohort fixtures
from .cohort_fixtures import join, many_members


@pytest.fixture
def teacher(db):
    return UserFactory(email="tina@example.org", name="Tina Teacher")


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def _visible(coach_client, cohort, teacher):
    dashboard = coach_client.get(reverse("cohorts:dashboard", kwargs={"uuid": cohort.uuid}))
    export = coach_client.get(reverse("cohorts:export", kwargs={"uuid": cohort.uuid}))
    page = coach_client.get(
        reverse("cohorts:teacher", kwargs={"uuid": cohort.uuid, "teacher_id": teacher.pk})
    )
    return {
        "dashboard": teacher.email in dashboard.content.decode(),
        "csv": any(teacher.email in row for row in _csv_rows(export)),
        "page": page.status_code,
    }


def test_invited_teacher_is_invisible_until_acceptance_and_after_withdrawal(
    coach_client, cohort, teacher
):
    (enrollment,) = cohorts.enrollment_invite(cohort=cohort, emails=[teacher.email], actor=None)
    assert _visible(coach_client, cohort, teacher) == {
        "dashboard": False,
        "csv": False,
        "page": 404,
    }

    cohorts.enrollment_accept(token=str(enrollment.token), teacher=teacher)
    assert _visible(coach_client, cohort, teacher) == {"dashboard": True, "csv": True, "page": 200}

    cohorts.enrollment_withdraw(enrollment=enrollment, teacher=teacher)
    assert _visible(coach_client, cohort, teacher) == {
        "dashboard": False,
        "csv": False,
        "page": 404,
    }


def test_invitation_email_link_asks_to_sign_in_then_accepts(client, cohort, teacher):
    response_invite = cohorts.enrollment_invite(
        cohort=cohort, emails=["Tina@Example.org"], actor=None
    )
    email = OutboundEmail.objects.get(template="cohort_invitation")
    assert email.to == ["tina@example.org"]
    link = reverse("cohorts:accept", kwargs={"token": response_invite[0].token})
    assert link in email.body_text

    anonymous = client.get(link)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]

    client.force_login(teacher)
    page = client.get(link)
    assert "never see what you write" in page.content.decode()
    client.post(link)
    enrollment = Enrollment.objects.get()
    assert enrollment.status == EnrollmentStatus.ACCEPTED and enrollment.teacher == teacher

    mine = client.get(reverse("cohorts:mine"))
    assert "Fall 2026 cohort" in mine.content.decode()
    client.post(reverse("cohorts:withdraw", kwargs={"token": enrollment.token}))
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.WITHDRAWN


def test_another_person_cannot_use_an_accepted_invitation(client, cohort, teacher):
    enrollment = join(cohort, teacher)
    intruder = UserFactory(email="intruder@example.org")
    client.force_login(intruder)
    assert (
        client.get(reverse("cohorts:accept", kwargs={"token": enrollment.token})).status_code == 404
    )


def test_non_member_gets_404_for_the_cohort(client, cohort):
    client.force_login(UserFactory(email="nobody@example.org"))
    assert client.get(reverse("cohorts:dashboard", kwargs={"uuid": cohort.uuid})).status_code == 404
    assert client.get(reverse("cohorts:export", kwargs={"uuid": cohort.uuid})).status_code == 404


def test_csv_upload_errors_are_listed_per_row_and_nothing_is_lost(coach_client, cohort):
    upload = SimpleUploadedFile(
        "teachers.csv", b"name,email\nAnn,ann@example.org\nBob,not-an-address\nCy,\n", "text/csv"
    )
    response = coach_client.post(
        reverse("cohorts:dashboard", kwargs={"uuid": cohort.uuid}),
        {"addresses": "zoe@example.org\nzed@", "csv_file": upload},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Row 3: “not-an-address” is not an email address." in page
    assert "Row 4: “” is not an email address." in page
    assert "Line 2: “zed@” is not an email address." in page
    assert "zoe@example.org\nzed@</textarea>" in page
    assert not Enrollment.objects.exists()


def test_csv_upload_invites_each_address_once(coach_client, cohort):
    url = reverse("cohorts:dashboard", kwargs={"uuid": cohort.uuid})
    for _ in range(2):
        upload = SimpleUploadedFile("t.csv", b"email\nann@example.org\nbob@example.org\n")
        assert coach_client.post(url, {"csv_file": upload}).status_code == 302
    assert sorted(Enrollment.objects.values_list("email", flat=True)) == [
        "ann@example.org",
        "bob@example.org",
    ]
    assert OutboundEmail.objects.filter(template="cohort_invitation").count() == 2


def test_cohort_code_only_for_accepted_members_and_cohort_credentials(cohort, teacher):
    code = cohorts.cohort_code_create(cohort=cohort, actor=None)
    assert cohorts.cohort_code_create(cohort=cohort, actor=None) == code
    credential = cohort.credentials.get(slug="questioning")
    draft, _ = submission_services.submission_apply(learner=teacher, credential=credential)

    with pytest.raises(CouponInvalid):
        coupon_check(code, submission=draft, learner=teacher)  # invited? not even

    (enrollment,) = cohorts.enrollment_invite(cohort=cohort, emails=[teacher.email], actor=None)
    with pytest.raises(CouponInvalid):
        coupon_check(code, submission=draft, learner=teacher)  # not yet accepted

    cohorts.enrollment_accept(token=str(enrollment.token), teacher=teacher)
    coupon_check(code, submission=draft, learner=teacher)

    other = CredentialFactory(title="Elsewhere", slug="elsewhere", with_content=True)
    other_draft, _ = submission_services.submission_apply(learner=teacher, credential=other)
    with pytest.raises(CouponNotForCredential):
        coupon_check(code, submission=other_draft, learner=teacher)

    cohorts.enrollment_withdraw(enrollment=enrollment, teacher=teacher)
    with pytest.raises(CouponInvalid):
        coupon_check(code, submission=draft, learner=teacher)


@pytest.mark.parametrize("size", [5, 500])
def test_dashboard_and_csv_query_counts_stay_flat(
    coach_client, cohort, size, django_assert_max_num_queries
):
    credential = cohort.credentials.first()
    many_members(cohort, size, credential)
    with django_assert_max_num_queries(8):
        response = coach_client.get(reverse("cohorts:dashboard", kwargs={"uuid": cohort.uuid}))
    # A page of teachers at a time; the totals count every one.
    assert response.content.decode().count('data-stage="in_review"') == min(size, PAGE_SIZE)
    assert f"{size} teachers share progress" in response.content.decode()
    with django_assert_max_num_queries(10):
        export = coach_client.get(reverse("cohorts:export", kwargs={"uuid": cohort.uuid}))
    assert len(_csv_rows(export)) == 1 + size * 2


def test_overdue_teachers_are_nudged_once_a_day(cohort, teacher):
    import datetime

    import time_machine

    join(cohort, teacher)
    cohort.due_on = datetime.date(2026, 11, 1)
    cohort.save(update_fields=["due_on"])
    with time_machine.travel(datetime.datetime(2026, 11, 10, 15, tzinfo=datetime.UTC), tick=False):
        assert cohorts.cohort_nudge_overdue() == 1
        assert cohorts.cohort_nudge_overdue() == 0
    with time_machine.travel(datetime.datetime(2026, 11, 11, 15, tzinfo=datetime.UTC), tick=False):
        assert cohorts.cohort_nudge_overdue() == 1
    assert OutboundEmail.objects.filter(template="cohort_nudge").count() == 2


def test_weekly_digest_reaches_each_coach_once_a_week(cohort, coach, teacher):
    join(cohort, teacher)
    assert cohorts.coach_digest_send() == 1
    cohorts.coach_digest_send()
    email = OutboundEmail.objects.get(template="cohort_digest")
    from notifications.services import email_deliver

    email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.to == ["coach@example.org"]
    assert "Fall 2026 cohort" in email.body_text and "1 teachers" in email.body_text


def test_partner_admin_creates_a_cohort_with_a_code_and_a_coach_cannot(
    client, district, coach, cohort_credentials
):
    from programs.cohort_models import Cohort, PartnerRole

    admin = UserFactory(email="padmin@example.org")
    cohorts.partner_member_add(partner=district, user=admin, role=PartnerRole.ADMIN, actor=None)
    url = reverse("cohorts:new", kwargs={"partner_id": district.pk})
    client.force_login(coach)
    assert client.get(url).status_code == 404
    client.force_login(admin)
    bad = client.post(url, {"name": "Spring", "credentials": []})
    assert bad.status_code == 400 and 'value="Spring"' in bad.content.decode()
    response = client.post(
        url,
        {
            "name": "Spring",
            "credentials": [c.pk for c in cohort_credentials],
            "due_on": "2027-05-01",
            "with_code": "on",
        },
    )
    cohort = Cohort.objects.get(name="Spring")
    assert response.status_code == 302
    assert cohort.coupon is not None and cohort.coupon.percent_off == 100
    assert set(cohort.coupon.credentials.all()) == set(cohort_credentials)


def test_staff_see_partners_and_cohorts_in_admin(client, cohort, staff_user):
    client.force_login(staff_user)
    for name in ("partner", "cohort"):
        assert client.get(reverse(f"admin:programs_{name}_changelist")).status_code == 200
    change = reverse("admin:programs_partner_change", args=[cohort.partner_id])
    assert "coach@example.org" in client.get(change).content.decode()


def test_a_forwarded_invitation_cannot_be_accepted_under_another_address(client, cohort, teacher):
    """The coaches' dashboard names the invited address: someone else following
    the link must not put her progress under it."""
    (enrollment,) = cohorts.enrollment_invite(cohort=cohort, emails=[teacher.email], actor=None)
    link = reverse("cohorts:accept", kwargs={"token": enrollment.token})
    colleague = UserFactory(email="colleague@example.org")
    client.force_login(colleague)

    page = client.get(link).content.decode()
    assert "This invitation was sent to t***@example.org." in page
    assert "Accept and share my progress" not in page
    client.post(link)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.INVITED and enrollment.teacher is None
    with pytest.raises(cohorts.InvitationUnavailable):
        cohorts.enrollment_accept(token=str(enrollment.token), teacher=colleague)


def test_an_invitation_to_a_confirmed_second_address_can_be_accepted(client, cohort, teacher):
    from allauth.account.models import EmailAddress

    (enrollment,) = cohorts.enrollment_invite(
        cohort=cohort, emails=["t.teacher@district.example"], actor=None
    )
    link = reverse("cohorts:accept", kwargs={"token": enrollment.token})
    client.force_login(teacher)
    EmailAddress.objects.create(user=teacher, email="T.Teacher@district.example", verified=False)
    assert "Accept and share my progress" not in client.get(link).content.decode()

    EmailAddress.objects.filter(user=teacher).update(verified=True)
    assert "Accept and share my progress" in client.get(link).content.decode()
    client.post(link)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACCEPTED and enrollment.teacher == teacher
