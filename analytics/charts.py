"""Charts drawn on the server as inline SVG (no scripts, our own origin);
every chart has a table beside it with the same figures."""

from __future__ import annotations

from django.utils.translation import gettext as _

BAR_WIDTH = 400


def stage_label(stage: str) -> str:
    return {
        "applied": _("Applied"),
        "submitted": _("Submitted"),
        "paid": _("Paid"),
        "decided": _("Decided"),
        "awarded": _("Awarded"),
        "resubmitted": _("Resubmitted"),
    }[stage]


def funnel(totals: dict[str, int]) -> list[dict]:
    """One bar per funnel stage, scaled to the widest."""
    from .selectors import STAGES

    top = max([totals[s] for s in STAGES] + [1])
    return [
        {
            "label": stage_label(s),
            "value": totals[s],
            "width": round(BAR_WIDTH * totals[s] / top),
            "y": i * 32,
        }
        for i, s in enumerate(STAGES)
    ]


def safe_cell(value: str) -> str:
    """A spreadsheet cell that is never read as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
