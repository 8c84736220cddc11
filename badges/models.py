"""Verifiable badges for awards: signing keys, status lists and issued credentials.

Each issuing organization signs with its own Ed25519 key; rotating a key
retires the old one, which stays published so earlier badges still verify.
Each award gets exactly one IssuedBadge holding the documents issued for it
(the signed Open Badges 3.0 credential and the Open Badges 2.0 assertion),
stored as the exact text that was issued. Revocation is recorded on the badge
and published through the organization's status list.

Rows here change only through ``badges.services``.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessments.models import Award
from credentials.models import Organization

# 16 KiB of bits: the minimum size of a Bitstring Status List, so a list
# does not reveal how many credentials an issuer has issued.
STATUS_LIST_SIZE = 131_072


class IssuerKey(models.Model):
    """One signing key pair of an organization. The newest unretired key signs."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="signing_keys"
    )
    # RFC 7638 thumbprint of the public key; the last part of the key's URL.
    key_id = models.CharField(max_length=64, unique=True)
    algorithm = models.CharField(max_length=10, default="EdDSA")
    public_jwk = models.JSONField()
    private_key_encrypted = models.TextField(
        editable=False, help_text="PKCS#8 PEM, encrypted with BADGES_KEY_ENCRYPTION_KEY."
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="No longer signs; still published for verification."
    )

    class Meta:
        ordering = ["organization", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(retired_at__isnull=True),
                name="one_active_signing_key_per_organization",
            ),
        ]

    def __str__(self) -> str:
        state = "retired" if self.retired_at else "active"
        return f"{self.organization} key {self.key_id[:12]}… ({state})"

    @property
    def is_active(self) -> bool:
        return self.retired_at is None


class StatusList(models.Model):
    """A Bitstring Status List of one organization (revocation purpose).

    Badges take the next free index under a row lock; a full list is followed
    by the next number.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="status_lists"
    )
    number = models.PositiveIntegerField()
    size = models.PositiveIntegerField(default=STATUS_LIST_SIZE)
    next_index = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="one_status_list_number_per_organization"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} status list {self.number}"

    @property
    def is_full(self) -> bool:
        return self.next_index >= self.size


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: my name and the award details")
    PRIVATE = "private", _("Private: only that the credential exists and is valid")


class BadgeStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", pgettext_lazy("badge", "Revoked")


class IssuedBadge(models.Model):
    """The verifiable credential issued for one award."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="badge")
    signing_key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="badges")
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="badges")
    status_index = models.PositiveIntegerField()
    # The earner as the credential names them: an opaque id and a salted hash
    # of their email address, never the address itself.
    subject_id = models.CharField(max_length=60)
    identity_salt = models.CharField(max_length=64)
    identity_hash = models.CharField(max_length=80)
    issued_at = models.DateTimeField()
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True, db_index=True)
    # The documents exactly as issued (text, so the key order and bytes are kept).
    ob3_json = models.TextField("Open Badges 3.0 credential (JSON)")
    ob3_jwt = models.TextField("Open Badges 3.0 credential (VC-JWT)")
    ob2_json = models.TextField("Open Badges 2.0 assertion (JSON)")
    # What the earner chooses to show on the public page.
    display_name = models.CharField(max_length=150, blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=500, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="one_badge_per_status_index"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="revocation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Badge {self.uuid}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.valid_until is not None and (now or timezone.now()) >= self.valid_until

    def status(self, now: datetime.datetime | None = None) -> str:
        if self.is_revoked:
            return BadgeStatus.REVOKED
        if self.is_expired(now):
            return BadgeStatus.EXPIRED
        return BadgeStatus.VALID

    @property
    def status_label(self) -> str:
        return str(BadgeStatus(self.status()).label)

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


class BadgeEvent(models.Model):
    """What happened to a badge, by whom and when (issue, settings, revocation)."""

    class Kind(models.TextChoices):
        ISSUED = "issued", "Issued"
        SETTINGS = "settings", "Settings changed"
        REVOKED = "revoked", "Revoked"

    badge = models.ForeignKey(IssuedBadge, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.badge}: {self.get_kind_display()}"
