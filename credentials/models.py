"""Issuing organizations, micro-credentials and what an application answers.

A credential's prompts, evidence requirements and rubric are edited by staff
at any time; submissions keep a copy of what they were written against (see
submissions.models.Response and Submission.rubric_snapshot), so an edit never
changes an application that has been submitted.
"""

import uuid
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Organization(models.Model):
    """An issuer: a district, a nonprofit or a university that awards credentials."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    url = models.URLField("website", blank=True)
    # Open Badges 2.0 requires an email in every issuer profile, and earners and
    # verifiers need someone to write to.
    email = models.EmailField(
        "contact email",
        help_text="Required: published in the issuer profile of every badge this "
        "organization issues.",
    )
    logo = models.ImageField(
        upload_to="organizations/logos/",
        blank=True,
        help_text="Square PNG or JPEG; shown on award pages and in the issuer profile of badges.",
    )
    holiday_country = models.CharField(
        max_length=2,
        default="US",
        help_text="ISO country code whose public holidays do not count as business days.",
    )
    holiday_subdivision = models.CharField(
        max_length=10, blank=True, help_text="Optional state or province code, e.g. CA."
    )
    blind_review = models.BooleanField(
        default=True, help_text="Assessors see the submission ID, not the learner's identity."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(email=""), name="organization_has_contact_email"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    ADMIN = "admin", _("Organization admin")
    DESIGNER = "designer", _("Designer")
    REVIEWER = "reviewer", _("Quality reviewer")


class OrganizationMember(models.Model):
    """A user's role in an organization; one row per role, so a user can hold several
    roles in several organizations. Admins run the organization's review rounds,
    designers author its credentials, reviewers score quality review rounds."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=MemberRole.choices)
    team = models.CharField(
        max_length=80,
        blank=True,
        help_text="Optional team name; reviewers can be kept off their own team's credentials.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user", "role"], name="unique_organization_role"
            ),
        ]
        indexes = [models.Index(fields=["user", "role"], name="member_by_user_role")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organization})"


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MicroCredentialQuerySet(models.QuerySet["MicroCredential"]):
    def published(self) -> "MicroCredentialQuerySet":
        return self.filter(is_published=True)


class VersionStatus(models.TextChoices):
    """Where one version of a credential stands (the studio's list shows it)."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", pgettext_lazy("credential version", "In review")
    PUBLISHED = "published", pgettext_lazy("credential version", "Published")
    RETIRED = "retired", pgettext_lazy("credential version", "Retired")


class MicroCredential(models.Model):
    """A competency-based micro-credential and everything learners need to apply.

    Each version of a credential is its own row: a published version is never
    edited in place; a designer opens a new version (a copy with the next
    number), and publishing it retires the previous one. The versions of one
    credential share ``lineage`` and ``slug``; at most one of them is
    published. Applications point at the row they were written against.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lineage = models.UUIDField(
        default=uuid4,
        editable=False,
        db_index=True,
        help_text="Shared by every version of one credential.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    previous_version = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="next_versions",
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="credentials"
    )
    title = models.CharField(max_length=200)
    # Shared by the versions of one credential (unique per version, see Meta).
    slug = models.SlugField(max_length=120)
    summary = models.CharField(max_length=400, help_text="One or two sentences for the catalog.")
    overview = models.TextField(blank=True)
    competency = models.TextField(help_text="The competency the educator demonstrates.")
    key_method = models.TextField(blank=True, help_text="The key method the educator applies.")
    method_components = models.TextField(blank=True)
    research = models.TextField("research and resources", blank=True)
    evidence_instructions = models.TextField(
        blank=True, help_text="Shown above the evidence uploads in Part 2."
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="credentials")
    estimated_hours = models.PositiveSmallIntegerField(
        default=10, help_text="Estimated effort to complete, in hours."
    )
    # Amounts are stored in cents; the admin shows and takes them in the currency's units.
    fee_cents = models.PositiveIntegerField(
        "assessment fee", default=0, help_text="0 means the credential is free."
    )
    resubmission_fee_cents = models.PositiveIntegerField("resubmission fee", default=0)
    attempt_limit = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=(
            "Attempts a learner may make before talking with staff, who can then allow "
            "another; empty = unlimited."
        ),
    )
    currency = models.CharField(max_length=3, default="usd")
    validity_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Awards expire after this many months; empty = never."
    )
    is_published = models.BooleanField(default=False, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Incremented on every studio save; a save carrying an older number is a
    # conflict (another tab saved in between), so nothing is silently overwritten.
    revision = models.PositiveIntegerField(default=1, editable=False)
    # Set when a newer version was published in this one's place.
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The quality mark, copied here by quality review when a version that passed
    # is published, so catalog cards show it without asking another table.
    quality_framework = models.CharField(max_length=250, blank=True, editable=False)
    quality_reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    quality_summary_uuid = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MicroCredentialQuerySet.as_manager()

    class Meta:
        ordering = ["title", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["lineage", "version"], name="unique_credential_version"
            ),
            models.UniqueConstraint(
                fields=["slug", "version"], name="unique_credential_slug_version"
            ),
            models.UniqueConstraint(
                fields=["lineage"],
                condition=models.Q(is_published=True),
                name="one_published_version_per_credential",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("credentials:detail", kwargs={"slug": self.slug})

    @property
    def is_free(self) -> bool:
        return self.fee_cents == 0

    @property
    def is_retired(self) -> bool:
        return not self.is_published and self.retired_at is not None

    @property
    def is_editable(self) -> bool:
        """Only a version that was never opened to learners can change; a published
        or retired one is read-only (open a new version instead)."""
        return not self.is_published and self.retired_at is None


class Part(models.IntegerChoices):
    OVERVIEW = 1, _("Part 1: Overview")
    EVIDENCE = 2, _("Part 2: Evidence")
    REFLECTION = 3, _("Part 3: Reflection")
    IMPACT = 4, _("Part 4: Reflection on impact")


class Prompt(models.Model):
    """A question the learner answers in writing, with an optional word limit."""

    credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="prompts"
    )
    part = models.PositiveSmallIntegerField(choices=Part.choices, default=Part.OVERVIEW)
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    help_text = models.TextField(blank=True)
    word_limit = models.PositiveIntegerField(null=True, blank=True)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["part", "position", "id"]

    def __str__(self) -> str:
        return f"Part {self.part}.{self.position}: {self.text[:60]}"


class EvidenceKind(models.TextChoices):
    FILE = "file", _("File upload")
    LINK = "link", _("Link")
    ANY = "any", _("File or link")


class EvidenceRequirement(models.Model):
    """A piece of evidence Part 2 asks for (a lesson plan, a video, student work)."""

    credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="evidence_requirements"
    )
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=4, choices=EvidenceKind.choices, default=EvidenceKind.ANY)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class RubricCriterion(models.Model):
    """One line of the rubric assessors mark as met or not yet met."""

    credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="rubric_criteria"
    )
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(help_text="What 'met' looks like.")

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "rubric criteria"

    def __str__(self) -> str:
        return self.title


class Favorite(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favorites"
    )
    credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="favorited_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "credential"], name="unique_favorite"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ♥ {self.credential}"
