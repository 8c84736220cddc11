"""Reads shaped for the assessor queue, the review page, learner pages and staff."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.utils import timezone

from accounts.models import AnyUser, User
from credentials.models import MicroCredential
from submissions.models import Status, Submission
from submissions.selectors import can_view_every_submission, chain_is_awarded, submission_chain

from .business_days import business_days_until, calendar_for, holiday_calendar
from .models import AssessorScope, Assignment, CriterionScore, Outcome, Review, ReviewState

# --- who may assess ---------------------------------------------------------------


def _scopes_for(credential: MicroCredential) -> QuerySet[AssessorScope]:
    return AssessorScope.objects.filter(is_active=True).filter(
        Q(credential_id=credential.pk) | Q(organization_id=credential.organization_id)
    )


def eligible_assessors(*, submission: Submission) -> QuerySet[User]:
    """Users who may assess this submission, least loaded first.

    Eligible: an active user with an active scope for the credential or its
    organization, who is not the learner. Load is the number of open reviews
    assigned to them; ties go to whoever was assigned least recently.
    """
    open_reviews = (
        Review.objects.filter(assessor=OuterRef("pk"), state=ReviewState.OPEN)
        .order_by()
        .values("assessor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last_assigned = (
        Assignment.objects.filter(assessor=OuterRef("pk"))
        .order_by("-assigned_at")
        .values("assigned_at")[:1]
    )
    return (
        User.objects.filter(
            is_active=True, pk__in=_scopes_for(submission.credential).values("user_id")
        )
        .exclude(pk=submission.learner_id)
        .annotate(
            open_reviews=Coalesce(Subquery(open_reviews), 0),
            last_assigned_at=Subquery(last_assigned),
        )
        .order_by("open_reviews", F("last_assigned_at").asc(nulls_first=True), "pk")
    )


def credential_has_assessor(*, credential: MicroCredential) -> bool:
    """Whether any active user may assess this credential's applications."""
    return _scopes_for(credential).filter(user__is_active=True).exists()


def waiting_reviews(
    *, credential_id: int | None = None, organization_id: int | None = None
) -> QuerySet[Review]:
    """Open reviews with no assessor, for one credential or one organization's
    credentials, most urgent first."""
    reviews = Review.objects.filter(state=ReviewState.OPEN, assessor__isnull=True)
    if credential_id is not None:
        reviews = reviews.filter(submission__credential_id=credential_id)
    if organization_id is not None:
        reviews = reviews.filter(submission__credential__organization_id=organization_id)
    return reviews.order_by("due_on", "id")


def assessor_is_eligible(*, user: User | None, submission: Submission) -> bool:
    return (
        user is not None
        and user.is_active
        and user.pk != submission.learner_id
        and _scopes_for(submission.credential).filter(user_id=user.pk).exists()
    )


def sees_every_review(user: AnyUser) -> bool:
    """Staff granted ``submissions.view_submission`` (through a group) oversee
    every review: the whole queue and each review page. ``is_staff`` alone
    does not, since a review shows the application and its evidence."""
    return can_view_every_submission(user)


def is_assessor(user: AnyUser) -> bool:
    """Whether the user has a review queue: an assessor, or staff who oversee reviews."""
    if not user.is_authenticated:
        return False
    if sees_every_review(user):
        return True
    # Asked by the navigation and by views within one request: remember the
    # answer on the request's user object. One query: an active scope, or reviews.
    cached = getattr(user, "_is_assessor", None)
    if cached is None:
        scopes = AssessorScope.objects.filter(user=user, is_active=True).values("pk")
        reviews = Review.objects.filter(assessor=user).values("pk")
        cached = scopes.union(reviews).exists()
        setattr(user, "_is_assessor", cached)  # noqa: B010  (not a declared field)
    return cached


# --- the queue ---------------------------------------------------------------------

QUEUE_STATUSES = {
    "open": Q(state=ReviewState.OPEN),
    "awarded": Q(outcome=Outcome.AWARDED),
    "denied": Q(outcome=Outcome.DENIED),
    "all": Q(),
}

QUEUE_SORTS = {
    "due": ("due_on", "id"),
    "-due": ("-due_on", "-id"),
    "submitted": ("submission__submitted_at", "id"),
    "-submitted": ("-submission__submitted_at", "-id"),
    "credential": ("submission__credential__title", "due_on", "id"),
    "-credential": ("-submission__credential__title", "due_on", "id"),
}


def review_queue(
    *,
    user: User,
    credential_id: int | None = None,
    status: str = "open",
    sort: str = "due",
    assessor: str = "",
) -> QuerySet[Review]:
    """The reviews a user works on: their own, or every review for staff who
    oversee reviews (``sees_every_review``).

    ``assessor`` (those staff only) narrows to one assessor's id, or "none" for
    reviews waiting for an assessor.
    """
    reviews = Review.objects.select_related(
        "submission", "submission__credential", "submission__credential__organization", "assessor"
    )
    if sees_every_review(user):
        if assessor == "none":
            reviews = reviews.filter(assessor__isnull=True)
        elif assessor.isdigit():
            reviews = reviews.filter(assessor_id=int(assessor))
    else:
        reviews = reviews.filter(assessor=user)
    if credential_id:
        reviews = reviews.filter(submission__credential_id=credential_id)
    reviews = reviews.filter(QUEUE_STATUSES.get(status, QUEUE_STATUSES["open"]))
    return reviews.order_by(*QUEUE_SORTS.get(sort, QUEUE_SORTS["due"]))


def queue_credentials(*, user: User) -> QuerySet[MicroCredential]:
    """Credentials to filter the queue by: those the user has reviews for."""
    reviews = (
        Review.objects.all() if sees_every_review(user) else Review.objects.filter(assessor=user)
    )
    return MicroCredential.objects.filter(
        pk__in=reviews.values("submission__credential_id")
    ).order_by("title")


def queue_assessors() -> QuerySet[User]:
    """Everyone holding an active assessor scope (the staff filter)."""
    return User.objects.filter(
        pk__in=AssessorScope.objects.filter(is_active=True).values("user_id")
    ).order_by("email")


@dataclass
class Deadline:
    due_on: datetime.date | None
    days_left: int | None  # business days; 0 on the due date
    overdue_days: int  # calendar days past the due date

    @property
    def is_overdue(self) -> bool:
        return self.overdue_days > 0


def deadline(review: Review, *, today: datetime.date | None = None) -> Deadline:
    """Days left for a review in its organization's business days (no queries
    when the submission's credential and organization are loaded)."""
    today = today or timezone.localdate()
    if not review.is_open:
        return Deadline(review.due_on, None, 0)
    calendar = calendar_for(review.submission.credential.organization)
    return Deadline(
        review.due_on,
        business_days_until(today, review.due_on, calendar=calendar),
        max((today - review.due_on).days, 0),
    )


# --- the review page ---------------------------------------------------------------


def review_get_for_user(*, submission_uuid: uuid.UUID, user: AnyUser) -> Review:
    """The review of a submission for its assigned assessor or staff who oversee
    reviews; 404 for anyone else, and always for the learner themself.

    Pages link with the submission's UUID; the review's own UUID is accepted too.
    """
    reviews = Review.objects.select_related(
        "submission",
        "submission__learner",
        "submission__credential",
        "submission__credential__organization",
        "assessor",
        "decided_by",
    )
    # Two indexed look-ups rather than one OR across the join.
    review = (
        reviews.filter(submission__uuid=submission_uuid).first()
        or reviews.filter(uuid=submission_uuid).first()
    )
    if (
        review is None
        or review.submission.learner_id == user.pk
        or not (review.assessor_id == user.pk or sees_every_review(user))
    ):
        raise Http404("No such review.")
    return review


def review_scores(review: Review) -> dict[int, CriterionScore]:
    """The review's criterion scores keyed by criterion id."""
    return {score.criterion_id: score for score in review.scores.all()}


# --- related submissions (learner and assessor pages) --------------------------------


@dataclass
class Attempt:
    submission: Submission
    number: int
    is_current: bool
    outcome: str = ""
    comment: str = ""
    scores: list[CriterionScore] = field(default_factory=list)

    @property
    def date(self) -> datetime.datetime:
        return self.submission.submitted_at or self.submission.created_at

    @property
    def has_feedback(self) -> bool:
        """A decided attempt with marks or comments to show."""
        return bool(self.outcome and (self.comment or self.scores))


@dataclass
class RelatedSubmissions:
    attempts: list[Attempt]
    awarded: bool
    denied_count: int

    @property
    def show_numbers(self) -> bool:
        """Attempt numbers and denial counts disappear once any attempt is awarded."""
        return not self.awarded

    @property
    def is_empty(self) -> bool:
        """Nothing worth a table: a single attempt with no decision yet."""
        return len(self.attempts) == 1 and not self.attempts[0].outcome


def related_submissions(*, submission: Submission) -> RelatedSubmissions:
    """Every attempt in the submission's chain, oldest first, with the feedback
    of decided attempts. Feedback never carries the assessor's identity, and an
    open review's saved progress is never included."""
    chain = submission_chain(submission)
    decided = {
        review.submission_id: review
        for review in Review.objects.filter(
            submission_id__in=[s.pk for s in chain], state=ReviewState.DECIDED
        ).prefetch_related("scores")
    }
    attempts = []
    for number, attempt in enumerate(chain, start=1):
        review = decided.get(attempt.pk)
        attempts.append(
            Attempt(
                submission=attempt,
                number=number,
                is_current=attempt.pk == submission.pk,
                outcome=review.outcome if review else "",
                comment=review.comment if review else "",
                scores=list(review.scores.all()) if review else [],
            )
        )
    return RelatedSubmissions(
        attempts=attempts,
        awarded=chain_is_awarded(chain),
        denied_count=sum(1 for s in chain if s.status == Status.DENIED),
    )


# --- staff SLA overview -----------------------------------------------------------

DAYS_LEFT_BUCKETS = [
    ("Overdue", None, -1),
    ("Due today", 0, 0),
    ("1–3 business days", 1, 3),
    ("4–7 business days", 4, 7),
    ("8–14 business days", 8, 14),
    ("More than 14 business days", 15, None),
]


def _bucket(days_left: int, overdue: bool) -> str:
    if overdue:
        return DAYS_LEFT_BUCKETS[0][0]
    for label, low, high in DAYS_LEFT_BUCKETS[1:]:
        if (low is None or days_left >= low) and (high is None or days_left <= high):
            return label
    return DAYS_LEFT_BUCKETS[-1][0]


@dataclass
class OnTimeRate:
    days: int
    decided: int
    on_time: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.on_time / self.decided, 1) if self.decided else None


def review_attention() -> dict[str, int]:
    """Counts for the admin home: open reviews waiting for an assessor, and overdue."""
    today = timezone.localdate()
    return Review.objects.filter(state=ReviewState.OPEN).aggregate(
        unassigned=Count("id", filter=Q(assessor__isnull=True)),
        overdue=Count("id", filter=Q(due_on__lt=today)),
    )


def sla_overview(*, now: datetime.datetime | None = None, overdue_limit: int = 50) -> dict:
    """Open reviews by business days left, the overdue and the unassigned lists,
    load per assessor and the on-time rate of decisions over the last 30 and 90 days.

    A fixed number of queries however many reviews exist: open reviews are
    grouped by due date and calendar in the database.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    open_reviews = Review.objects.filter(state=ReviewState.OPEN)
    groups = (
        open_reviews.values(
            "due_on",
            country=F("submission__credential__organization__holiday_country"),
            subdivision=F("submission__credential__organization__holiday_subdivision"),
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    buckets = {label: 0 for label, _, _ in DAYS_LEFT_BUCKETS}
    total_open = 0
    for group in groups:
        calendar = holiday_calendar(group["country"] or "US", group["subdivision"] or "")
        left = business_days_until(today, group["due_on"], calendar=calendar)
        buckets[_bucket(left, group["due_on"] < today)] += group["n"]
        total_open += group["n"]
    overdue = list(
        open_reviews.filter(due_on__lt=today)
        .select_related(
            "submission",
            "submission__credential",
            "submission__credential__organization",
            "assessor",
        )
        .order_by("due_on", "id")[:overdue_limit]
    )
    unassigned = list(
        open_reviews.filter(assessor__isnull=True)
        .select_related(
            "submission", "submission__credential", "submission__credential__organization"
        )
        .order_by("due_on", "id")[:overdue_limit]
    )
    load = list(
        open_reviews.filter(assessor__isnull=False)
        .values("assessor_id", "assessor__email", "assessor__name")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
        .order_by("-open", "assessor__email")
    )
    rates = []
    decided = Review.objects.filter(state=ReviewState.DECIDED).annotate(
        decided_on=TruncDate("decided_at")
    )
    for days in (30, 90):
        since = now - datetime.timedelta(days=days)
        figures = decided.filter(decided_at__gte=since).aggregate(
            decided=Count("id"), on_time=Count("id", filter=Q(decided_on__lte=F("due_on")))
        )
        rates.append(OnTimeRate(days=days, **figures))
    return {
        "today": today,
        "total_open": total_open,
        "buckets": [(label, buckets[label]) for label, _, _ in DAYS_LEFT_BUCKETS],
        "overdue_count": buckets[DAYS_LEFT_BUCKETS[0][0]],
        "overdue": [(review, deadline(review, today=today)) for review in overdue],
        "unassigned": open_reviews.filter(assessor__isnull=True).count(),
        "unassigned_reviews": [(review, deadline(review, today=today)) for review in unassigned],
        "load": load,
        "rates": rates,
    }
