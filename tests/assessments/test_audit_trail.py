"""Who opened, assigned and decided a review, and who granted an assessor scope,
is in the audit trail, and staff reach it from the review's admin page."""

import re
from html import unescape

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import AssessorScope, Outcome, ReviewState
from audit.selectors import audit_events_for
from core.errors import IllegalTransition
from tests.accounts.factories import UserFactory
from tests.assessments.factories import all_met, submit_for_review

pytestmark = pytest.mark.django_db


def _verbs(obj) -> list[str]:
    return [event.verb for event in audit_events_for(obj).order_by("created_at", "id")]


def test_review_opened_and_assigned_by_the_learners_submit(learner, credential, assessor):
    review = submit_for_review(learner=learner, credential=credential).review

    opened, assigned = audit_events_for(review).order_by("created_at", "id")
    assert (opened.verb, opened.actor) == ("review.opened", learner)
    assert opened.after["due_on"] == review.due_on.isoformat()
    assert (assigned.verb, assigned.actor, assigned.after) == (
        "review.assigned",
        None,  # chosen automatically, least loaded
        {"assessor": assessor.pk},
    )


def test_staff_reassignment_names_who_moved_it(learner, credential, assessor, staff_user):
    review = submit_for_review(learner=learner, credential=credential).review
    other = UserFactory(email="second@example.org")
    AssessorScope.objects.create(user=other, credential=credential)

    services.review_reassign(review_id=review.pk, assessor=other, actor=staff_user, reason="Leave")

    last = audit_events_for(review).first()
    assert (last.verb, last.actor, last.before, last.after, last.data["reason"]) == (
        "review.assigned",
        staff_user,
        {"assessor": assessor.pk},
        {"assessor": other.pk},
        "Leave",
    )


def test_decision_is_one_audited_move_that_cannot_be_undone(learner, credential, assessor):
    review = submit_for_review(learner=learner, credential=credential).review
    services.review_decide(
        review_id=review.pk, actor=assessor, outcome=Outcome.AWARDED, scores=all_met(review)
    )
    services.review_decide(
        review_id=review.pk, actor=assessor, outcome=Outcome.AWARDED, scores=all_met(review)
    )

    decided = audit_events_for(review).get(verb="review.awarded")
    assert decided.actor == assessor
    assert decided.before == {
        "state": "open",
        "outcome": "",
        "decided_by": None,
        "decided_at": None,
    }
    assert decided.after["state"] == ReviewState.DECIDED
    assert decided.after["decided_by"] == assessor.pk
    assert _verbs(review.submission)[-1] == "submission.awarded"


def test_granting_and_deactivating_a_scope_records_who_did_it(credential, staff_user):
    user = UserFactory(email="new-assessor@example.org")
    scope = AssessorScope(user=user, credential=credential)
    services.assessor_scope_save(scope=scope, actor=staff_user)
    services.assessor_scope_save(scope=scope, actor=staff_user)  # nothing changed
    scope.is_active = False
    services.assessor_scope_save(scope=scope, actor=staff_user)

    granted, changed = audit_events_for(scope).order_by("created_at", "id")
    assert (granted.verb, granted.actor, granted.after["user_id"]) == (
        "assessor_scope.granted",
        staff_user,
        user.pk,
    )
    assert (changed.verb, changed.actor) == ("assessor_scope.changed", staff_user)
    assert (changed.before["is_active"], changed.after["is_active"]) == (True, False)


def test_a_decided_review_refuses_to_open_again_through_the_table(learner, credential, assessor):
    from django.db import transaction

    from assessments.models import REVIEW_TRANSITIONS
    from core.transitions import transition

    review = submit_for_review(learner=learner, credential=credential).review
    services.review_decide(
        review_id=review.pk, actor=assessor, outcome=Outcome.AWARDED, scores=all_met(review)
    )
    review.refresh_from_db()
    with pytest.raises(IllegalTransition), transaction.atomic():
        transition(
            review, field="state", to=ReviewState.OPEN, allowed=REVIEW_TRANSITIONS, actor=None
        )


def _links(html: str) -> dict[str, str]:
    return {
        label: unescape(href)
        for href, label in re.findall(r'<a href="([^"]*auditevent/\?[^"]*)">([^<]+)</a>', html)
    }


def test_review_admin_links_the_review_and_application_trails(
    learner, credential, assessor, staff_client
):
    review = submit_for_review(learner=learner, credential=credential).review
    page = staff_client.get(reverse("admin:assessments_review_change", args=[review.pk]))

    links = _links(page.content.decode())
    review_trail = staff_client.get(links["Audit trail"])
    application_trail = staff_client.get(links["Application's audit trail"])
    assert [e.verb for e in review_trail.context["cl"].result_list] == [
        "review.assigned",
        "review.opened",
    ]
    assert [e.verb for e in application_trail.context["cl"].result_list] == [
        "submission.in_review",
        "submission.draft",
    ]


def test_scope_admin_has_an_audit_trail_button(credential, assessor, staff_client):
    scope = AssessorScope.objects.get(user=assessor)
    page = staff_client.get(reverse("admin:assessments_assessorscope_change", args=[scope.pk]))
    assert "Audit trail" in _links(page.content.decode())
