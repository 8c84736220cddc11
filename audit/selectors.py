"""Reading the audit trail."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from .models import AuditEvent


def audit_events_for(target: models.Model) -> QuerySet[AuditEvent]:
    """The history of one object, newest first (served by the target index)."""
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
    ).select_related("actor")
