"""Templated email: every message has a text and an HTML part from templates.

Templates live at templates/emails/<name>_subject.txt, <name>.txt and
<name>.html. Sending is done by Celery tasks in each app; this module only
builds and sends one message, so a retry re-renders from fresh data.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send_templated_email(*, to: list[str], template: str, context: dict) -> None:
    ctx = {
        "SITE_NAME": settings.SITE_NAME,
        "HELPDESK_EMAIL": settings.HELPDESK_EMAIL,
        "SITE_URL": getattr(settings, "SITE_URL", ""),
        **context,
    }
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", ctx).split())
    text = render_to_string(f"emails/{template}.txt", ctx)
    html = render_to_string(f"emails/{template}.html", ctx)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    message.send()
