"""Formatting of amounts stored in cents."""

from decimal import Decimal

from django import template

register = template.Library()

SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "cad": "CA$", "aud": "A$"}


@register.filter
def money(cents, currency: str = "usd") -> str:
    """125000, "usd" -> "$1,250.00"; 0 -> "Free"."""
    if not cents:
        return "Free"
    amount = Decimal(int(cents)) / 100
    symbol = SYMBOLS.get((currency or "usd").lower())
    text = f"{amount:,.2f}"
    return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"
