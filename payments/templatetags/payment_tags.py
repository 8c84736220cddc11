"""Payment pieces shown on pages other apps own (submission page, dashboard)."""

from django import template

register = template.Library()


@register.inclusion_tag("payments/_panel.html", takes_context=True)
def payment_panel(context, submission):
    """The fee due with a Pay now action, or the receipt once paid."""
    return {"submission": submission, "request": context.get("request")}


@register.inclusion_tag("payments/_pay_action.html")
def pay_action(submission):
    """A compact Pay now link for a dashboard row."""
    return {"submission": submission}
