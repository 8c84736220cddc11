"""Formatting of amounts stored in cents, in the reader's language."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext

register = template.Library()

SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "cad": "CA$", "aud": "A$"}


def format_amount(cents: int | None, currency: str | None = "usd") -> str:
    """125000, "usd" -> "$1,250.00", with the separators of the active language."""
    value = Decimal(int(cents or 0)) / 100
    text = number_format(value, decimal_pos=2, force_grouping=True)
    symbol = SYMBOLS.get((currency or "usd").lower())
    return f"{symbol}{text}" if symbol else f"{text} {(currency or '').upper()}"


@register.filter
def money(cents: int | None, currency: str = "usd") -> str:
    """A price: 125000, "usd" -> "$1,250.00"; 0 -> "Free"."""
    if not cents:
        return gettext("Free")
    return format_amount(cents, currency)
