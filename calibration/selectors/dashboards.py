"""Agreement and quality figures: per credential, per criterion and per assessor.

Every figure is counted in the database (GROUP BY) and turned into percent
agreement and Cohen's kappa by ``core.agreement.agreement_from_table``; no
row is loaded per review, so the number of queries is the same for five
decided reviews as for five hundred thousand.

- Paired scorings: a review's first scoring against its second (or sampled
  second) one, from ``assessments.selectors.criterion_pairs`` (marks per
  criterion) and ``scoring_pairs`` (outcomes).
- Agreement with anchors: an assessor's marks in submitted calibrations
  against the anchors' true marks.
- Leniency: an assessor's award rate against everyone else's, over single
  decisions and submitted scorings.
- Drift: paired agreement and the award rate by month.
- Time to decision: business days from entering review to the decision.
- Reversal rate: of an assessor's scorings that went to adjudication, the
  share whose outcome the adjudicator changed.

``assessor_id`` limits everything to what one assessor did (their own page:
peers appear only as an anonymous average).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import User
from assessments import selectors as assessment_selectors
from assessments.business_days import holiday_calendar
from assessments.models import (
    Outcome,
    Review,
    ReviewState,
    Scoring,
    ScoringKind,
    ScoringModel,
    ScoringState,
)
from core.agreement import Agreement, agreement_from_table
from credentials.models import MicroCredential, RubricCriterion

from ..models import AttemptMark, AttemptState
from .turnaround import business_day_counts, decided_groups, weighted_quantile

SCORED_KINDS = (ScoringKind.FIRST, ScoringKind.SECOND, ScoringKind.SAMPLE)
DRIFT_MONTHS = 12


def _label(value: object) -> str:
    return {True: "met", False: "not_met"}.get(value, str(value))  # type: ignore[call-overload]


def _tables(
    rows: Iterable[dict], key: str, a: str, b: str
) -> dict[Any, dict[tuple[str, str], int]]:
    """Contingency tables per ``key`` from grouped rows with counts in ``n``."""
    tables: dict[Any, dict[tuple[str, str], int]] = defaultdict(dict)
    for row in rows:
        pair = (_label(row[a]), _label(row[b]))
        table = tables[row[key]]
        table[pair] = table.get(pair, 0) + row["n"]
    return tables


def _grouped(queryset: QuerySet, *fields: str) -> list[dict]:
    return list(queryset.values(*fields).annotate(n=Count("*")).order_by())


@dataclass
class AgreementRow:
    """One line of an agreement table: who or what, and the figures."""

    key: object
    label: str
    criteria: Agreement
    outcomes: Agreement | None = None


@dataclass
class AssessorRow:
    """One assessor's quality figures."""

    assessor_id: int
    label: str
    paired: Agreement
    anchors: Agreement
    decisions: int = 0
    awarded: int = 0
    peer_award_percent: float | None = None
    adjudicated: int = 0
    reversed: int = 0
    median_days: float | None = None

    @property
    def award_percent(self) -> float | None:
        return round(100 * self.awarded / self.decisions, 1) if self.decisions else None

    @property
    def leniency(self) -> float | None:
        """Award rate minus the peers' award rate, in percentage points."""
        if self.award_percent is None or self.peer_award_percent is None:
            return None
        return round(self.award_percent - self.peer_award_percent, 1)

    @property
    def reversal_percent(self) -> float | None:
        return round(100 * self.reversed / self.adjudicated, 1) if self.adjudicated else None


@dataclass
class MonthRow:
    month: datetime.date
    criteria: Agreement
    decisions: int = 0
    awarded: int = 0

    @property
    def award_percent(self) -> float | None:
        return round(100 * self.awarded / self.decisions, 1) if self.decisions else None


@dataclass
class Dashboard:
    overall: Agreement
    overall_outcomes: Agreement
    anchors: Agreement
    credentials: list[AgreementRow] = field(default_factory=list)
    criteria: list[AgreementRow] = field(default_factory=list)
    assessors: list[AssessorRow] = field(default_factory=list)
    months: list[MonthRow] = field(default_factory=list)
    median_days: float | None = None
    p90_days: float | None = None
    decided: int = 0


def _decisions() -> tuple[QuerySet, QuerySet]:
    """Who decided what: single reviews (the review's decider) and submitted
    first, second and sampled scorings."""
    single = Review.objects.filter(state=ReviewState.DECIDED, scoring_model=ScoringModel.SINGLE)
    scorings = Scoring.objects.filter(state=ScoringState.SUBMITTED, kind__in=SCORED_KINDS)
    return single, scorings


def quality_dashboard(
    *,
    credential_id: int | None = None,
    assessor_id: int | None = None,
    now: datetime.datetime | None = None,
) -> Dashboard:
    """Every figure of the dashboard in a fixed number of queries (about 16)."""
    now = now or timezone.now()
    marks = assessment_selectors.criterion_pairs()
    outcomes = assessment_selectors.scoring_pairs()
    anchor_marks = AttemptMark.objects.filter(
        answer__attempt__state__in=(AttemptState.PASSED, AttemptState.FAILED),
        met__isnull=False,
        true_met__isnull=False,
    )
    single, scorings = _decisions()
    if credential_id is not None:
        marks = marks.filter(scoring__review__submission__credential_id=credential_id)
        outcomes = outcomes.filter(review__submission__credential_id=credential_id)
        single = single.filter(submission__credential_id=credential_id)
        scorings = scorings.filter(review__submission__credential_id=credential_id)
    if assessor_id is not None:
        mine = Q(scoring__assessor_id=assessor_id) | Q(second_assessor_id=assessor_id)
        marks = marks.filter(mine)
        outcomes = outcomes.filter(Q(assessor_id=assessor_id) | Q(second_assessor_id=assessor_id))
        anchor_marks = anchor_marks.filter(answer__attempt__assessor_id=assessor_id)

    # Paired marks: per credential, per criterion, per month (one query each).
    by_credential = _tables(
        _grouped(marks, "credential_id", "first_met", "second_met"),
        "credential_id",
        "first_met",
        "second_met",
    )
    outcome_tables = _tables(
        _grouped(outcomes, "credential_id", "first_outcome", "second_outcome"),
        "credential_id",
        "first_outcome",
        "second_outcome",
    )
    by_criterion = _tables(
        _grouped(marks, "criterion_id", "first_met", "second_met"),
        "criterion_id",
        "first_met",
        "second_met",
    )
    since = (now - datetime.timedelta(days=31 * DRIFT_MONTHS)).replace(day=1)
    by_month = _tables(
        _grouped(
            marks.filter(scoring__submitted_at__gte=since).annotate(
                month=TruncMonth("scoring__submitted_at")
            ),
            "month",
            "first_met",
            "second_met",
        ),
        "month",
        "first_met",
        "second_met",
    )
    overall = agreement_from_table(_merge(by_credential.values()))
    overall_outcomes = agreement_from_table(_merge(outcome_tables.values()))

    # Per assessor: their marks against their partner's, whichever side they were on.
    per_assessor: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    for side, own, other in (
        ("first_assessor_id", "first_met", "second_met"),
        ("second_assessor_id", "second_met", "first_met"),
    ):
        for key, table in _tables(_grouped(marks, side, own, other), side, own, other).items():
            for pair, n in table.items():
                per_assessor[key][pair] = per_assessor[key].get(pair, 0) + n
    anchor_tables = _tables(
        _grouped(anchor_marks, "answer__attempt__assessor_id", "met", "true_met"),
        "answer__attempt__assessor_id",
        "met",
        "true_met",
    )

    # Leniency: decisions and awards per person, then each against everyone else.
    awards: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for column, rows in (
        (
            "decided_by_id",
            single.values("decided_by_id").annotate(
                n=Count("id"), awarded=Count("id", filter=Q(outcome=Outcome.AWARDED))
            ),
        ),
        (
            "assessor_id",
            scorings.values("assessor_id").annotate(
                n=Count("id"), awarded=Count("id", filter=Q(outcome=Outcome.AWARDED))
            ),
        ),
    ):
        for row in rows.order_by():
            if row[column] is not None:
                awards[row[column]][0] += row["n"]
                awards[row[column]][1] += row["awarded"]
    total_decisions = sum(n for n, _ in awards.values())
    total_awarded = sum(a for _, a in awards.values())

    # Reversal at adjudication: scorings whose review an adjudicator decided otherwise.
    adjudication = Scoring.objects.filter(
        review_id=OuterRef("review_id"),
        kind=ScoringKind.ADJUDICATION,
        state=ScoringState.SUBMITTED,
    ).values("outcome")[:1]
    reversals: dict[int, dict] = {
        row["assessor_id"]: row
        for row in scorings.filter(kind__in=(ScoringKind.FIRST, ScoringKind.SECOND))
        .annotate(adjudicated=Subquery(adjudication))
        .filter(adjudicated__isnull=False)
        .values("assessor_id")
        .annotate(
            n=Count("id"),
            reversed=Count("id", filter=~Q(outcome=F("adjudicated"))),
        )
        .order_by()
        if row["assessor_id"] is not None
    }

    # Drift of the award rate, by month of the decision.
    monthly_awards = {
        row["month"]: row
        for row in Review.objects.filter(state=ReviewState.DECIDED, decided_at__gte=since)
        .filter(**({"submission__credential_id": credential_id} if credential_id else {}))
        .filter(
            **({"decided_by_id": assessor_id} if assessor_id is not None else {}),
        )
        .annotate(month=TruncMonth("decided_at"))
        .values("month")
        .annotate(n=Count("id"), awarded=Count("id", filter=Q(outcome=Outcome.AWARDED)))
        .order_by()
    }

    # Time to decision (business days, each organization's calendar), overall
    # and per decider.
    decided = Review.objects.all()
    if credential_id is not None:
        decided = decided.filter(submission__credential_id=credential_id)
    if assessor_id is not None:
        decided = decided.filter(decided_by_id=assessor_id)
    day_rows = list(
        decided_groups(
            decided,
            "decided_by_id",
            "submission__credential__organization__holiday_country",
            "submission__credential__organization__holiday_subdivision",
        )
    )
    days_all: list[tuple[int, int]] = []
    days_by_person: dict[int, list[tuple[int, int]]] = defaultdict(list)
    by_calendar: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in day_rows:
        by_calendar[
            (
                row["submission__credential__organization__holiday_country"] or "US",
                row["submission__credential__organization__holiday_subdivision"] or "",
            )
        ].append(row)
    for (country, subdivision), rows in by_calendar.items():
        counts = business_day_counts(rows, holiday_calendar(country, subdivision))
        for row, (days, n) in zip(
            [r for r in rows if r["started_on"] and r["decided_on"]], counts, strict=True
        ):
            days_all.append((days, n))
            if row["decided_by_id"] is not None:
                days_by_person[row["decided_by_id"]].append((days, n))

    # Names and titles, one query each.
    people: set[int] = {
        int(p) for p in (*per_assessor, *anchor_tables, *awards, *reversals) if p is not None
    }
    if assessor_id is not None:
        people = {assessor_id}
    names = {
        u.pk: u.name or u.email
        for u in User.objects.filter(pk__in=people).only("id", "name", "email")
    }
    titles = dict(
        MicroCredential.objects.filter(
            pk__in=list(by_credential) + list(outcome_tables)
        ).values_list("pk", "title")
    )
    criterion_titles = dict(
        RubricCriterion.objects.filter(pk__in=list(by_criterion)).values_list("pk", "title")
    )

    assessors = []
    for person in sorted(people, key=lambda p: str(names.get(p, p))):
        decisions, awarded = awards.get(person, [0, 0])
        others = total_decisions - decisions
        reversal: dict = reversals.get(person) or {"n": 0, "reversed": 0}
        assessors.append(
            AssessorRow(
                assessor_id=person,
                label=names.get(person, "—"),
                paired=agreement_from_table(per_assessor.get(person, {})),
                anchors=agreement_from_table(anchor_tables.get(person, {})),
                decisions=decisions,
                awarded=awarded,
                peer_award_percent=(
                    round(100 * (total_awarded - awarded) / others, 1) if others else None
                ),
                adjudicated=reversal["n"],
                reversed=reversal["reversed"],
                median_days=weighted_quantile(days_by_person.get(person, []), 0.5),
            )
        )
    months = sorted(set(by_month) | set(monthly_awards), key=_month_key)
    return Dashboard(
        overall=overall,
        overall_outcomes=overall_outcomes,
        anchors=agreement_from_table(_merge(anchor_tables.values())),
        credentials=sorted(
            (
                AgreementRow(
                    key=pk,
                    label=titles.get(pk, "—"),
                    criteria=agreement_from_table(by_credential.get(pk, {})),
                    outcomes=agreement_from_table(outcome_tables.get(pk, {})),
                )
                for pk in set(by_credential) | set(outcome_tables)
            ),
            key=lambda row: row.label,
        ),
        criteria=sorted(
            (
                AgreementRow(
                    key=pk,
                    label=criterion_titles.get(pk, f"#{pk}"),
                    criteria=agreement_from_table(t),
                )
                for pk, t in by_criterion.items()
            ),
            key=lambda row: row.label,
        ),
        assessors=assessors,
        months=[
            MonthRow(
                month=_month_key(month),
                criteria=agreement_from_table(by_month.get(month, {})),
                decisions=monthly_awards.get(month, {}).get("n", 0),
                awarded=monthly_awards.get(month, {}).get("awarded", 0),
            )
            for month in months
        ],
        median_days=weighted_quantile(days_all, 0.5),
        p90_days=weighted_quantile(days_all, 0.9),
        decided=sum(n for _, n in days_all),
    )


def _month_key(month: object) -> datetime.date:
    if isinstance(month, datetime.datetime):
        return timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
    return month  # type: ignore[return-value]


def _merge(tables: Iterable[dict[tuple[str, str], int]]) -> dict[tuple[str, str], int]:
    merged: dict[tuple[str, str], int] = {}
    for table in tables:
        for pair, n in table.items():
            merged[pair] = merged.get(pair, 0) + n
    return merged
