"""Quality reports per framework: pass rates, rounds to pass, time in review, agreement.

Everything is counted set-wise in SQL (a handful of grouped queries whatever
the number of rounds); only the small per-component tables are combined in
Python, by ``core.agreement``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
)

from core.agreement import Agreement, agreement_from_table

from .models import (
    CLOSED_ROUND_STATUSES,
    AssignmentStatus,
    Component,
    ComponentResult,
    Framework,
    Mark,
    ReviewRound,
    ReviewScore,
    RoundStatus,
)
from .selectors import framework_components


@dataclass
class ComponentLine:
    component: Component
    results: int = 0
    met: int = 0
    agreement: Agreement | None = None

    @property
    def pass_rate(self) -> float | None:
        return 100 * self.met / self.results if self.results else None


@dataclass
class StandardLine:
    code: str
    title: str
    results: int = 0
    met: int = 0
    components: list[ComponentLine] = field(default_factory=list)

    @property
    def pass_rate(self) -> float | None:
        return 100 * self.met / self.results if self.results else None


@dataclass
class FrameworkReport:
    standards: list[StandardLine]
    rounds_to_pass: list[tuple[int, int]]  # (round number, credentials that passed in it)
    average_rounds_to_pass: float | None
    closed_rounds: int
    average_days_in_review: float | None
    agreement: Agreement


def agreement_tables(*, framework: Framework) -> dict[int, dict[tuple[str, str], int]]:
    """Per component, how often (first reviewer's mark, second reviewer's mark) occurred.

    Pairs the regular (not settling) submitted reviews of each round: every
    score is matched with the score of the same component by the round's
    next reviewer (a higher assignment id), in one grouped query.
    """
    regular = Q(
        assignment__settles=False,
        assignment__status=AssignmentStatus.SUBMITTED,
        assignment__round__framework=framework,
    )
    partner = (
        ReviewScore.objects.filter(
            regular,
            assignment__round=OuterRef("assignment__round"),
            component=OuterRef("component"),
            assignment__id__gt=OuterRef("assignment__id"),
        )
        .order_by("assignment__id")
        .values("mark")[:1]
    )
    tables: dict[int, dict[tuple[str, str], int]] = {}
    rows = (
        ReviewScore.objects.filter(regular)
        .annotate(other=Subquery(partner))
        .filter(other__isnull=False)
        .values("component_id", "mark", "other")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        table = tables.setdefault(row["component_id"], {})
        table[(row["mark"], row["other"])] = row["n"]
    return tables


def framework_report(*, framework: Framework) -> FrameworkReport:
    components = list(framework_components(framework=framework))
    closed = Q(round__framework=framework, round__status__in=CLOSED_ROUND_STATUSES)
    counts = {
        row["component_id"]: row
        for row in ComponentResult.objects.filter(closed)
        .values("component_id")
        .annotate(total=Count("id"), met=Count("id", filter=Q(mark=Mark.MET)))
        .order_by()
    }
    tables = agreement_tables(framework=framework)
    standards: list[StandardLine] = []
    overall: dict[tuple[str, str], int] = {}
    for component in components:
        standard = component.standard
        if not standards or standards[-1].code != standard.code:
            standards.append(StandardLine(standard.code, standard.title))
        row = counts.get(component.pk, {"total": 0, "met": 0})
        table = tables.get(component.pk, {})
        for pair, n in table.items():
            overall[pair] = overall.get(pair, 0) + n
        line = ComponentLine(component, row["total"], row["met"], agreement_from_table(table))
        standards[-1].components.append(line)
        standards[-1].results += line.results
        standards[-1].met += line.met

    passed = ReviewRound.objects.filter(framework=framework, status=RoundStatus.PASSED)
    rounds_to_pass = [
        (row["number"], row["n"])
        for row in passed.values("number").annotate(n=Count("id")).order_by("number")
    ]
    average_rounds = passed.aggregate(avg=Avg("number"))["avg"]
    closed_rounds = ReviewRound.objects.filter(
        framework=framework, status__in=CLOSED_ROUND_STATUSES, closed_at__isnull=False
    )
    duration = closed_rounds.aggregate(
        n=Count("id"),
        avg=Avg(ExpressionWrapper(F("closed_at") - F("opened_at"), output_field=DurationField())),
    )
    average = duration["avg"]
    if isinstance(average, (int, float)):  # some databases return microseconds
        average = datetime.timedelta(microseconds=average)
    return FrameworkReport(
        standards=standards,
        rounds_to_pass=rounds_to_pass,
        average_rounds_to_pass=float(average_rounds) if average_rounds is not None else None,
        closed_rounds=duration["n"],
        average_days_in_review=average.total_seconds() / 86400 if average is not None else None,
        agreement=agreement_from_table(overall),
    )


def _figure(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def framework_report_rows(*, framework: Framework) -> list[list[Any]]:
    """The report as CSV lines: one a component, then one a standard."""
    report = framework_report(framework=framework)
    lines: list[list[Any]] = [
        [
            "level",
            "standard_code",
            "standard_title",
            "component_code",
            "component_title",
            "required",
            "results",
            "met",
            "pass_rate_percent",
            "reviewer_pairs",
            "percent_agreement",
            "cohens_kappa",
        ]
    ]
    for standard in report.standards:
        for line in standard.components:
            agreement = line.agreement
            lines.append(
                [
                    "component",
                    standard.code,
                    standard.title,
                    line.component.code,
                    line.component.title,
                    "true" if line.component.required else "false",
                    line.results,
                    line.met,
                    _figure(line.pass_rate),
                    agreement.pairs if agreement else 0,
                    _figure(agreement.percent if agreement else None),
                    _figure(agreement.kappa if agreement else None, 3),
                ]
            )
    for standard in report.standards:
        lines.append(
            [
                "standard",
                standard.code,
                standard.title,
                "",
                "",
                "",
                standard.results,
                standard.met,
                _figure(standard.pass_rate),
                "",
                "",
                "",
            ]
        )
    return lines
