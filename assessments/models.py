"""Who may assess what, the review of each submission, and awards.

An assessor scope makes a user an assessor for one credential or for every
credential of an organization. Each submission that enters review gets one
Review: its current assessor, the SLA dates, the rubric scores and, once,
the decision. Every (re)assignment is kept as an Assignment row. An award
is the record a later badge hangs on.

Rows here change only through ``assessments.services``.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy

from credentials.models import MicroCredential, Organization
from submissions.models import Submission


class AssessorScope(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessor_scopes"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    credential = models.ForeignKey(
        MicroCredential, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | Q(credential__isnull=False),
                name="assessor_scope_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} assesses {self.credential or self.organization}"


class ReviewState(models.TextChoices):
    OPEN = "open", pgettext_lazy("review", "Open")
    DECIDED = "decided", pgettext_lazy("review", "Decided")


# The only moves a review makes: a decision is final, so a decided review
# never opens again (``assessments.services.review_decide``).
REVIEW_TRANSITIONS: dict[str, set[str]] = {
    ReviewState.OPEN: {ReviewState.DECIDED},
    ReviewState.DECIDED: set(),
}


class Outcome(models.TextChoices):
    AWARDED = "awarded", pgettext_lazy("outcome", "Awarded")
    DENIED = "denied", pgettext_lazy("outcome", "Denied")


class Review(models.Model):
    """The assessment of one submission, from entering review to its decision."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.OneToOneField(Submission, on_delete=models.PROTECT, related_name="review")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        help_text="Empty while no eligible assessor exists.",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.OPEN)
    # The due date is also stored on the submission (what the learner sees); the
    # copy here lets the SLA sweep work on one table with partial indexes.
    due_on = models.DateField()
    remind_on = models.DateField(help_text="The assessor is reminded from this date on.")
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(
        "overall feedback", blank=True, help_text="Shown to the learner with the decision."
    )
    progress_saved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["remind_on"],
                condition=Q(state="open", reminder_sent_at__isnull=True),
                name="review_reminder_pending",
            ),
            models.Index(
                fields=["due_on"],
                condition=Q(state="open", escalated_at__isnull=True),
                name="review_escalation_pending",
            ),
            # The sweep's email tasks find the reviews one run stamped.
            models.Index(fields=["reminder_sent_at"], name="review_reminder_stamp"),
            models.Index(fields=["escalated_at"], name="review_escalation_stamp"),
            models.Index(fields=["assessor", "state", "due_on"], name="review_queue"),
            models.Index(fields=["state", "decided_at"], name="review_decided"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open", outcome="")
                | Q(state="decided", decided_at__isnull=False) & ~Q(outcome=""),
                name="review_decision_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.submission.reference}"

    @property
    def is_open(self) -> bool:
        return self.state == ReviewState.OPEN


class Assignment(models.Model):
    """One (re)assignment of a review to an assessor, kept as history."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="assignments")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when assigned automatically.",
    )
    reason = models.CharField(max_length=300, blank=True)
    assigned_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]

    def __str__(self) -> str:
        return f"{self.review} → {self.assessor}"


class CriterionScore(models.Model):
    """The assessor's mark and feedback for one rubric criterion of a review.

    The criterion's title and description are copied from the submission's
    rubric snapshot, so feedback reads the same after staff edit the rubric.
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion_id = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    met = models.BooleanField(null=True, blank=True, help_text="Empty until marked.")
    feedback = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion_id"], name="one_score_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review}: {self.title}"

    @property
    def mark_label(self) -> str:
        if self.met is None:
            return gettext("Not marked")
        return gettext("Met") if self.met else gettext("Not yet met")


class Award(models.Model):
    """A credential earned by one awarded submission."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.OneToOneField(Submission, on_delete=models.PROTECT, related_name="award")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="awards"
    )
    credential = models.ForeignKey(MicroCredential, on_delete=models.PROTECT, related_name="awards")
    awarded_at = models.DateTimeField()

    class Meta:
        ordering = ["-awarded_at"]

    def __str__(self) -> str:
        return f"{self.credential} awarded to {self.learner}"


class OrganizationReviewSettings(models.Model):
    """How an organization runs its reviews: the decision SLA in business days.

    Without a row (or with the field empty) the site default applies
    (``settings.SLA_BUSINESS_DAYS``, 14). Read by ``assessments.services.sla_dates``
    wherever a due date is computed; edited by staff in admin.
    """

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="review_settings"
    )
    sla_business_days = models.PositiveSmallIntegerField(
        "decision within (business days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Business days from entering review to the decision. Empty: the site "
        "default (14).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "organization review settings"
        verbose_name_plural = "organization review settings"

    def __str__(self) -> str:
        return f"Review settings of {self.organization}"


class CalibrationRequirement(models.Model):
    """A credential, or every credential of an organization, whose live reviews go
    only to certified assessors.

    The calibration app (a higher floor) owns calibration sets; it tells this
    app through ``assessments.services.calibration_requirement_set`` whenever a
    set starts or stops applying, so assignment can filter on certification
    without importing upward.
    """

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    credential = models.ForeignKey(
        MicroCredential, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=True, credential__isnull=False)
                | Q(organization__isnull=False, credential__isnull=True),
                name="calibration_requirement_one_target",
            ),
            models.UniqueConstraint(
                fields=["credential"],
                condition=Q(credential__isnull=False),
                name="calibration_requirement_per_credential",
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(organization__isnull=False),
                name="calibration_requirement_per_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"Calibration required for {self.credential or self.organization}"


class AssessorCertification(models.Model):
    """An assessor certified (by passing calibration) for one credential or for
    every credential of an organization, until ``valid_until``.

    Written by ``assessments.services.certification_grant`` (called by the
    calibration app); renewal moves ``valid_until`` on the same row.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessor_certifications"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    credential = models.ForeignKey(
        MicroCredential, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    certified_at = models.DateTimeField()
    valid_until = models.DateTimeField()

    class Meta:
        ordering = ["-valid_until"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=True, credential__isnull=False)
                | Q(organization__isnull=False, credential__isnull=True),
                name="certification_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "credential"],
                condition=Q(credential__isnull=False),
                name="certification_per_user_credential",
            ),
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(organization__isnull=False),
                name="certification_per_user_organization",
            ),
        ]
        indexes = [models.Index(fields=["user", "valid_until"], name="certification_by_user")]

    def __str__(self) -> str:
        return f"{self.user} certified for {self.credential or self.organization}"
