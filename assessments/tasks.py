"""Assessment email and the periodic SLA sweep, run by Celery.

Email tasks take ids (and a sweep's time stamp), reload the rows and send
what is true now; they retry with backoff on mail-server errors. The sweep
task only calls the service.
"""

import datetime
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.emails import send_templated_email

from . import services
from .models import Assignment, Outcome, Review, ReviewState

EMAIL_RETRY = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
}

# An escalation email lists at most this many reviews and links to the overview.
ESCALATION_LIST_LIMIT = 50

_REVIEW_RELATED = (
    "submission",
    "submission__learner",
    "submission__credential",
    "submission__credential__organization",
)


def _review_url(review: Review) -> str:
    return reverse("assessments:review", kwargs={"uuid": review.submission.uuid})


@shared_task(**EMAIL_RETRY)
def send_assignment_email(assignment_id: int) -> None:
    """Tell an assessor a review is theirs (skipped if it moved on meanwhile)."""
    assignment = (
        Assignment.objects.select_related(
            "assessor", *(f"review__{name}" for name in _REVIEW_RELATED), "review"
        )
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None or assignment.ended_at is not None or not assignment.review.is_open:
        return
    review = assignment.review
    send_templated_email(
        to=[assignment.assessor.email],
        template="assessment_assigned",
        context={
            "assessor": assignment.assessor,
            "review": review,
            "submission": review.submission,
            "blind": review.submission.credential.organization.blind_review,
            "review_path": _review_url(review),
        },
    )


@shared_task(**EMAIL_RETRY)
def send_decision_email(review_id: int) -> None:
    """Tell the learner the decision, with per-criterion feedback and, after a
    denial, the link to reapply. Never names the assessor."""
    review = (
        Review.objects.select_related(*_REVIEW_RELATED)
        .prefetch_related("scores")
        .filter(pk=review_id, state=ReviewState.DECIDED)
        .first()
    )
    if review is None:
        return
    submission = review.submission
    awarded = review.outcome == Outcome.AWARDED
    send_templated_email(
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
    )


@shared_task(**EMAIL_RETRY)
def send_sla_reminder(assessor_id: int, stamp: str) -> None:
    """Remind one assessor of the reviews a sweep found coming due."""
    reviews = list(
        Review.objects.select_related(*_REVIEW_RELATED)
        .filter(
            assessor_id=assessor_id,
            state=ReviewState.OPEN,
            reminder_sent_at=datetime.datetime.fromisoformat(stamp),
        )
        .order_by("due_on", "id")
    )
    if not reviews:
        return
    assessor = reviews[0].assessor
    send_templated_email(
        to=[assessor.email],
        template="review_reminder",
        context={
            "assessor": assessor,
            "reviews": [(review, _review_url(review)) for review in reviews],
            "queue_path": reverse("assessments:queue"),
        },
    )


@shared_task(**EMAIL_RETRY)
def send_sla_escalation(stamp: str) -> None:
    """Tell staff which reviews a sweep found overdue."""
    escalated = Review.objects.filter(
        state=ReviewState.OPEN, escalated_at=datetime.datetime.fromisoformat(stamp)
    )
    count = escalated.count()
    if not count:
        return
    staff = list(settings.SLA_ESCALATION_EMAILS) or list(
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not staff:
        return
    reviews = list(
        escalated.select_related(*_REVIEW_RELATED, "assessor").order_by("due_on", "id")[
            :ESCALATION_LIST_LIMIT
        ]
    )
    send_templated_email(
        to=staff,
        template="review_escalation",
        context={
            "count": count,
            "reviews": reviews,
            "more": count - len(reviews),
            "overview_path": reverse("admin:assessments_review_sla"),
        },
    )


@shared_task
def sla_sweep() -> dict:
    """The periodic SLA sweep (scheduled with django-celery-beat)."""
    result = services.sla_sweep()
    return {"reminded": result.reminded, "escalated": result.escalated}
