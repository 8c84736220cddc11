"""Template tags other apps' templates load to point designers at the studio."""

from typing import Any

from django import forms, template
from django.utils.safestring import SafeString

from accounts.models import AnyUser
from credentials.models import MemberRole
from credentials.selectors import organizations_for_member
from studio.rendering import fields_html, items_html

register = template.Library()


@register.inclusion_tag("studio/_dashboard_link.html")
def studio_dashboard_link(user: AnyUser) -> dict[str, object]:
    """The way into the studio on the dashboard, for the organizations' designers
    (nothing for others). One query; shown on the dashboard rather than in every
    page's header, so other pages do not pay for it."""
    organizations = (
        list(organizations_for_member(user=user, roles=(MemberRole.DESIGNER,)))
        if user.is_authenticated
        else []
    )
    return {"organizations": organizations}


@register.simple_tag
def studio_fields(*fields: forms.BoundField) -> SafeString:
    """Editor fields: label, help and message box each (``studio.rendering``)."""
    return fields_html(*fields)


@register.simple_tag
def studio_items(items: list[dict[str, Any]], label: str, editable: bool) -> SafeString:
    """A list of prompts, requirements or criteria, with their fields and buttons."""
    return items_html(items, label=label, editable=editable)
