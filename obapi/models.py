"""The earner's side of Open Badges: their public profile and the credentials
they brought from elsewhere.

An ``EarnerProfile`` is private until its owner publishes it; its address is
its UUID or a handle the owner chose. An ``ImportedCredential`` keeps what was
received exactly as received (text, or the image's bytes) together with the
verification report made at import and its time, so the profile can say
"verified" or "not verified" without fetching anything again.

Rows here change only through ``obapi.services``.
"""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

HANDLE_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$"


class EarnerProfile(models.Model):
    """What a learner shows the world about themselves as an earner."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="earner_profile"
    )
    published = models.BooleanField(_("public profile"), default=False)
    handle = models.CharField(
        _("profile address"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        validators=[
            RegexValidator(
                HANDLE_PATTERN,
                _(
                    "Use 3 to 40 lowercase letters, digits or hyphens, "
                    "starting and ending with a letter or digit."
                ),
            )
        ],
    )
    display_name = models.CharField(_("name shown"), max_length=150, blank=True)
    description = models.TextField(_("about you"), max_length=2000, blank=True)
    url = models.URLField(_("your website"), max_length=500, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user"]

    def __str__(self) -> str:
        return f"Earner profile of {self.user}"

    @property
    def address_key(self) -> str:
        """The last part of the public address: the handle, else the UUID."""
        return self.handle or str(self.uuid)


class ImportSource(models.TextChoices):
    UPLOAD = "upload", _("Uploaded")
    API = "api", _("Added by a connected app")


class ImportForm(models.TextChoices):
    JWT = "jwt", "VC-JWT"
    JSON = "json", "JSON"
    PNG = "png", _("PNG image")
    SVG = "svg", _("SVG image")


class SubjectMatch(models.TextChoices):
    """Whether a credential names the learner who imported it (``obapi.subject``)."""

    MATCHED = "matched", _("Issued to you")
    MISMATCH = "mismatch", _("Names an email address that is not one of your verified addresses")
    NO_IDENTIFIER = "no_identifier", _("Names no email address")


class ImportedCredential(models.Model):
    """A credential from another issuer, kept as received, with its verification."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="imported_credentials"
    )
    # The credential's own ``id`` (or, without one, a hash of what was received):
    # the same credential sent again replaces the earlier copy (upsert).
    key = models.CharField(max_length=500)
    source = models.CharField(max_length=10, choices=ImportSource.choices)
    client_name = models.CharField(max_length=255, blank=True)
    form = models.CharField(max_length=10, choices=ImportForm.choices)
    received_text = models.TextField(blank=True)
    received_bytes = models.BinaryField(blank=True, default=b"")
    filename = models.CharField(max_length=255, blank=True)
    name = models.CharField(max_length=500, blank=True)
    issuer_name = models.CharField(max_length=500, blank=True)
    verified = models.BooleanField(default=False)
    verification = models.JSONField(default=dict)
    verified_at = models.DateTimeField()
    imported_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    show_on_profile = models.BooleanField(_("show on my public profile"), default=True)
    # Whom it was issued to, compared at import with the owner's verified email
    # addresses. One not shown to be theirs stays off the public profile until
    # they confirm it was issued to them (holder_confirmed_at).
    subject_match = models.CharField(
        max_length=20, choices=SubjectMatch.choices, default=SubjectMatch.NO_IDENTIFIER
    )
    subject_email = models.EmailField(blank=True)
    holder_confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="one_import_per_credential"),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.key} imported by {self.owner}"

    @property
    def is_matched(self) -> bool:
        return self.subject_match == SubjectMatch.MATCHED

    @property
    def is_theirs(self) -> bool:
        """Shown to be issued to its owner, or confirmed by them as theirs."""
        return self.is_matched or self.holder_confirmed_at is not None

    @property
    def is_public(self) -> bool:
        """Whether the published profile lists it (``selectors.imported_public_of``)."""
        return self.show_on_profile and self.is_theirs
