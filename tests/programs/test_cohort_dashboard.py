"""The cohort dashboard: a page of teachers at a time with search and sorting,
totals for the whole cohort kept under a version that moves exactly when what
they show changes, and the same consent and permissions on every representation."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from programs import cohort_versions
from programs.cohort_models import PartnerKind, PartnerRole
from programs.cohort_versions import cohort_summary
from programs.cohort_views import PAGE_SIZE
from programs.services import cohorts
from submissions import services as submission_services
from submissions.models import Status, Submission
from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory, OrganizationFactory

from .cohort_fixtures import *  # noqa: F403 - the cohort fixtures
from .cohort_fixtures import join, many_members


def _dashboard(client, cohort, **params):
    url = reverse("cohorts:dashboard", kwargs={"uuid": cohort.uuid})
    return client.get(url, params)


def _teacher_emails(response) -> list[str]:
    """The addresses in the progress table, in order."""
    body = response.content.decode()
    return [
        part.split("</span>")[0]
        for part in body.split('<span class="meta">')[1:]
        if part.split("</span>")[0].endswith("@example.org")
        and "coach@" not in part.split("</span>")[0]
    ]


@pytest.fixture
def teacher(db):
    return UserFactory(email="tina@example.org", name="Tina Teacher")


# --- pages, search and sorting ---------------------------------------------------------------


def test_table_shows_a_page_at_a_time_and_keeps_search_and_sort_across_pages(coach_client, cohort):
    credential = cohort.credentials.first()
    many_members(cohort, PAGE_SIZE * 2 + 5, credential)

    first = _dashboard(coach_client, cohort)
    emails = _teacher_emails(first)
    assert len(emails) == PAGE_SIZE and emails == sorted(emails)
    assert f"{PAGE_SIZE * 2 + 5} teachers share progress" in first.content.decode()

    last = _dashboard(coach_client, cohort, sort="-email", page=3)
    body = last.content.decode()
    assert len(_teacher_emails(last)) == 5
    assert "Page 3 of 3" in body
    # The way back keeps the order.
    assert "?sort=-email&amp;page=2" in body
    assert _teacher_emails(last) == sorted(_teacher_emails(last), reverse=True)

    # Every teacher is on exactly one page.
    seen = []
    for number in (1, 2, 3):
        seen += _teacher_emails(_dashboard(coach_client, cohort, sort="-email", page=number))
    assert len(seen) == len(set(seen)) == PAGE_SIZE * 2 + 5

    # Search: by address or name, the count and the pages follow it.
    found = _dashboard(coach_client, cohort, q="t1", sort="-email")
    found_emails = _teacher_emails(found)
    assert found_emails and all(e.startswith("t1") for e in found_emails)
    assert f"of {len(found_emails)}" in found.content.decode()
    by_name = _teacher_emails(_dashboard(coach_client, cohort, q="T 42"))
    assert by_name == ["t42@example.org"]
    assert (
        "No teacher matches your search."
        in _dashboard(coach_client, cohort, q="nobody").content.decode()
    )

    # A page out of range or not a number shows the nearest page.
    assert "Page 3 of 3" in _dashboard(coach_client, cohort, page=99).content.decode()
    assert "Page 1 of 3" in _dashboard(coach_client, cohort, page="x").content.decode()
    assert _dashboard(coach_client, cohort, sort="bogus").status_code == 200


def test_sorting_by_awarded_and_name(coach_client, cohort, cohort_credentials):
    ann = UserFactory(email="zed@example.org", name="Ann")
    bob = UserFactory(email="abe@example.org", name="Bob")
    join(cohort, ann)
    join(cohort, bob)
    Submission.objects.create(learner=ann, credential=cohort_credentials[0], status=Status.AWARDED)
    assert _teacher_emails(_dashboard(coach_client, cohort)) == [bob.email, ann.email]
    assert _teacher_emails(_dashboard(coach_client, cohort, sort="name")) == [ann.email, bob.email]
    most = _teacher_emails(_dashboard(coach_client, cohort, sort="-awarded"))
    assert most == [ann.email, bob.email]
    fewest = _teacher_emails(_dashboard(coach_client, cohort, sort="awarded"))
    assert fewest == [bob.email, ann.email]


def test_search_never_finds_an_invitation_not_accepted_or_withdrawn(coach_client, cohort, teacher):
    (enrollment,) = cohorts.enrollment_invite(cohort=cohort, emails=[teacher.email], actor=None)
    other = UserFactory(email="tom@example.org", name="Tom Teacher")
    join(cohort, other)
    for q in ("tina", "Tina Teacher", "Teacher"):
        assert teacher.email not in _dashboard(coach_client, cohort, q=q).content.decode()
    accepted = cohorts.enrollment_accept(token=str(enrollment.token), teacher=teacher)
    assert teacher.email in _dashboard(coach_client, cohort, q="tina").content.decode()
    cohorts.enrollment_withdraw(enrollment=accepted, teacher=teacher)
    assert teacher.email not in _dashboard(coach_client, cohort, q="tina").content.decode()


# --- permissions on every representation ------------------------------------------------------


def test_only_the_partners_coaches_and_admins_see_any_representation(
    client, cohort, coach, partner_admin, teacher
):
    join(cohort, teacher)
    other_partner = cohorts.partner_create(
        organization=OrganizationFactory(name="Elsewhere", slug="elsewhere"),
        kind=PartnerKind.SCHOOL,
        actor=None,
    )
    outsider = UserFactory(email="other-coach@example.org")
    cohorts.partner_member_add(
        partner=other_partner, user=outsider, role=PartnerRole.COACH, actor=None
    )
    urls = [
        reverse("cohorts:dashboard", kwargs={"uuid": cohort.uuid}),
        reverse("cohorts:dashboard", kwargs={"uuid": cohort.uuid}) + "?page=2&sort=-name&q=tina",
        reverse("cohorts:export", kwargs={"uuid": cohort.uuid}),
        reverse("cohorts:teacher", kwargs={"uuid": cohort.uuid, "teacher_id": teacher.pk}),
    ]
    # The cohort's own member, a coach of another partner, and a stranger.
    for user in (teacher, outsider, UserFactory(email="stranger@example.org")):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.email, url)
    for user in (coach, partner_admin):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user.email, url)
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302


def test_export_has_every_teacher_whatever_page_search_or_sort(coach_client, cohort):
    credential = cohort.credentials.first()
    many_members(cohort, PAGE_SIZE + 3, credential)
    url = reverse("cohorts:export", kwargs={"uuid": cohort.uuid})
    rows = list(
        csv.reader(io.StringIO(coach_client.get(url, {"q": "t1", "page": 2}).content.decode()))
    )
    assert len({row[0] for row in rows[1:]}) == PAGE_SIZE + 3


# --- the kept totals and each change that retires them ----------------------------------------


def _stage(cohort, credential, stage):
    return cohort_summary(cohort=cohort).stages[credential.pk].get(stage, 0)


def test_totals_are_kept_and_read_without_the_attempts(
    coach_client, cohort, django_assert_max_num_queries
):
    credential = cohort.credentials.first()
    many_members(cohort, 60, credential)
    _dashboard(coach_client, cohort)  # computes and keeps the totals
    with django_assert_max_num_queries(5) as kept:
        response = _dashboard(coach_client, cohort)
    assert "60 teachers share progress" in response.content.decode()
    assert not any("GROUP BY" in q["sql"] for q in kept.captured_queries)


def test_accepting_and_withdrawing_retire_the_totals(cohort, teacher, cohort_credentials):
    (enrollment,) = cohorts.enrollment_invite(cohort=cohort, emails=[teacher.email], actor=None)
    assert (cohort_summary(cohort=cohort).members, cohort_summary(cohort=cohort).invited) == (0, 1)
    accepted = cohorts.enrollment_accept(token=str(enrollment.token), teacher=teacher)
    summary = cohort_summary(cohort=cohort)
    assert (summary.members, summary.invited) == (1, 0)
    assert _stage(cohort, cohort_credentials[0], "not_started") == 1
    cohorts.enrollment_withdraw(enrollment=accepted, teacher=teacher)
    assert cohort_summary(cohort=cohort).members == 0


def test_invitations_sent_in_bulk_retire_the_totals(cohort):
    assert cohort_summary(cohort=cohort).invited == 0
    cohorts.enrollment_invite(cohort=cohort, emails=["a@example.org", "b@example.org"], actor=None)
    assert cohort_summary(cohort=cohort).invited == 2


def test_a_members_attempts_retire_the_totals_when_they_commit(
    cohort, teacher, cohort_credentials, django_capture_on_commit_callbacks
):
    questioning = next(c for c in cohort_credentials if c.title == "Questioning")
    join(cohort, teacher)
    assert _stage(cohort, questioning, "not_started") == 1
    with django_capture_on_commit_callbacks(execute=True):
        draft, _ = submission_services.submission_apply(learner=teacher, credential=questioning)
    assert _stage(cohort, questioning, "draft") == 1
    with django_capture_on_commit_callbacks(execute=True):
        draft.status = Status.IN_REVIEW
        draft.save(update_fields=["status"])
    assert _stage(cohort, questioning, "in_review") == 1
    assert _stage(cohort, questioning, "draft") == 0
    with django_capture_on_commit_callbacks(execute=True):
        draft.delete()
    assert _stage(cohort, questioning, "not_started") == 1


def test_what_the_totals_do_not_show_leaves_them_kept(
    cohort, teacher, cohort_credentials, django_capture_on_commit_callbacks
):
    join(cohort, teacher)
    outsider = UserFactory(email="outsider@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        draft, _ = submission_services.submission_apply(
            learner=teacher, credential=cohort_credentials[0]
        )
    cohort_summary(cohort=cohort)
    before = cohort_versions.version(cohort.pk)
    with django_capture_on_commit_callbacks(execute=True):
        # Another learner's attempt, an attempt at a credential the cohort does
        # not follow, a save of an attempt's bookkeeping only, a reminder stamp.
        submission_services.submission_apply(learner=outsider, credential=cohort_credentials[0])
        elsewhere = CredentialFactory(title="Elsewhere", slug="elsewhere-c", with_content=True)
        submission_services.submission_apply(learner=teacher, credential=elsewhere)
        draft.save(update_fields=["updated_at"])
        enrollment = cohort.enrollments.get()
        enrollment.save(update_fields=["last_nudged_on"])
    assert cohort_versions.version(cohort.pk) == before


def test_the_cohorts_credentials_and_their_titles_retire_the_totals(
    cohort, cohort_credentials, django_capture_on_commit_callbacks
):
    assert [t for _, t in cohort_summary(cohort=cohort).credentials] == ["Feedback", "Questioning"]
    extra = CredentialFactory(title="Assessment", slug="assessment", with_content=True)
    cohort.credentials.add(extra)
    assert [t for _, t in cohort_summary(cohort=cohort).credentials][0] == "Assessment"
    cohort.credentials.remove(extra)
    assert len(cohort_summary(cohort=cohort).credentials) == 2
    extra.cohorts.add(cohort)  # from the credential's side
    assert len(cohort_summary(cohort=cohort).credentials) == 3
    extra.cohorts.clear()
    assert len(cohort_summary(cohort=cohort).credentials) == 2
    with django_capture_on_commit_callbacks(execute=True):
        cohort_credentials[0].title = "Asking questions"
        cohort_credentials[0].save()
    assert "Asking questions" in [t for _, t in cohort_summary(cohort=cohort).credentials]


# --- the invitation form ---------------------------------------------------------------------


def test_the_blank_invitation_form_is_kept_per_language_and_a_sent_one_shows_its_own(
    coach_client, cohort
):
    """The blank fields are rendered once per language; a form sent with a mistake
    comes back with what was typed and its error, and the next visit is blank again."""
    url = reverse("cohorts:dashboard", kwargs={"uuid": cohort.uuid})
    english = coach_client.get(url).content.decode()
    assert 'name="addresses"' in english and "Email addresses" in english

    wrong = coach_client.post(url, {"addresses": "not-an-address"})
    assert wrong.status_code == 400
    body = wrong.content.decode()
    assert "not-an-address</textarea>" in body and "field-error" in body

    again = coach_client.get(url).content.decode()
    assert "not-an-address" not in again and "field-error" not in again

    spanish = coach_client.get(url, headers={"accept-language": "es"}).content.decode()
    assert 'lang="es"' in spanish and "Email addresses" not in spanish
    assert "Email addresses" in coach_client.get(url).content.decode()


# --- the attempt that counts, on every database ------------------------------------------


def test_the_attempt_that_counts_is_the_same_chosen_in_python(db):
    """``_stage_counts`` and ``counting_attempts`` choose in SQL on PostgreSQL and in
    Python elsewhere (SQLite, the embedded default): the same attempt either way."""
    from programs.cohort_selectors import _counting_in_python, counting_attempts
    from tests.dashboard.test_denied_tab import deny, resubmit_and_submit
    from tests.submissions.factories import submitted_application

    teacher, other = UserFactory(), UserFactory()
    won_later, denied, drafted = CredentialFactory(), CredentialFactory(), CredentialFactory()
    first = deny(submitted_application(teacher, won_later))
    second = resubmit_and_submit(first, teacher)
    submission_services.submission_record_decision(
        submission_id=second.pk, awarded=True, actor=None
    )
    deny(submitted_application(teacher, denied))
    submission_services.submission_apply(learner=other, credential=drafted)
    learners, credentials = [teacher.pk, other.pk], [won_later.pk, denied.pk, drafted.pk]
    chosen = counting_attempts(learner_ids=learners, credential_ids=credentials)
    attempts = Submission.objects.filter(learner_id__in=learners, credential_id__in=credentials)
    assert _counting_in_python(attempts) == chosen
    assert {key: attempt[0] for key, attempt in chosen.items()} == {
        (teacher.pk, won_later.pk): Status.AWARDED,
        (teacher.pk, denied.pk): Status.DENIED,
        (other.pk, drafted.pk): Status.DRAFT,
    }
