"""Public turnaround statistics: how many business days decisions take.

For a credential or an organization, over the decisions of the last 90 days:
the median and the 90th percentile of business days from entering review
(submission, or payment when a fee is due: when the SLA clock starts) to the
decision, and the share decided on or before the due date. Business days
follow the organization's holiday calendar, as the SLA does.

Set-wise: one GROUP BY over (start date, decision date) returns a few hundred
rows however many decisions there are; business days are counted per date
pair from the calendar, and the percentiles come from the weighted counts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from holidays import HolidayBase

from assessments.business_days import calendar_for
from assessments.models import Review, ReviewState
from assessments.selectors import sla_business_days
from credentials.models import MicroCredential, Organization

WINDOW_DAYS = 90
CACHE_SECONDS = 15 * 60


@dataclass(frozen=True)
class Turnaround:
    """Figures for one credential or organization; None where nothing was decided."""

    decided: int
    median_days: float | None
    p90_days: float | None
    on_time: int
    sla_days: int
    window_days: int = WINDOW_DAYS

    @property
    def median_plural(self) -> int:
        """A whole number that picks the plural form of the (fractional) median."""
        return 1 if self.median_days == 1 else 2

    @property
    def p90_plural(self) -> int:
        return 1 if self.p90_days == 1 else 2

    @property
    def on_time_percent(self) -> float | None:
        return round(100 * self.on_time / self.decided, 1) if self.decided else None


def weighted_quantile(counts: Sequence[tuple[int, int]], q: float) -> float | None:
    """The ``q`` quantile (0..1) of values given as (value, how many), with linear
    interpolation between order statistics (numpy's default method)."""
    ordered = sorted((value, n) for value, n in counts if n > 0)
    total = sum(n for _, n in ordered)
    if not total:
        return None
    position = (total - 1) * q
    lower_rank = int(position)
    fraction = position - lower_rank

    def at(rank: int) -> int:
        seen = 0
        for value, n in ordered:
            seen += n
            if rank < seen:
                return value
        return ordered[-1][0]

    low = at(lower_rank)
    high = at(min(lower_rank + 1, total - 1))
    return round(low + (high - low) * fraction, 1)


def _business_day_index(
    calendar: HolidayBase, first: datetime.date, last: datetime.date
) -> dict[datetime.date, int]:
    """For each date from ``first`` to ``last``: business days from ``first`` up to
    and including it, so the business days after a start up to a decision are
    ``index[decision] - index[start]``."""
    index: dict[datetime.date, int] = {}
    count = 0
    day = first
    while day <= last:
        if calendar.is_working_day(day):
            count += 1
        index[day] = count
        day += datetime.timedelta(days=1)
    return index


def decided_groups(reviews: QuerySet[Review], *extra: str) -> QuerySet:
    """Decisions grouped by start date and decision date (and ``extra`` fields),
    with how many and how many on time."""
    return (
        reviews.filter(state=ReviewState.DECIDED)
        .annotate(
            started_on=TruncDate(
                Coalesce("submission__review_started_at", "submission__submitted_at")
            ),
            decided_on=TruncDate("decided_at"),
        )
        .values("started_on", "decided_on", *extra)
        .annotate(n=Count("id"), on_time=Count("id", filter=Q(decided_on__lte=F("due_on"))))
        .order_by()
    )


def business_day_counts(rows: Iterable[dict], calendar: HolidayBase) -> list[tuple[int, int]]:
    """(business days, how many) for grouped rows with ``started_on``/``decided_on``."""
    rows = [row for row in rows if row["started_on"] and row["decided_on"]]
    if not rows:
        return []
    first = min(row["started_on"] for row in rows)
    last = max(row["decided_on"] for row in rows)
    index = _business_day_index(calendar, first, max(first, last))
    return [(max(index[row["decided_on"]] - index[row["started_on"]], 0), row["n"]) for row in rows]


def summarize(rows: list[dict], calendar: HolidayBase, *, sla_days: int) -> Turnaround:
    counts = business_day_counts(rows, calendar)
    return Turnaround(
        decided=sum(row["n"] for row in rows),
        median_days=weighted_quantile(counts, 0.5),
        p90_days=weighted_quantile(counts, 0.9),
        on_time=sum(row["on_time"] for row in rows),
        sla_days=sla_days,
    )


def _recent(now: datetime.datetime | None) -> QuerySet[Review]:
    now = now or timezone.now()
    return Review.objects.filter(decided_at__gte=now - datetime.timedelta(days=WINDOW_DAYS))


def credential_turnaround(
    *, credential: MicroCredential, now: datetime.datetime | None = None
) -> Turnaround:
    """The figures for one credential (decisions on earlier versions of it count
    too: they share its lineage). Two queries; needs
    ``credential.organization`` (loaded on the details page)."""
    organization = credential.organization
    rows = list(
        decided_groups(_recent(now).filter(submission__credential__lineage=credential.lineage))
    )
    return summarize(
        rows,
        calendar_for(organization),
        sla_days=sla_business_days(organization_id=organization.pk),
    )


def organization_turnaround(
    *, organization: Organization, now: datetime.datetime | None = None
) -> tuple[Turnaround, list[tuple[str, Turnaround]]]:
    """The organization's figures, and each of its credentials' (by title), in
    three queries."""
    sla = sla_business_days(organization_id=organization.pk)
    calendar = calendar_for(organization)
    credentials = list(
        MicroCredential.objects.filter(organization=organization).values_list(
            "pk", "lineage", "title", "is_published"
        )
    )
    titles = {lineage: title for _, lineage, title, published in credentials if published}
    # By the credentials' ids, so the database reads only this organization's
    # applications (by their credential index) instead of every application.
    rows = list(
        decided_groups(
            _recent(now).filter(submission__credential_id__in=[pk for pk, *_ in credentials]),
            "submission__credential__lineage",
        )
    )
    by_lineage: dict[Any, list[dict]] = {}
    for row in rows:
        by_lineage.setdefault(row["submission__credential__lineage"], []).append(row)
    per_credential = [
        (titles[lineage], summarize(group, calendar, sla_days=sla))
        for lineage, group in by_lineage.items()
        if lineage in titles
    ]
    per_credential.sort(key=lambda item: item[0])
    return summarize(rows, calendar, sla_days=sla), per_credential


def cached_credential_turnaround(*, credential: MicroCredential) -> Turnaround:
    """``credential_turnaround`` kept for a quarter of an hour: the details page
    is public and busy, the figures move slowly."""
    key = f"calibration:turnaround:credential:{credential.lineage}"
    figures = cache.get(key)
    if figures is None:
        figures = credential_turnaround(credential=credential)
        cache.set(key, figures, CACHE_SECONDS)
    return figures
