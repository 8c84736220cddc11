"""Award pieces shown on pages other apps own (submission page, dashboard, emails)."""

from django import template
from django.template.loader import render_to_string
from django.utils import timezone

from .. import documents, selectors

register = template.Library()


@register.inclusion_tag("badges/_award_panel.html")
def award_panel(submission, compact=False):
    """The award of an awarded submission: its public page, status, expiry and
    the earner's settings link. Renders nothing for a submission without one.

    In a list, join the badge in first (``badges.selectors.with_badges`` or
    ``select_related("award__badge")``) and no query runs per row.
    """
    badge = None
    if submission is not None and getattr(submission, "status", None) == "awarded":
        badge = selectors.badge_for_submission(submission)
    return {
        "badge": badge,
        "submission": submission,
        "status": badge.status() if badge else None,
        "compact": compact,
    }


@register.simple_tag
def upcoming_expiries(user) -> str:
    """The user's awards that expire soon (BADGES_EXPIRY_NOTICE_DAYS): no query
    while her awards are unchanged (``selectors.expiring_soon``), and nothing
    rendered when none do. How many days are left is worked out on each request."""
    now = timezone.now()
    expiring = selectors.expiring_soon(user=user, now=now)
    if not expiring:
        return ""
    return render_to_string(
        "badges/_upcoming_expiries.html",
        {"expiring": [(item, (item.valid_until - now).days) for item in expiring]},
    )


@register.simple_tag
def badge_public_url(submission) -> str:
    """The absolute URL of an awarded submission's public award page, or ""."""
    badge = selectors.badge_for_submission(submission)
    return documents.public_url(badge.award) if badge else ""
