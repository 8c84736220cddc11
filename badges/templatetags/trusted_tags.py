"""The TrustEd Application Microcredential classification, as an issued
credential states it, for the award page."""

import json

from django import template

from badges import documents
from badges.documents import TrustEdBasis

register = template.Library()


@register.simple_tag
def trusted_application(badge) -> TrustEdBasis | None:
    """What the badge's issued credential says about its classification (None:
    not marked). Read from the signed document, so the page shows what the
    credential itself carries; no query."""
    try:
        document = json.loads(badge.ob3_json)
    except (TypeError, ValueError):
        return None
    return documents.issued_trusted_application(document) if isinstance(document, dict) else None
