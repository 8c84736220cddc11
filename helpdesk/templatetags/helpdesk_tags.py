"""Help answers rendered as safe markdown-lite in any template."""

from django import template

from ..markup import render_answer

register = template.Library()


@register.filter
def answer_html(text: str):
    """An answer's paragraphs, lists, bold, code and links; everything typed is escaped."""
    return render_answer(text)
