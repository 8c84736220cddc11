"""The email outbox: every email the site sends, stored before it is sent.

An ``OutboundEmail`` is written in the same transaction as the change it
reports, so it exists exactly when that change was committed. Most are
rendered at once (subject, text and HTML). A digest built from many rows (the
SLA reminders) stores instead the ``builder`` that makes its recipients and
context and its ``params``, and is rendered by the worker that sends it.
Delivery happens later, in a Celery task, and is recorded on the row:
``sent_at`` is set in the transaction that holds the row's lock while
sending, so a task delivered twice sends once.

Status moves: pending -> sent | failed | canceled, and failed -> pending when
staff send it again. Only ``notifications.services`` sets a status, through
``core.transitions.transition``, so each move is in the audit trail.
"""

from django.db import models
from django.utils import timezone


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELED = "canceled", "Canceled"


EMAIL_TRANSITIONS: dict[str, set[str]] = {
    EmailStatus.PENDING: {EmailStatus.SENT, EmailStatus.FAILED, EmailStatus.CANCELED},
    EmailStatus.FAILED: {EmailStatus.PENDING},
    EmailStatus.SENT: set(),
    EmailStatus.CANCELED: set(),
}


class OutboundEmail(models.Model):
    key = models.CharField(
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text="Names the event the email reports; the same key is never queued twice.",
    )
    template = models.CharField(max_length=100, help_text="templates/emails/<template>.*")
    to = models.JSONField(default=list, blank=True, help_text="Recipient addresses.")
    subject = models.CharField(max_length=998, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    builder = models.CharField(
        max_length=200,
        blank=True,
        help_text="For an email rendered when it is sent: the function building "
        "its recipients and context.",
    )
    params = models.JSONField(default=dict, blank=True, help_text="What the builder is given.")
    status = models.CharField(
        max_length=8, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(
        default=timezone.now,
        help_text="When the periodic sweep may hand a pending email to a worker again.",
    )
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="outbound_email_due",
            ),
            models.Index(fields=["status", "-created_at"], name="outbound_email_status"),
        ]

    def __str__(self) -> str:
        return f"{self.template} to {', '.join(self.to)}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    @property
    def needs_rendering(self) -> bool:
        return bool(self.builder) and not self.subject
