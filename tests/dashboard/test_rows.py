"""The dashboard's rows built in Python (``dashboard.rows``) against the markup
the page's template wrote for them, for every kind of row."""

import datetime
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils.translation import override

from dashboard.rows import rows_html
from dashboard.selectors import dashboard_tab
from dashboard.views import DATE_LABELS
from submissions import services
from tests.credentials.factories import CredentialFactory
from tests.dashboard.test_denied_tab import deny, resubmit_and_submit
from tests.submissions.factories import submitted_application

pytestmark = pytest.mark.django_db

# The rows as the dashboard's template wrote them before they were built in Python.
TEMPLATE = Template(
    "{% load money payment_tags assessment_tags badge_tags i18n %}"
    + (Path(__file__).parent / "rows_template.html").read_text()
)


def _template_rows(rows, tab, date_label, request):
    context = Context({"page_obj": rows, "tab": tab, "date_label": date_label})
    context["csrf_token"] = request.META["CSRF_COOKIE"]
    return TEMPLATE.render(context)


def _same(a: str, b: str) -> None:
    def squeeze(html: str) -> str:
        html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1token", html)
        return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))).strip()

    assert squeeze(a) == squeeze(b)


def _learner_rows(learner):
    draft, _ = services.submission_apply(learner=learner, credential=CredentialFactory())
    submitted_application(learner, CredentialFactory(title="Reviewing <b>"))
    submitted_application(learner, CredentialFactory(title="Unpaid", fee_cents=9900))
    late = submitted_application(learner, CredentialFactory(title="Late"))
    late.__class__.objects.filter(pk=late.pk).update(decision_due_on=datetime.date(2020, 1, 1))
    returned = submitted_application(learner, CredentialFactory(title="Returned"))
    services.submission_return_incomplete(
        submission_id=returned.pk, actor=None, note="Add the lesson plan & the video."
    )
    awarded = submitted_application(learner, CredentialFactory(title="Held", validity_months=12))
    services.submission_record_decision(submission_id=awarded.pk, awarded=True, actor=None)
    deny(submitted_application(learner, CredentialFactory(resubmission_fee_cents=2500)))
    first = deny(submitted_application(learner, CredentialFactory(title="Again")))
    resubmit_and_submit(first, learner)
    won = deny(submitted_application(learner, CredentialFactory(title="Won later")))
    later = resubmit_and_submit(won, learner)
    services.submission_record_decision(submission_id=later.pk, awarded=True, actor=None)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("tab", ["drafts", "submitted", "awarded", "denied"])
def test_rows_are_the_markup_the_template_wrote(learner, tab, language):
    _learner_rows(learner)
    request = RequestFactory().get("/dashboard/")
    request.META["CSRF_COOKIE"] = "x" * 32
    with override(language):
        rows = list(dashboard_tab(learner=learner, tab=tab))
        assert rows
        date_label = str(DATE_LABELS.get(tab, "Decided"))
        built = rows_html(rows, tab=tab, date_label=date_label, csrf_token="x" * 32)
        _same(built, _template_rows(rows, tab, date_label, request))
