"""Template tags other apps' templates load to point designers at the studio."""

from django import template

from accounts.models import AnyUser
from credentials.models import MemberRole
from credentials.selectors import organizations_for_member

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
