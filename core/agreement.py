"""Agreement between two raters: percent agreement and Cohen's kappa.

Quality reviewers (two per round) and assessors (two per double-scored
submission, or an assessor against an anchor's true scoring) each put an item
into one of a few categories (met / not yet met, awarded / denied). How often
they agree is the figure people quote, but two raters who both say "met" 95%
of the time agree 90% by chance alone; Cohen's kappa corrects for that, which
is why both are published side by side.

The input is a contingency table (how many items rater A put in category a
while rater B put them in b), so callers count pairs set-wise in SQL
(``values(a, b).annotate(n=Count(...))``) and never loop over rows here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Agreement:
    """How far two raters agree over ``pairs`` items.

    ``kappa`` is None when it is undefined: no pairs, or both raters used one
    and the same single category throughout (chance agreement is then 1, and
    kappa's denominator is zero). Percent agreement is still meaningful there.
    """

    pairs: int
    agreed: int
    percent: float | None
    kappa: float | None

    @property
    def kappa_label(self) -> str:
        """Landis and Koch's reading of kappa, the scale the field reports against."""
        if self.kappa is None:
            return "undefined"
        for ceiling, label in (
            (0.0, "poor"),
            (0.2, "slight"),
            (0.4, "fair"),
            (0.6, "moderate"),
            (0.8, "substantial"),
        ):
            if self.kappa <= ceiling:
                return label
        return "almost perfect"


def agreement_from_table(table: Mapping[tuple[str, str], int]) -> Agreement:
    """Percent agreement and Cohen's kappa from counts of (rater A, rater B) pairs.

    kappa = (p_o - p_e) / (1 - p_e), where p_o is the observed share of agreeing
    pairs and p_e the agreement expected by chance from each rater's marginal
    shares. Counts of zero or below are ignored.
    """
    counts = {pair: n for pair, n in table.items() if n > 0}
    total = sum(counts.values())
    if total == 0:
        return Agreement(pairs=0, agreed=0, percent=None, kappa=None)
    agreed = sum(n for (a, b), n in counts.items() if a == b)
    row: dict[str, int] = {}
    column: dict[str, int] = {}
    for (a, b), n in counts.items():
        row[a] = row.get(a, 0) + n
        column[b] = column.get(b, 0) + n
    observed = agreed / total
    expected = sum(row[c] * column.get(c, 0) for c in row) / (total * total)
    kappa = None if expected >= 1 else (observed - expected) / (1 - expected)
    return Agreement(pairs=total, agreed=agreed, percent=100 * observed, kappa=kappa)


def agreement_from_pairs(pairs: Iterable[tuple[str, str]]) -> Agreement:
    """The same figures from individual pairs (for small sets and tests)."""
    table: dict[tuple[str, str], int] = {}
    for pair in pairs:
        table[pair] = table.get(pair, 0) + 1
    return agreement_from_table(table)
