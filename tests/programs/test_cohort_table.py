"""The dashboard's table of teachers: its rows built in Python against the markup
the template wrote for them, and its pages kept rendered under the cohort's
versions, each change to what a page shows retiring it."""

from __future__ import annotations

import datetime
import re

from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from programs.cohort_selectors import cohort_members_page
from programs.cohort_versions import cohort_summary
from programs.cohort_views import _labels, _progress_rows
from programs.services import cohorts
from submissions import services as submission_services
from submissions.models import Status, Submission
from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory

from .cohort_fixtures import *  # noqa: F403 - the cohort fixtures
from .cohort_fixtures import join, many_members

# The rows as the dashboard's template wrote them before they were built in Python.
TEMPLATE = Template(
    """{% for row, teacher in rows %}
    <tr>
      <th scope="row"><a href="{% url 'cohorts:teacher' uuid=cohort.uuid teacher_id=teacher.pk %}">{{ teacher.display_name }}</a><br><span class="meta">{{ teacher.email }}</span></th>
      {% for cell in row.cells %}
      <td data-stage="{{ cell.stage }}">{% for key, label in labels.items %}{% if key == cell.stage %}{{ label }}{% endif %}{% endfor %}{% if cell.submitted_at %}<br><span class="meta">{{ cell.submitted_at|date:"Y-m-d" }}</span>{% endif %}{% if cell.decided_at %}<br><span class="meta">{{ cell.decided_at|date:"Y-m-d" }}</span>{% endif %}</td>
      {% endfor %}
    </tr>
  {% endfor %}"""  # noqa: E501
)


def _squeeze(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))).strip()


def _dashboard(client, cohort, **params) -> str:
    url = reverse("cohorts:dashboard", kwargs={"uuid": cohort.uuid})
    return client.get(url, params).content.decode()


def _table(body: str) -> str:
    """The teachers' table of a dashboard page."""
    return body.split('aria-labelledby="result-count"')[1].split("</table>")[0]


def test_rows_built_in_python_match_the_templates(cohort, cohort_credentials):
    questioning, feedback = cohort_credentials
    plain = UserFactory(email="plain@example.org", name="")
    odd = UserFactory(email="odd@example.org", name='<b>"Odd" & Co</b>')
    join(cohort, plain)
    join(cohort, odd)
    submitted = timezone.now() - datetime.timedelta(days=3)
    Submission.objects.create(
        learner=plain, credential=questioning, status=Status.IN_REVIEW, submitted_at=submitted
    )
    Submission.objects.create(
        learner=odd,
        credential=feedback,
        status=Status.AWARDED,
        submitted_at=submitted,
        decided_at=timezone.now(),
    )
    Submission.objects.create(learner=odd, credential=questioning, status=Status.DRAFT)
    summary = cohort_summary(cohort=cohort)
    rows = cohort_members_page(
        cohort_id=cohort.pk,
        credential_ids=summary.credential_ids,
        query="",
        sort="email",
        offset=0,
        limit=50,
    )
    teachers = User.objects.in_bulk([row.teacher_id for row in rows])
    labels = _labels()
    expected = TEMPLATE.render(
        Context(
            {
                "rows": [(row, teachers[row.teacher_id]) for row in rows],
                "cohort": cohort,
                "labels": labels,
            }
        )
    )
    built = _progress_rows(str(cohort.uuid), rows, labels)
    assert _squeeze(built) == _squeeze(expected)
    assert "&lt;b&gt;&quot;Odd&quot; &amp; Co&lt;/b&gt;" in built


# --- the kept pages and each change that retires them -----------------------------------------


def test_a_page_is_kept_and_read_without_the_teachers_or_their_attempts(
    coach_client, cohort, django_assert_max_num_queries
):
    many_members(cohort, 60, cohort.credentials.first())
    first = _dashboard(coach_client, cohort, page=2, sort="-email")
    with django_assert_max_num_queries(4) as kept:
        again = _dashboard(coach_client, cohort, page=2, sort="-email")
    assert _table(again) == _table(first)
    assert not any("programs_enrollment" in q["sql"] for q in kept.captured_queries)
    assert not any("DISTINCT ON" in q["sql"] for q in kept.captured_queries)
    # Another order or page is another page.
    assert _table(_dashboard(coach_client, cohort, page=2)) != _table(first)
    assert _table(_dashboard(coach_client, cohort, page=1, sort="-email")) != _table(first)


def test_a_teachers_new_name_or_address_retires_the_kept_pages(
    coach_client, cohort, django_capture_on_commit_callbacks
):
    teacher = UserFactory(email="tina@example.org", name="Tina Teacher")
    join(cohort, teacher)
    assert "Tina Teacher" in _table(_dashboard(coach_client, cohort))
    with django_capture_on_commit_callbacks(execute=True):
        teacher.name = "Tina Turner"
        teacher.save(update_fields=["name"])
    assert "Tina Turner" in _table(_dashboard(coach_client, cohort))
    with django_capture_on_commit_callbacks(execute=True):
        teacher.email = "turner@example.org"
        teacher.save()
    assert "turner@example.org" in _table(_dashboard(coach_client, cohort))


def test_a_teachers_sign_in_leaves_the_kept_pages(
    coach_client, cohort, django_capture_on_commit_callbacks
):
    teacher = UserFactory(email="tina@example.org", name="Tina Teacher")
    join(cohort, teacher)
    _dashboard(coach_client, cohort)
    # Written behind the receivers' back: only a retired page would show it.
    User.objects.filter(pk=teacher.pk).update(name="Unseen")
    with django_capture_on_commit_callbacks(execute=True):
        teacher.last_login = timezone.now()
        teacher.save(update_fields=["last_login"])
    assert "Tina Teacher" in _table(_dashboard(coach_client, cohort))


def test_a_members_attempts_retire_the_kept_pages(
    coach_client, cohort, cohort_credentials, django_capture_on_commit_callbacks
):
    questioning = next(c for c in cohort_credentials if c.title == "Questioning")
    teacher = UserFactory(email="tina@example.org", name="Tina Teacher")
    join(cohort, teacher)
    assert 'data-stage="draft"' not in _table(_dashboard(coach_client, cohort))
    with django_capture_on_commit_callbacks(execute=True):
        draft, _ = submission_services.submission_apply(learner=teacher, credential=questioning)
    assert 'data-stage="draft"' in _table(_dashboard(coach_client, cohort))
    with django_capture_on_commit_callbacks(execute=True):
        draft.status = Status.IN_REVIEW
        draft.save(update_fields=["status"])
    assert 'data-stage="in_review"' in _table(_dashboard(coach_client, cohort))
    # A date the table shows, saved on its own.
    with django_capture_on_commit_callbacks(execute=True):
        draft.submitted_at = datetime.datetime(2026, 3, 4, 15, tzinfo=datetime.UTC)
        draft.save(update_fields=["submitted_at"])
    assert "2026-03-04" in _table(_dashboard(coach_client, cohort))
    with django_capture_on_commit_callbacks(execute=True):
        draft.decided_at = datetime.datetime(2026, 5, 6, 15, tzinfo=datetime.UTC)
        draft.save(update_fields=["decided_at"])
    assert "2026-05-06" in _table(_dashboard(coach_client, cohort))
    with django_capture_on_commit_callbacks(execute=True):
        draft.delete()
    assert 'data-stage="in_review"' not in _table(_dashboard(coach_client, cohort))


def test_accepting_and_withdrawing_retire_the_kept_pages(coach_client, cohort):
    join(cohort, UserFactory(email="first@example.org"))
    teacher = UserFactory(email="tina@example.org", name="Tina Teacher")
    (enrollment,) = cohorts.enrollment_invite(cohort=cohort, emails=[teacher.email], actor=None)
    assert "tina@example.org" not in _dashboard(coach_client, cohort)
    accepted = cohorts.enrollment_accept(token=str(enrollment.token), teacher=teacher)
    assert "tina@example.org" in _table(_dashboard(coach_client, cohort))
    cohorts.enrollment_withdraw(enrollment=accepted, teacher=teacher)
    assert "tina@example.org" not in _dashboard(coach_client, cohort)
    # A teacher whose account is deleted leaves with it.
    gone = UserFactory(email="gone@example.org")
    join(cohort, gone)
    assert "gone@example.org" in _table(_dashboard(coach_client, cohort))
    gone.delete()
    assert "gone@example.org" not in _dashboard(coach_client, cohort)


def test_the_cohorts_credentials_and_their_titles_retire_the_kept_pages(
    coach_client, cohort, cohort_credentials, django_capture_on_commit_callbacks
):
    join(cohort, UserFactory(email="tina@example.org"))
    assert _table(_dashboard(coach_client, cohort)).count("data-stage=") == 2
    extra = CredentialFactory(title="Assessment", slug="assessment", with_content=True)
    cohort.credentials.add(extra)
    assert _table(_dashboard(coach_client, cohort)).count("data-stage=") == 3
    cohort.credentials.remove(extra)
    assert _table(_dashboard(coach_client, cohort)).count("data-stage=") == 2
    with django_capture_on_commit_callbacks(execute=True):
        cohort_credentials[0].title = "Asking questions"
        cohort_credentials[0].save()
    assert '<th scope="col">Asking questions</th>' in _table(_dashboard(coach_client, cohort))


def test_pages_are_kept_per_language_and_time_zone(coach_client, cohort, cohort_credentials):
    teacher = UserFactory(email="tina@example.org")
    join(cohort, teacher)
    Submission.objects.create(
        learner=teacher,
        credential=cohort_credentials[0],
        status=Status.IN_REVIEW,
        # The 3rd in New York, the 4th in Tokyo.
        submitted_at=datetime.datetime(2026, 3, 4, 2, tzinfo=datetime.UTC),
    )
    assert ">Not started</td>" in _table(_dashboard(coach_client, cohort))
    url = reverse("cohorts:dashboard", kwargs={"uuid": cohort.uuid})
    spanish = coach_client.get(url, headers={"accept-language": "es"}).content.decode()
    assert ">Sin empezar</td>" in _table(spanish)
    with timezone.override("America/New_York"):
        assert "2026-03-03" in _table(_dashboard(coach_client, cohort))
    with timezone.override("Asia/Tokyo"):
        assert "2026-03-04" in _table(_dashboard(coach_client, cohort))


def test_each_cohort_keeps_its_own_pages_for_its_own_coaches(
    client, coach_client, cohort, district, cohort_credentials
):
    other = cohorts.cohort_create(
        partner=district, name="Spring cohort", credentials=cohort_credentials, actor=None
    )
    join(cohort, UserFactory(email="fall@example.org"))
    join(other, UserFactory(email="spring@example.org"))
    fall, spring = _dashboard(coach_client, cohort), _dashboard(coach_client, other)
    assert "fall@example.org" in _table(fall) and "spring@example.org" not in fall
    assert "spring@example.org" in _table(spring) and "fall@example.org" not in spring
    # A page kept for the coach is still no one else's.
    client.force_login(UserFactory(email="stranger@example.org"))
    url = reverse("cohorts:dashboard", kwargs={"uuid": cohort.uuid})
    assert client.get(url).status_code == 404
