"""Quality frameworks, self-assessments, blind review rounds and gate overrides.

A framework (standards, each with components) is data staff edit and import;
reviews point at the framework row they used, so a new framework version
never changes what an earlier review judged against. An organization may add
its own components on top of a base framework: its framework names the base
(``base``) and holds only the additions; the components a review uses are the
base's followed by the additions (``quality.selectors.framework_components``).

Every credential version (one ``credentials.MicroCredential`` row) has at
most one self-assessment and any number of review rounds, numbered 1, 2, ...;
the latest round decides the publishing gate.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from credentials.models import MicroCredential, Organization


class Framework(models.Model):
    """A versioned set of quality standards (the platform's default, or an organization's)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=40)
    description = models.TextField(_("description"), blank=True)
    base = models.ForeignKey(
        "self",
        verbose_name=_("base framework"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="additions",
        help_text=_("Reviews use the base framework's components followed by these additions."),
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quality_frameworks",
        help_text=_("Empty for a framework every organization may use."),
    )
    is_default = models.BooleanField(
        _("default"),
        default=False,
        help_text=_("Used by organizations that have not chosen a framework. One at a time."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "version"]
        verbose_name = _("quality framework")
        verbose_name_plural = _("quality frameworks")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version"],
                condition=Q(organization__isnull=True),
                name="unique_shared_framework_version",
            ),
            models.UniqueConstraint(
                fields=["organization", "name", "version"], name="unique_framework_version"
            ),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_framework"
            ),
        ]
        permissions = [
            ("view_quality_report", "Can view quality reports"),
            ("override_gate", "Can publish a credential version without a passing review"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """How the quality mark names it: name and version."""
        return f"{self.name} {self.version}"


class Standard(models.Model):
    """A quality standard: a heading grouping components."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="standards")
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["framework", "position", "id"]
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="unique_standard_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Component(models.Model):
    """One judgement a self-assessment and a reviewer make: met or not yet met."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="components")
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    guidance = models.TextField(_("guidance"), blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["standard__position", "position", "id"]
        verbose_name = _("component")
        verbose_name_plural = _("components")
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="unique_component_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Gate(models.TextChoices):
    STRICT = "strict", _("Strict: publish only after a passing review")
    ADVISORY = "advisory", _("Advisory: the review informs, publishing is allowed")


class QualitySetting(models.Model):
    """How one organization runs quality review (absent row: the defaults)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="quality_setting"
    )
    framework = models.ForeignKey(
        Framework,
        verbose_name=_("framework"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty: the platform's default framework."),
    )
    gate = models.CharField(_("publishing gate"), max_length=10, choices=Gate.choices)
    exclude_same_team = models.BooleanField(
        _("keep reviewers off their own team's credentials"), default=False
    )
    reviewers_per_round = models.PositiveSmallIntegerField(_("reviewers per round"), default=2)

    class Meta:
        verbose_name = _("organization quality setting")
        verbose_name_plural = _("organization quality settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(reviewers_per_round__gte=1), name="at_least_one_reviewer"
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization)


class Mark(models.TextChoices):
    """A self-assessment's or a reviewer's judgement of one component."""

    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not yet met")


class SelfAssessment(models.Model):
    """The designer's own judgement of one credential version against a framework.

    ``revision`` grows by one on every save, so two tabs that loaded the same
    revision cannot overwrite each other (the second save is refused).
    """

    credential = models.OneToOneField(
        MicroCredential, on_delete=models.CASCADE, related_name="self_assessment"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")

    def __str__(self) -> str:
        return f"{self.credential} ({self.framework})"


class SelfAssessmentEntry(models.Model):
    self_assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="entries"
    )
    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="+")
    mark = models.CharField(max_length=10, choices=Mark.choices, blank=True)
    note = models.TextField(blank=True)
    pointer = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["self_assessment", "component"], name="one_entry_per_component"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component}: {self.mark or '-'}"


class RoundStatus(models.TextChoices):
    OPEN = "open", _("In review")
    SETTLING = "settling", _("Settling disagreements")
    PASSED = "passed", _("Meets all required components")
    REVISE = "revise", _("Revise")


ROUND_TRANSITIONS: dict[str, set[str]] = {
    RoundStatus.OPEN: {RoundStatus.SETTLING, RoundStatus.PASSED, RoundStatus.REVISE},
    RoundStatus.SETTLING: {RoundStatus.PASSED, RoundStatus.REVISE},
    RoundStatus.PASSED: set(),
    RoundStatus.REVISE: set(),
}
CLOSED_ROUND_STATUSES = (RoundStatus.PASSED, RoundStatus.REVISE)


class ReviewRound(models.Model):
    """One blind review of a credential version: reviewers score, the round passes or not."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="review_rounds"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN, db_index=True
    )
    # The designer who submitted it: never a reviewer of it, never shown to reviewers.
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["credential", "-number"]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        constraints = [
            models.UniqueConstraint(fields=["credential", "number"], name="unique_round_number"),
            models.UniqueConstraint(
                fields=["credential"],
                condition=Q(status__in=["open", "settling"]),
                name="one_running_round_per_credential",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.credential}, round {self.number}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_ROUND_STATUSES


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    SUBMITTED = "submitted", _("Submitted")


ASSIGNMENT_TRANSITIONS: dict[str, set[str]] = {
    AssignmentStatus.ASSIGNED: {AssignmentStatus.SUBMITTED},
    AssignmentStatus.SUBMITTED: set(),
}


class ReviewAssignment(models.Model):
    """A reviewer's part in a round; ``settles`` marks a third reviewer called in to
    settle the components the first reviewers disagreed on."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quality_assignments"
    )
    settles = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.ASSIGNED
    )
    scope = models.PositiveSmallIntegerField(null=True, blank=True)
    clarity = models.PositiveSmallIntegerField(null=True, blank=True)
    ease_of_use = models.PositiveSmallIntegerField(null=True, blank=True)
    comments = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=0)
    assigned_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "settles", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "reviewer"], name="one_assignment_per_reviewer"
            ),
            models.CheckConstraint(
                condition=Q(scope__isnull=True) | Q(scope__gte=1, scope__lte=5),
                name="scope_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(clarity__isnull=True) | Q(clarity__gte=1, clarity__lte=5),
                name="clarity_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(ease_of_use__isnull=True) | Q(ease_of_use__gte=1, ease_of_use__lte=5),
                name="ease_of_use_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round}: reviewer {self.pk}"


class ReviewScore(models.Model):
    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="scores"
    )
    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="+")
    mark = models.CharField(max_length=10, choices=Mark.choices, blank=True)
    feedback = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "component"], name="one_score_per_component"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component_id}: {self.mark or '-'}"


class SettledBy(models.TextChoices):
    AGREEMENT = "agreement", _("Reviewers agreed")
    THIRD_REVIEWER = "third", _("Third reviewer")
    ADMIN = "admin", _("Organization admin")


class ComponentResult(models.Model):
    """A round's finding on one component; ``mark`` is empty while a disagreement is open."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="results")
    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="results")
    mark = models.CharField(max_length=10, choices=Mark.choices, blank=True)
    disagreement = models.BooleanField(default=False)
    settled_by = models.CharField(max_length=10, choices=SettledBy.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "component"], name="one_result_per_component"),
        ]

    def __str__(self) -> str:
        return f"{self.component_id}: {self.mark or '-'}"


class GateOverride(models.Model):
    """A credential version published without a passing review, and who decided why."""

    credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="quality_overrides"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.credential}: {self.reason[:60]}"
