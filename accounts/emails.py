"""Templated email: every message has a text and an HTML part from templates.

Templates live at templates/emails/<name>_subject.txt, <name>.txt and
<name>.html. ``render_templated_email`` builds the three parts; the outbox
(``notifications.services.email_enqueue``) stores them for delivery.
The subject and the text part are plain text, so they are rendered without
HTML escaping (a learner named O'Brien reads "O'Brien", not "O&#x27;Brien"),
whether or not a template remembers ``{% autoescape off %}``; the HTML part
is escaped as usual.
"""

from dataclasses import dataclass

from django.conf import settings
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import translation


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_templated_email(
    *, template: str, context: dict, language: str | None = None
) -> RenderedEmail:
    """The three parts in ``language`` (default: the site's LANGUAGE_CODE).

    Never in the language of whoever's action sends the email: a learner's
    decision email is written when an assessor decides, in the assessor's request.
    """
    ctx = {
        "SITE_NAME": settings.SITE_NAME,
        "HELPDESK_EMAIL": settings.HELPDESK_EMAIL,
        "SITE_URL": getattr(settings, "SITE_URL", ""),
        **context,
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        return RenderedEmail(
            subject=" ".join(render_plain_text(f"emails/{template}_subject.txt", ctx).split()),
            text=render_plain_text(f"emails/{template}.txt", ctx),
            html=render_to_string(f"emails/{template}.html", ctx),
        )


def render_plain_text(template_name: str, context: dict) -> str:
    """Render a plain-text template with autoescaping off: text is never read as HTML."""
    template = Engine.get_default().get_template(template_name)
    return template.render(Context(context, autoescape=False))
