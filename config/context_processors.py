"""Template context shared by every page."""

from django.conf import settings


def site(request):
    """Expose the site name and helpdesk address to templates."""
    return {"SITE_NAME": settings.SITE_NAME, "HELPDESK_EMAIL": settings.HELPDESK_EMAIL}
