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
from credentials.models import MicroCredential, Organization

# 16 KiB of bits: the minimum size of a Bitstring Status List, so a list
# does not reveal how many credentials an issuer has issued.
STATUS_LIST_SIZE = 131_072


class KeyAlgorithm(models.TextChoices):
    EDDSA = "EdDSA", "EdDSA (Ed25519)"
    RS256 = "RS256", "RS256 (RSA 2048)"


class IssuerKey(models.Model):
    """One signing key pair of an organization.

    The active Ed25519 key signs every Data Integrity proof, and the VC-JWT
    unless the organization also has an active RS256 key, which then signs
    the VC-JWT. At most one active key per algorithm.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="signing_keys"
    )
    # RFC 7638 thumbprint of the public key; the last part of the key's URL.
    key_id = models.CharField(max_length=64, unique=True)
    algorithm = models.CharField(
        max_length=10, choices=KeyAlgorithm.choices, default=KeyAlgorithm.EDDSA
    )
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
                fields=["organization", "algorithm"],
                condition=Q(retired_at__isnull=True),
                name="one_active_key_per_organization_and_algorithm",
            ),
        ]

    def __str__(self) -> str:
        state = "retired" if self.retired_at else "active"
        return f"{self.organization} {self.algorithm} key {self.key_id[:12]}… ({state})"

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


class AlignmentTargetType(models.TextChoices):
    """The Open Badges 3.0 AlignmentTargetType values staff may choose."""

    CASE_ITEM = "CFItem", "CASE item (CFItem)"
    CASE_RUBRIC = "CFRubric", "CASE rubric (CFRubric)"
    CTDL = "CTDL", "Credential Engine (CTDL)"
    CEASN_COMPETENCY = "ceasn:Competency", "Credential Engine competency (ceasn:Competency)"
    CETERMS_CREDENTIAL = "ceterms:Credential", "Credential Engine credential (ceterms:Credential)"


class AchievementAlignment(models.Model):
    """A credential's alignment to an external framework (a CASE item, a
    Credential Engine CTID...), published in the Achievement (Open Badges 3.0)
    and the BadgeClass (Open Badges 2.0) of every badge issued afterwards."""

    credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="alignments"
    )
    target_type = models.CharField(max_length=30, choices=AlignmentTargetType.choices)
    target_name = models.CharField(max_length=200)
    target_url = models.URLField(
        max_length=500, help_text="The framework item's URL, e.g. a CASE item URI."
    )
    target_code = models.CharField(
        max_length=100,
        blank=True,
        help_text="Its code in the framework, e.g. a Credential Engine CTID (ce-...).",
    )
    target_framework = models.CharField(max_length=200, blank=True)
    target_description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["credential", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "target_url"], name="one_alignment_per_target_url"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.credential}: {self.target_name}"
