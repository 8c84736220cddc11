"""The review SLA as pages show it: days left per review, and the staff overview."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.db.models.lookups import In
from django.utils import timezone
from holidays import HolidayBase

from credentials.models import MicroCredential
from submissions.models import Submission

from ..business_days import business_days_until, calendar_for, holiday_calendar
from ..models import OrganizationReviewSettings, Review, ReviewState


def sla_business_days(*, organization_id: int | None) -> int:
    """An organization's decision SLA in business days: its own setting, else the
    site default (``settings.SLA_BUSINESS_DAYS``). One query."""
    days = (
        OrganizationReviewSettings.objects.filter(organization_id=organization_id)
        .values_list("sla_business_days", flat=True)
        .first()
        if organization_id is not None
        else None
    )
    return days or settings.SLA_BUSINESS_DAYS


def sla_business_days_by_organization(organization_ids: list[int]) -> dict[int, int]:
    """The SLA of several organizations at once (one query), for set-wise statistics."""
    chosen = dict(
        OrganizationReviewSettings.objects.filter(
            organization_id__in=organization_ids, sla_business_days__isnull=False
        ).values_list("organization_id", "sla_business_days")
    )
    return {pk: chosen.get(pk) or settings.SLA_BUSINESS_DAYS for pk in organization_ids}


@dataclass
class Deadline:
    due_on: datetime.date | None
    days_left: int | None  # business days; 0 on the due date
    overdue_days: int  # business days past the due date, like days_left
    # Past the due date; true with 0 overdue days on the weekend straight after it.
    is_overdue: bool = False


def deadline(review: Review, *, today: datetime.date | None = None) -> Deadline:
    """Days left for a review in its organization's business days (no queries
    when the submission's credential and organization are loaded)."""
    today = today or timezone.localdate()
    if not review.is_open:
        return Deadline(review.due_on, None, 0)
    calendar = calendar_for(review.submission.credential.organization)
    left = business_days_until(today, review.due_on, calendar=calendar)
    return Deadline(review.due_on, left, max(-left, 0), review.due_on < today)


# --- the staff overview ---------------------------------------------------------------

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


def sweep_calendars() -> list[tuple[Q | None, HolidayBase]]:
    """The holiday calendars organizations use, each with the condition that picks
    its reviews (None when one calendar serves every organization).

    The SLA sweep computes its dates once per calendar, so its queries grow
    with the calendars in use (a handful), never with the reviews. One query.

    A review's calendar is looked up from its own row (its submission's
    credential, by primary key) rather than by joining the organizations:
    the sweep's UPDATE then stays on the reviews table, starts from the partial
    index of the step it claims and looks up only the rows it finds there. A
    join let the planner read every submission of the calendar's credentials
    (at 1,000,000 open reviews, a full scan of both tables per UPDATE).
    """
    credentials = MicroCredential.objects.order_by("pk").values_list(
        "pk", "organization__holiday_country", "organization__holiday_subdivision"
    )
    groups: dict[int, tuple[HolidayBase, list[int]]] = {}
    for credential_id, country, subdivision in credentials:
        calendar = holiday_calendar(country or "US", subdivision or "")
        groups.setdefault(id(calendar), (calendar, []))[1].append(credential_id)
    if len(groups) <= 1:
        calendar = next(iter(groups.values()))[0] if groups else holiday_calendar()
        return [(None, calendar)]
    credential_of_review = Subquery(
        Submission.objects.filter(pk=OuterRef("submission_id")).order_by().values("credential_id")
    )
    return [(Q(In(credential_of_review, ids)), calendar) for calendar, ids in groups.values()]
