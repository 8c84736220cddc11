"""The draft page reads its pre-check runs with the draft, in its own query: the
"Check my application" panel shows the same runs as when it asked for them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from checks.models import Precheck, PrecheckTrigger
from checks.selectors.precheck import precheck_latest
from submissions import selectors, services
from submissions.models import EvidenceLink
from tests.credentials.factories import CredentialFactory
from tests.submissions.factories import ONE_QUERY_READS

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(learner):
    draft, _ = services.submission_apply(
        learner=learner, credential=CredentialFactory(with_content=True)
    )
    return draft


def _run(draft, minutes_ago, *, finished=True, findings=()):
    at = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    return Precheck.objects.create(
        submission=draft,
        trigger=PrecheckTrigger.DRAFT,
        requested_at=at,
        finished_at=at + datetime.timedelta(seconds=5) if finished else None,
        findings=list(findings),
    )


def _page(client, draft):
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(draft.get_absolute_url()).content.decode()
    return page, [q["sql"] for q in ctx.captured_queries]


@ONE_QUERY_READS
def test_the_draft_page_reads_the_pre_check_runs_with_the_draft(learner_client, draft):
    link = EvidenceLink.objects.create(submission=draft, title="Lesson clip", url="https://x.org/1")
    _run(draft, 30, findings=[{"kind": "link", "ref": str(link.pk), "code": "ok", "url": link.url}])
    _run(draft, 1, finished=False)

    page, queries = _page(learner_client, draft)

    assert not [q for q in queries if '"checks_precheck"' in q.split("FROM", 1)[1][:40]]
    panel = page[page.index('id="precheck"') :]
    assert "is still running" in panel
    assert "Last checked:" in panel
    assert "Lesson clip" in panel


def test_the_runs_read_with_the_draft_are_those_a_query_gives(draft):
    for minutes in (50, 40, 30, 20, 10, 5):
        _run(draft, minutes, finished=minutes != 5)
    page_draft = selectors.submission_page_for_learner(uuid=draft.uuid, learner=draft.learner)

    read = precheck_latest(submission=page_draft)
    asked = precheck_latest(submission=draft)

    assert [run.pk if run else None for run in read] == [run.pk if run else None for run in asked]
    assert read[0].requested_at == asked[0].requested_at
    assert read[0].findings == asked[0].findings


def test_a_page_never_checked_says_so(learner_client, draft):
    page, _queries = _page(learner_client, draft)

    assert "Not checked yet." in page
