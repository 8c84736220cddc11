"""Application pieces shown on pages other apps own (the credential's details page)."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("submissions/_apply_action.html", takes_context=True)
def apply_action(context, credential):
    """The details page's Apply button, saying what it will do for this learner.

    A learner who already applied is sent to that application (or its award)
    rather than offered a second one. One query for a signed-in learner.
    """
    current = selectors.submission_current(learner=context.get("user"), credential=credential)
    return {
        "credential": credential,
        "step": selectors.application_next_step(current) if current else None,
        "csrf_token": context.get("csrf_token"),
    }
