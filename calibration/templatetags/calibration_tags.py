"""Calibration pieces shown on pages other apps own (the credential details page)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from accounts import nav
from assessments import nav as assessment_nav
from assessments import selectors as assessment_selectors

from ..selectors import sets, turnaround

register = template.Library()


@register.inclusion_tag("calibration/_turnaround.html")
def turnaround_panel(credential):
    """The credential's public turnaround figures: median and 90th percentile of
    business days to a decision over the last 90 days, and the share on time.
    Cached, so the details page adds no query on a warm cache (two on a cold one)."""
    organization = credential.organization
    return {
        "figures": turnaround.cached_credential_turnaround(credential=credential),
        "id": "credential",
        "organization": organization,
        "organization_url": reverse("calibration:turnaround", kwargs={"slug": organization.slug}),
    }


@register.simple_tag
def calibration_nav_link(user):
    """A "Calibration" navigation item for assessors and staff who manage calibration
    or read the quality dashboard. In the header of every page: the answer is
    remembered per user until her roles change (``accounts.nav``; no query then)."""
    show = user.is_authenticated and nav.remembered(
        user,
        "calibration",
        lambda: (
            assessment_nav.has_review_queue(user)
            or sets.can_manage(user)
            or sets.sees_every_assessor(user)
        ),
    )
    if not show:
        return ""
    return format_html(
        '<li><a href="{}">{}</a></li>', reverse("calibration:home"), gettext("Calibration")
    )


@register.simple_tag
def review_sla_days(organization) -> int:
    """The organization's decision SLA in business days, for pages of apps that
    cannot ask assessments themselves (the checkout page). One query."""
    return assessment_selectors.sla_business_days(organization_id=organization.pk)
