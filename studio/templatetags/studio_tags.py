"""Template tags other apps' templates load to point designers at the studio."""

from typing import Any

from django import forms, template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from accounts import nav
from accounts.models import AnyUser
from credentials.models import MemberRole
from credentials.selectors import organizations_for_member
from studio.rendering import fields_html, items_html

register = template.Library()


# The remembered answer (``accounts.nav``) to "does she design for an organization?"
DESIGNER = "studio_designer"


@register.simple_tag
def studio_dashboard_link(user: AnyUser) -> str:
    """The way into the studio on the dashboard, for the organizations' designers
    (nothing for others). Whether the user designs anywhere is remembered with
    her roles (``credentials.nav`` forgets it when a membership changes), so a
    learner's dashboard asks nothing; a designer's reads the organizations'
    names (one query). Shown on the dashboard rather than in every page's
    header, so other pages do not pay for it."""
    if not user.is_authenticated:
        return ""
    roles = (MemberRole.DESIGNER,)
    if not nav.remembered(
        user, DESIGNER, lambda: organizations_for_member(user=user, roles=roles).exists()
    ):
        return ""
    organizations = list(organizations_for_member(user=user, roles=roles))
    if not organizations:
        return ""
    return render_to_string("studio/_dashboard_link.html", {"organizations": organizations})


@register.simple_tag
def studio_fields(*fields: forms.BoundField) -> SafeString:
    """Editor fields: label, help and message box each (``studio.rendering``)."""
    return fields_html(*fields)


@register.simple_tag
def studio_items(items: list[dict[str, Any]], label: str, editable: bool) -> SafeString:
    """A list of prompts, requirements or criteria, with their fields and buttons."""
    return items_html(items, label=label, editable=editable)
