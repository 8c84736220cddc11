"""Review operations on the admin home, for staff who may see reviews."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("admin/assessments/_review_operations.html", takes_context=True)
def review_operations(context):
    """Links to the SLA overview, with how many open reviews wait for an assessor
    and how many are overdue (one query)."""
    user = context["request"].user
    if not user.has_perm("assessments.view_review"):
        return {"show": False}
    return {"show": True, **selectors.review_attention()}
