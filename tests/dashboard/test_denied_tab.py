"""The Denied tab once a later attempt is awarded, and its cost at two data sizes."""

import pytest
from django.urls import reverse

from core import fragment_cache
from programs.stack_versions import STACKS
from submissions import services
from submissions.kept import applications_changed
from tests.credentials.factories import CredentialFactory, OrganizationFactory
from tests.dashboard.test_views import TAB_QUERIES
from tests.submissions.factories import ALL_ATTESTATIONS, complete_draft, submitted_application

pytestmark = pytest.mark.django_db

URL = reverse("dashboard:home") + "?tab=denied"


def forget_kept(learner) -> None:
    """What the dashboard keeps is read again on the next visit: for tests of
    what reading it costs."""
    applications_changed(learner.pk)
    fragment_cache.changed(STACKS)


def deny(submission):
    return services.submission_record_decision(
        submission_id=submission.pk, awarded=False, actor=None
    )


def resubmit_and_submit(denied, learner):
    draft = services.submission_resubmit(submission=denied, actor=learner)
    complete_draft(draft, learner)
    return services.submission_submit(
        submission=draft, actor=learner, attestations=ALL_ATTESTATIONS
    )


def test_denied_attempt_points_at_the_award_once_a_later_attempt_is_awarded(
    learner_client, learner
):
    first = deny(submitted_application(learner, CredentialFactory(title="Family talk")))
    second = resubmit_and_submit(first, learner)
    services.submission_record_decision(submission_id=second.pk, awarded=True, actor=None)

    page = learner_client.get(URL).content.decode()

    assert first.reference in page
    assert "Open new attempt" not in page
    assert "Resubmit" not in page
    assert f'Awarded with <a href="{second.get_absolute_url()}">{second.reference}</a>' in page


def test_denied_attempt_still_leads_to_a_new_attempt_in_review(learner_client, learner):
    first = deny(submitted_application(learner, CredentialFactory(title="Family talk")))
    second = resubmit_and_submit(first, learner)

    page = learner_client.get(URL).content.decode()

    assert f"Open new attempt {second.reference}" in page
    assert "Awarded with" not in page


def _denied_rows(learner, n):
    org = OrganizationFactory()
    for i in range(n):
        denied = deny(submitted_application(learner, CredentialFactory(organization=org)))
        if i % 2:
            later = resubmit_and_submit(denied, learner)
            services.submission_record_decision(submission_id=later.pk, awarded=True, actor=None)


def test_denied_tab_query_count_does_not_grow_with_rows(
    learner_client, learner, django_assert_max_num_queries
):
    learner_client.get(URL)  # what the header keeps per user is kept now
    forget_kept(learner)  # each request below reads the tab, not what was kept
    with django_assert_max_num_queries(TAB_QUERIES["denied"]) as empty:
        learner_client.get(URL)
    _denied_rows(learner, 3)
    forget_kept(learner)
    with django_assert_max_num_queries(len(empty.captured_queries)) as small:
        learner_client.get(URL)
    _denied_rows(learner, 12)
    forget_kept(learner)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = learner_client.get(URL)
    assert response.status_code == 200
