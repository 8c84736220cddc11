"""Calibration: anchors with agreed true scores, and assessors certified against them.

A calibration set belongs to one credential or to an organization (then it
covers every credential of it). Its anchors are decided submissions (copied
with the learner's consent and stripped of what identifies them) or examples
staff write, each with the true mark per criterion, the true outcome and a
rationale. A new assessor scores every anchor blind in an attempt; once the
attempt is submitted they see the true scores and rationales, and passing it
certifies them (stored on the assessments side, which gates live work).

Rows here change only through ``calibration.services``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from credentials.models import MicroCredential, Organization
from submissions.models import Submission


class CalibrationSet(models.Model):
    """The anchors an assessor must agree with before taking live work."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    credential = models.ForeignKey(
        MicroCredential,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calibration_sets",
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calibration_sets",
        help_text="Instead of a credential: the set covers every credential of the organization.",
    )
    title = models.CharField(max_length=200)
    threshold_percent = models.PositiveSmallIntegerField(
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Share of criterion decisions that must agree with the true scores.",
    )
    require_same_outcome = models.BooleanField(
        default=True, help_text="The outcome (award or deny) must match on every anchor."
    )
    valid_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Certification lasts this many months; then the assessor recalibrates.",
    )
    is_active = models.BooleanField(
        default=True,
        help_text="An active set with anchors gates live reviews: only certified assessors "
        "are assigned.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        permissions = [
            ("manage_calibration", "Can manage calibration sets and anchors"),
            ("view_quality_dashboard", "Can view every assessor's agreement and quality figures"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=True, credential__isnull=False)
                | Q(organization__isnull=False, credential__isnull=True),
                name="calibration_set_one_target",
            ),
            models.UniqueConstraint(
                fields=["credential"],
                condition=Q(credential__isnull=False),
                name="calibration_set_per_credential",
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(organization__isnull=False),
                name="calibration_set_per_organization",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def target(self) -> MicroCredential | Organization:
        return self.credential or self.organization  # type: ignore[return-value]


class AnchorSource(models.TextChoices):
    CONSENTED = "consented", _("A decided application, with the learner's consent")
    SYNTHETIC = "synthetic", _("Written by staff")


class Anchor(models.Model):
    """One example with its agreed true scoring.

    ``content`` is a blind copy of the written parts (a list of
    ``{"part": str, "prompt": str, "text": str}``) in which the learner's name
    and email are replaced; ``evidence`` lists files and links
    (``{"label": str, "attachment_id": int | None, "url": str}``), files served
    under neutral names by the calibration app. The source submission stays
    linked for staff only.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    calibration_set = models.ForeignKey(
        CalibrationSet, on_delete=models.CASCADE, related_name="anchors"
    )
    position = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=10, choices=AnchorSource.choices)
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consent_note = models.TextField(
        blank=True, help_text="How and when the learner agreed to the use of their application."
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    content = models.JSONField(default=list)
    evidence = models.JSONField(default=list)
    true_outcome = models.CharField(
        max_length=10,
        choices=[
            ("awarded", pgettext_lazy("outcome", "Awarded")),
            ("denied", pgettext_lazy("outcome", "Denied")),
        ],
    )
    rationale = models.TextField(help_text="Why this is the true outcome.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["calibration_set", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source="synthetic", submission__isnull=True)
                | Q(source="consented", submission__isnull=False, consent_recorded_at__isnull=False)
                & ~Q(consent_note=""),
                name="anchor_source_complete",
            ),
            models.UniqueConstraint(
                fields=["calibration_set", "submission"],
                condition=Q(submission__isnull=False),
                name="anchor_submission_once_per_set",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.calibration_set}: anchor {self.position}"


class AnchorScore(models.Model):
    """The agreed true mark of one rubric criterion of an anchor, with its rationale."""

    anchor = models.ForeignKey(Anchor, on_delete=models.CASCADE, related_name="true_scores")
    criterion_id = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    met = models.BooleanField()
    rationale = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["anchor", "criterion_id"], name="one_true_score_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.anchor}: {self.title}"


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", pgettext_lazy("calibration", "In progress")
    PASSED = "passed", pgettext_lazy("calibration", "Passed")
    FAILED = "failed", pgettext_lazy("calibration", "Not yet passed")


# A submitted attempt is final; recalibrating starts a new attempt.
ATTEMPT_TRANSITIONS: dict[str, set[str]] = {
    AttemptState.IN_PROGRESS: {AttemptState.PASSED, AttemptState.FAILED},
    AttemptState.PASSED: set(),
    AttemptState.FAILED: set(),
}


class CalibrationAttempt(models.Model):
    """One assessor scoring every anchor of a set blind, then seeing the truth."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    calibration_set = models.ForeignKey(
        CalibrationSet, on_delete=models.CASCADE, related_name="attempts"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calibration_attempts"
    )
    state = models.CharField(
        max_length=12, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    criteria_total = models.PositiveIntegerField(default=0)
    criteria_agreed = models.PositiveIntegerField(default=0)
    anchors_total = models.PositiveIntegerField(default=0)
    outcomes_agreed = models.PositiveIntegerField(default=0)
    certified_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["calibration_set", "assessor"],
                condition=Q(state="in_progress"),
                name="one_open_attempt_per_set",
            ),
        ]
        indexes = [models.Index(fields=["assessor", "state"], name="attempt_by_assessor")]

    def __str__(self) -> str:
        return f"{self.assessor} on {self.calibration_set} ({self.state})"

    @property
    def percent(self) -> float | None:
        if not self.criteria_total:
            return None
        return round(100 * self.criteria_agreed / self.criteria_total, 1)

    @property
    def is_open(self) -> bool:
        return self.state == AttemptState.IN_PROGRESS


class AttemptAnswer(models.Model):
    """How the assessor scored one anchor in an attempt: the outcome and the marks."""

    attempt = models.ForeignKey(
        CalibrationAttempt, on_delete=models.CASCADE, related_name="answers"
    )
    anchor = models.ForeignKey(Anchor, on_delete=models.CASCADE, related_name="answers")
    outcome = models.CharField(max_length=10, blank=True)
    # The anchor's true outcome, copied when the attempt is submitted, so
    # agreement is a GROUP BY on one table.
    true_outcome = models.CharField(max_length=10, blank=True)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["anchor__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "anchor"], name="one_answer_per_anchor"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt}: {self.anchor}"


class AttemptMark(models.Model):
    """One criterion of one anchor as the assessor marked it (and, once the
    attempt is submitted, as the truth has it)."""

    answer = models.ForeignKey(AttemptAnswer, on_delete=models.CASCADE, related_name="marks")
    criterion_id = models.PositiveIntegerField()
    met = models.BooleanField(null=True, blank=True)
    true_met = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["answer", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "criterion_id"], name="one_attempt_mark_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.answer}: {self.criterion_id}"
