"""Assessment email, queued in the outbox inside the transaction that causes it.

Each function stores the email with the change (see ``notifications.services``),
so an email exists exactly when its assignment, decision or sweep committed,
and is sent once after the commit. Assignment and decision emails are
rendered at once; the sweep's reminders and escalation, which list many
reviews, are rendered by the worker that sends them. The learner's emails
never name the assessor.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.services import (
    DeferredEmail,
    email_builder,
    email_cancel,
    email_enqueue,
    email_enqueue_deferred,
)

from .business_days import business_days_overdue, calendar_for
from .models import Assignment, Outcome, Review, ReviewState

# An escalation email lists at most this many reviews and links to the overview.
ESCALATION_LIST_LIMIT = 50

_REVIEW_RELATED = (
    "submission",
    "submission__learner",
    "submission__credential",
    "submission__credential__organization",
)


def _review_path(review: Review) -> str:
    return reverse("assessments:review", kwargs={"uuid": review.submission.uuid})


def _assignment_prefix(review: Review) -> str:
    return f"assessment-assigned:{review.pk}:"


def queue_assignment_email(*, assignment: Assignment, replaced: bool) -> None:
    """Tell an assessor a review is theirs. ``replaced``: the review had an
    assessor before, whose email is withdrawn if it has not gone out yet."""
    review = assignment.review
    if replaced:
        email_cancel(key_prefix=_assignment_prefix(review))
    submission = review.submission
    organization = submission.credential.organization
    email_enqueue(
        to=[assignment.assessor.email],
        template="assessment_assigned",
        context={
            "assessor": assignment.assessor,
            "review": review,
            "submission": submission,
            "blind": organization.blind_review,
            "review_path": _review_path(review),
            # A review given away after its due date says so plainly, with how late it is.
            "overdue": review.due_on < timezone.localdate(),
            "overdue_days": business_days_overdue(
                timezone.localdate(), review.due_on, calendar=calendar_for(organization)
            ),
        },
        key=f"{_assignment_prefix(review)}{assignment.pk}",
    )


def queue_reassigned_away_email(*, review: Review, previous: User) -> None:
    """Tell an assessor that an overdue review of theirs went to someone else
    (the sweep's automatic reassignment); the new assessor is not named."""
    submission = review.submission
    email_enqueue(
        to=[previous.email],
        template="review_reassigned_away",
        context={
            "assessor": previous,
            "review": review,
            "submission": submission,
            "overdue_days": business_days_overdue(
                timezone.localdate(),
                review.due_on,
                calendar=calendar_for(submission.credential.organization),
            ),
            "queue_path": reverse("assessments:queue"),
        },
        key=f"review-reassigned-away:{review.pk}:{previous.pk}",
    )


def queue_decision_email(*, review_id: int) -> None:
    """Tell the learner the decision, with per-criterion feedback and, after a
    denial, the link to reapply."""
    review = (
        Review.objects.select_related(*_REVIEW_RELATED)
        .prefetch_related("scores")
        .get(pk=review_id, state=ReviewState.DECIDED)
    )
    submission = review.submission
    awarded = review.outcome == Outcome.AWARDED
    email_enqueue(
        to=[submission.learner.email],
        template="decision_awarded" if awarded else "decision_denied",
        context={
            "learner": submission.learner,
            "submission": submission,
            "credential": submission.credential,
            "scores": list(review.scores.all()),
            "comment": review.comment,
            "submission_path": reverse("submissions:detail", kwargs={"uuid": submission.uuid}),
            "resubmission_fee_cents": submission.credential.resubmission_fee_cents,
        },
        key=f"review-decided:{review.pk}",
    )


def queue_sweep_emails(*, stamp: datetime.datetime, reminded: int, escalated: int) -> None:
    """Queue one reminder per assessor with reviews the sweep stamped ``stamp``
    as coming due, and one escalation to staff about those it found overdue.

    The emails are stored now, in the sweep's transaction, with one INSERT;
    each is rendered by the worker that sends it (it may list hundreds of
    reviews), from the reviews still open then. A fixed number of queries
    whatever the number of reviews.
    """
    requests = []
    if reminded:
        assessor_ids = (
            Review.objects.filter(reminder_sent_at=stamp, assessor__isnull=False)
            .order_by("assessor_id")
            .values_list("assessor_id", flat=True)
            .distinct()
        )
        requests += [
            DeferredEmail(
                template="review_reminder",
                builder=f"{__name__}.build_review_reminder",
                params={"assessor_id": assessor_id, "stamp": stamp.isoformat()},
                key=f"review-reminder:{assessor_id}:{stamp.isoformat()}",
            )
            for assessor_id in assessor_ids
        ]
    if escalated:
        requests.append(
            DeferredEmail(
                template="review_escalation",
                builder=f"{__name__}.build_review_escalation",
                params={"stamp": stamp.isoformat()},
                key=f"review-escalation:{stamp.isoformat()}",
            )
        )
    email_enqueue_deferred(emails=requests)


@email_builder
def build_review_reminder(params: dict):
    """The reminder for one assessor: their reviews a sweep stamped, still open."""
    reviews = list(
        Review.objects.select_related(*_REVIEW_RELATED, "assessor")
        .filter(
            assessor_id=params["assessor_id"],
            state=ReviewState.OPEN,
            reminder_sent_at=datetime.datetime.fromisoformat(params["stamp"]),
        )
        .order_by("due_on", "id")
    )
    assessor = reviews[0].assessor if reviews else None
    if assessor is None:
        return None
    today = timezone.localdate()
    return [assessor.email], {
        "assessor": assessor,
        "reviews": [(review, _review_path(review)) for review in reviews],
        # Escalated again, overdue: said apart from those coming due, with business days late.
        "coming_due": [
            (review, _review_path(review)) for review in reviews if review.due_on >= today
        ],
        "overdue_reviews": [
            (
                review,
                _review_path(review),
                business_days_overdue(
                    today,
                    review.due_on,
                    calendar=calendar_for(review.submission.credential.organization),
                ),
            )
            for review in reviews
            if review.due_on < today
        ],
        "queue_path": reverse("assessments:queue"),
    }


@email_builder
def build_review_escalation(params: dict):
    """The escalation: how many reviews a sweep found overdue, the first of them
    still open, and the overview link; to SLA_ESCALATION_EMAILS or the active staff
    allowed to view reviews."""
    escalated = Review.objects.filter(
        state=ReviewState.OPEN, escalated_at=datetime.datetime.fromisoformat(params["stamp"])
    )
    count = escalated.count()
    staff = _escalation_recipients()
    if not count or not staff:
        return None
    reviews = list(
        escalated.select_related(*_REVIEW_RELATED, "assessor").order_by("due_on", "id")[
            :ESCALATION_LIST_LIMIT
        ]
    )
    return staff, {
        "count": count,
        "reviews": reviews,
        "more": count - len(reviews),
        "overview_path": reverse("admin:assessments_review_sla"),
    }


# Escalations list overdue submissions: they go to staff who may see the SLA overview.
ESCALATION_PERMISSION = "assessments.view_review"


def _escalation_recipients() -> list[str]:
    return list(settings.SLA_ESCALATION_EMAILS) or list(
        ModelBackend()
        .with_perm(ESCALATION_PERMISSION)
        .filter(is_staff=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
