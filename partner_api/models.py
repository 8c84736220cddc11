"""Partner API tokens and outgoing webhooks.

A token is stored as its SHA-256 digest only (the secret is shown once, when
it is made). Webhook deliveries are an outbox: a row is written in the
transaction of the event it reports, then sent (and retried with backoff) by
a worker; the log is what staff replay from admin.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from programs.models import Partner


class Scope(models.TextChoices):
    CATALOG_READ = "catalog:read", _("Read credentials and stacks")
    COHORTS_READ = "cohorts:read", _("Read cohort progress")
    COHORTS_WRITE = "cohorts:write", _("Invite teachers to cohorts")
    AWARDS_READ = "awards:read", _("Read awards of consenting teachers")


class ApiToken(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class WebhookEvent(models.TextChoices):
    AWARD_ISSUED = "award.issued", _("Award issued")
    SUBMISSION_DECIDED = "submission.decided", _("Submission decided")
    MEMBER_JOINED = "cohort.member_joined", _("Cohort member joined")


class WebhookEndpoint(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(max_length=64, editable=False)
    events = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


DELIVERY_TRANSITIONS: dict[str, set[str]] = {
    DeliveryStatus.PENDING: {DeliveryStatus.DELIVERED, DeliveryStatus.FAILED},
    DeliveryStatus.FAILED: {DeliveryStatus.PENDING},
    DeliveryStatus.DELIVERED: {DeliveryStatus.PENDING},
}


class WebhookDelivery(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    key = models.CharField(max_length=200, help_text="The event and its object: sent once.")
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "key"], name="partner_api_delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint}"
