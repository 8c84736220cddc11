"""Payment pieces shown on pages other apps own (submission page, dashboard)."""

from django import template

from credentials.templatetags.money import format_amount
from submissions.models import Status

from ..pricing import fee_label
from ..selectors import payment_receipt_for_submission

register = template.Library()


@register.filter
def amount(cents, currency: str = "usd") -> str:
    """Like ``money`` but always an amount: 0 -> "$0.00" (for receipts and totals)."""
    return format_amount(cents, currency)


@register.inclusion_tag("payments/_panel.html", takes_context=True)
def payment_panel(context, submission):
    """The fee due with a Pay now action, or the receipt once paid."""
    receipt = None
    if submission.status in (Status.IN_REVIEW, Status.INCOMPLETE, Status.AWARDED, Status.DENIED):
        receipt = payment_receipt_for_submission(submission=submission)
    return {
        "submission": submission,
        "receipt": receipt,
        "fee_label": fee_label(submission),
        "request": context.get("request"),
    }


@register.inclusion_tag("payments/_pay_action.html")
def pay_action(submission):
    """A compact Pay now link for a dashboard row."""
    return {"submission": submission}
