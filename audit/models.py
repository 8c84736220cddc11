"""One audit trail: who changed what, from which state to which, and when.

An ``AuditEvent`` is written by ``audit.services.record`` in the transaction
of the change it describes (``core.transitions.transition`` does it for every
status move), so an event exists exactly when its change was committed. The
target is any model row, named by content type and primary key (kept as text,
so integer and UUID keys fit alike) and indexed for "the history of this
object". Events are never edited or deleted by the site: the admin only reads
them, with the ``audit.view_auditevent`` permission.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

SYSTEM = "system"


class AuditEvent(models.Model):
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for the system (a webhook, a periodic task).",
    )
    actor_label = models.CharField(
        max_length=254,
        help_text="Who it was at the time (the user's email, or what the system was doing); "
        "kept if the user is deleted.",
    )
    verb = models.CharField(max_length=100, db_index=True, help_text="e.g. payment.succeeded")
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    target_label = models.CharField(
        max_length=200, blank=True, help_text="How the object read at the time."
    )
    before = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    request_id = models.CharField(
        max_length=128, blank=True, help_text="The web request that made the change, if any."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["target_type", "target_id", "-created_at"], name="audit_event_target"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.target_label or self.target_id} by {self.actor_label}"
