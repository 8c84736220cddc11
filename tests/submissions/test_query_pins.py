"""Exact query counts of the application's main writes, so a change that adds a
query per row (or drops a lock) shows up here first.

Content types are looked up once before measuring: the audit trail caches
them per process, so only a cold process pays for that lookup.
"""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from submissions import services
from tests.assessments.factories import make_assessor
from tests.credentials.factories import CredentialFactory
from tests.submissions.factories import ALL_ATTESTATIONS, complete_draft, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _content_types_cached(db):
    ContentType.objects.get_for_models(*apps.get_models())


@pytest.fixture
def draft(learner):
    draft, _ = services.submission_apply(learner=learner, credential=CredentialFactory())
    assert draft.responses.count() == 4
    return draft


def _save(draft, learner, changes):
    return services.draft_save(
        submission=draft, actor=learner, version=draft.version, changes=changes
    )


def test_autosave_of_two_answers(draft, learner, django_assert_num_queries):
    first, second = list(draft.responses.all())[:2]
    changes = services.DraftChanges(answers={first.pk: "One answer.", second.pk: "Another."})
    # savepoint; claim the version (UPDATE: nothing read back); the responses;
    # one UPDATE per changed answer; release.
    with django_assert_num_queries(6):
        _save(draft, learner, changes)


def test_save_with_one_upload(draft, learner, django_assert_num_queries):
    changes = services.DraftChanges(uploads=[(pdf_upload(), None)])
    # savepoint; version claim; the responses; the sizes of the files already
    # there (limits); the INSERT; release.
    with django_assert_num_queries(6):
        _save(draft, learner, changes)


def test_submit_of_a_free_application_into_review(draft, learner, django_assert_num_queries):
    make_assessor(credential=draft.credential)
    complete_draft(draft, learner)
    # Submit (savepoint, lock, the answers, files, links and requirements
    # checked, attestations, the rubric, the move and its audit event), then
    # the review opened in the same transaction (the organization's SLA, due
    # date, review, audit, least-loaded assessor, assignment with its audit and
    # email), then the learner's receipt email, and the completeness pre-check
    # asked for (savepoint, a pending one looked for, the request stored).
    with django_assert_num_queries(35):
        services.submission_submit(submission=draft, actor=learner, attestations=ALL_ATTESTATIONS)
