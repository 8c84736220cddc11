"""Who may assess what, the review of each submission, and awards.

An assessor scope makes a user an assessor for one credential or for every
credential of an organization. Each submission that enters review gets one
Review: its current assessor, the SLA dates, the rubric scores and, once,
the decision. Every (re)assignment is kept as an Assignment row. An award
is the record a later badge hangs on.

Scoring policies, paired scorings and adjudication (Scoring, ScoringMark)
are described on their models below.

Rows here change only through ``assessments.services`` and, for scoring
policies and scorings, ``assessments.scoring``.
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
    # The application went back to its learner as Incomplete: the review waits
    # (no reminders, no escalation) and reopens with its assessor on resubmission.
    RETURNED = "returned", pgettext_lazy("review", "Returned as incomplete")


# The only moves a review makes: a decision is final, so a decided review
# never opens again (``assessments.services.review_decide``); a returned one
# opens again when the learner resubmits (``review_resume``).
REVIEW_TRANSITIONS: dict[str, set[str]] = {
    ReviewState.OPEN: {ReviewState.DECIDED, ReviewState.RETURNED},
    ReviewState.RETURNED: {ReviewState.OPEN},
    ReviewState.DECIDED: set(),
}


class Outcome(models.TextChoices):
    AWARDED = "awarded", pgettext_lazy("outcome", "Awarded")
    DENIED = "denied", pgettext_lazy("outcome", "Denied")


class ScoringModel(models.TextChoices):
    """How many people score a submission and who settles a disagreement."""

    SINGLE = "single", pgettext_lazy("scoring model", "Single assessor")
    DOUBLE = "double", pgettext_lazy("scoring model", "Two independent assessors")
    DOUBLE_ADJUDICATED = (
        "double_adjudicated",
        pgettext_lazy("scoring model", "Two independent assessors with adjudication"),
    )


class Review(models.Model):
    """The assessment of one submission, from entering review to its decision."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.OneToOneField(Submission, on_delete=models.PROTECT, related_name="review")
    # No index of its own: ``review_queue`` starts with it. Every index on this table
    # is written again whenever the SLA sweep claims a row (see Meta.indexes).
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        db_index=False,
        help_text="Empty while no eligible assessor exists.",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.OPEN)
    # The due date is also stored on the submission (what the learner sees); the
    # copy here lets the SLA sweep work on one table with partial indexes.
    due_on = models.DateField()
    remind_on = models.DateField(help_text="The assessor is reminded from this date on.")
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(
        null=True, blank=True, help_text="When the sweep last escalated it to staff."
    )
    # Overdue reviews are escalated again at a cadence (SLA_REESCALATE_EVERY_BUSINESS_DAYS):
    # the sweep claims those whose next date has come and moves the date on.
    escalation_count = models.PositiveSmallIntegerField(default=0)
    next_escalation_on = models.DateField(null=True, blank=True)
    # Stamped once when the sweep gives an overdue review to another assessor
    # (SLA_REASSIGN_AFTER_BUSINESS_DAYS); the reassignment follows after its commit.
    overdue_reassigned_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(
        "overall feedback", blank=True, help_text="Shown to the learner with the decision."
    )
    progress_saved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    # Indexed for decided reviews only (``review_decided_by``).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # How this review is scored, fixed when it opens from the credential's
    # ScoringPolicy (a later policy change never alters an open review). Under
    # "single" the assessor above scores on this row (CriterionScore) as
    # always; otherwise the scorings live in Scoring rows and this row, its
    # comment and scores carry only the final decision the learner reads.
    scoring_model = models.CharField(
        max_length=20, choices=ScoringModel.choices, default=ScoringModel.SINGLE
    )
    # A single-scored review drawn for a hidden second scoring (kind "sample")
    # that measures agreement and never changes the decision.
    sampled = models.BooleanField(default=False)
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
            # Only stamped rows: a sweep's UPDATE of a row it leaves unstamped in
            # one of these need not add an entry to that index.
            models.Index(
                fields=["reminder_sent_at"],
                condition=Q(reminder_sent_at__isnull=False),
                name="review_reminder_stamp",
            ),
            models.Index(
                fields=["escalated_at"],
                condition=Q(escalated_at__isnull=False),
                name="review_escalation_stamp",
            ),
            models.Index(
                fields=["next_escalation_on"],
                condition=Q(state="open", next_escalation_on__isnull=False),
                name="review_reescalation_pending",
            ),
            models.Index(
                fields=["due_on"],
                condition=Q(state="open", overdue_reassigned_at__isnull=True),
                name="review_reassignment_pending",
            ),
            models.Index(
                fields=["overdue_reassigned_at"],
                condition=Q(overdue_reassigned_at__isnull=False),
                name="review_reassignment_stamp",
            ),
            models.Index(fields=["assessor", "state", "due_on"], name="review_queue"),
            # Decided reviews only: the sweep rewrites open rows (a claim cannot be a
            # HOT update, so the new row version is entered in every index whose
            # condition it meets), and these two need no entry for them.
            models.Index(
                fields=["state", "decided_at"],
                condition=Q(decided_at__isnull=False),
                name="review_decided",
            ),
            models.Index(
                fields=["decided_by"],
                condition=Q(decided_by__isnull=False),
                name="review_decided_by",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["open", "returned"], outcome="")
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


# --- scoring models: policies, paired scorings, adjudication -------------------------------


class PriorAssessor(models.TextChoices):
    """Whether someone who scored an earlier attempt of the same chain is chosen again."""

    ANY = "any", pgettext_lazy("prior assessor", "No preference")
    PREFER = "prefer", pgettext_lazy("prior assessor", "Prefer the earlier assessor")
    AVOID = "avoid", pgettext_lazy("prior assessor", "Avoid the earlier assessor")


class ScoringPolicy(models.Model):
    """How an organization's submissions are scored: its default (no credential)
    or one credential's override.

    The policy in force for a submission is its credential's row, else its
    organization's row, else single scoring with no sample and no preference
    (``assessments.selectors.scoring_policy_for``). Every field of that one
    row applies. A review keeps the scoring model it opened with
    (``Review.scoring_model``, ``Review.sampled``).

    - ``scoring_model``: single, double (two blind assessors; the submission
      is awarded only when both award, otherwise denied with the feedback of
      a scoring that denied), or double with adjudication (when the two
      differ on any criterion or on the outcome a third person decides).
    - ``sample_percent``: under single scoring, this share of reviews gets a
      hidden second scoring (kind "sample") that measures agreement only. The
      draw is deterministic: review ``pk`` modulo 100 below the percentage.
    - ``prior_assessor``: prefer or avoid whoever scored an earlier attempt
      of the same chain when assigning (avoiding never leaves a review
      unassigned while that person is the only one eligible).

    Rows change only through ``assessments.scoring`` (the scoring services);
    staff edit them in admin.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="scoring_policies"
    )
    credential = models.OneToOneField(
        MicroCredential,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="scoring_policy",
        help_text="Empty: the organization's default for credentials without their own policy.",
    )
    scoring_model = models.CharField(
        max_length=20, choices=ScoringModel.choices, default=ScoringModel.SINGLE
    )
    sample_percent = models.PositiveSmallIntegerField(
        default=0,
        help_text=(
            "Single scoring only: the percentage of reviews that also get a hidden second "
            "scoring, used only to measure agreement."
        ),
    )
    prior_assessor = models.CharField(
        max_length=10, choices=PriorAssessor.choices, default=PriorAssessor.ANY
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "scoring policies"
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(credential__isnull=True),
                name="one_default_scoring_policy_per_organization",
            ),
            models.CheckConstraint(
                condition=Q(sample_percent__lte=100), name="scoring_sample_percent_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.credential or self.organization}: {self.get_scoring_model_display()}"


class ScoringKind(models.TextChoices):
    FIRST = "first", pgettext_lazy("scoring", "First scoring")
    SECOND = "second", pgettext_lazy("scoring", "Second scoring")
    ADJUDICATION = "adjudication", pgettext_lazy("scoring", "Adjudication")
    SAMPLE = "sample", pgettext_lazy("scoring", "Sampled second scoring")


# The scorings compared for agreement: a review's FIRST against its SECOND or SAMPLE.
PAIRED_KINDS = (ScoringKind.SECOND, ScoringKind.SAMPLE)


class ScoringState(models.TextChoices):
    OPEN = "open", pgettext_lazy("scoring", "Open")
    SUBMITTED = "submitted", pgettext_lazy("scoring", "Submitted")


# A submitted scoring is final, like a decision.
SCORING_TRANSITIONS: dict[str, set[str]] = {
    ScoringState.OPEN: {ScoringState.SUBMITTED},
    ScoringState.SUBMITTED: set(),
}


class Scoring(models.Model):
    """One person's scoring of one review: per-criterion marks (ScoringMark) and an outcome.

    Written for every review not scored singly, and for the sampled ones:

    - double / double with adjudication: ``first`` and ``second`` by two
      different assessors, blind to each other until both are submitted;
      ``adjudication`` by a third person when the two differ (with
      adjudication only). The final decision is copied onto the Review.
    - single with a sample: ``sample`` by a second assessor, hidden from the
      learner; when the live review is decided its scoring is copied into a
      ``first`` Scoring so the pair reads like any other.
    - plain single reviews have no Scoring: their one scoring is the Review
      (``assessor``, ``outcome``) and its CriterionScore rows.

    Reading pairs set-wise (agreement, kappa): join a review's submitted
    ``first`` with its submitted ``second`` or ``sample`` (``PAIRED_KINDS``)
    on ``review_id``, and their marks on ``criterion_id``;
    ``assessments.selectors.scoring_pairs()`` (outcomes) and
    ``criterion_pairs()`` (marks) return exactly that as values() querysets
    ready for GROUP BY. An ``adjudication`` against the pair gives the
    reversal rate.

    ``due_on``/``remind_on`` are the review's (the SLA clock covers the whole
    process); the SLA sweep reminds and escalates each open scoring with its
    own stamps.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scorings")
    kind = models.CharField(max_length=12, choices=ScoringKind.choices)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scorings",
        help_text="Empty while no eligible assessor exists.",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=ScoringState.choices, default=ScoringState.OPEN)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    comment = models.TextField("overall feedback", blank=True)
    progress_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField()
    remind_on = models.DateField()
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review_id", "created_at", "id"]
        indexes = [
            models.Index(fields=["assessor", "state", "due_on"], name="scoring_queue"),
            models.Index(fields=["kind", "state", "submitted_at"], name="scoring_submitted"),
            models.Index(
                fields=["remind_on"],
                condition=Q(state="open", reminder_sent_at__isnull=True),
                name="scoring_reminder_pending",
            ),
            models.Index(
                fields=["due_on"],
                condition=Q(state="open", escalated_at__isnull=True),
                name="scoring_escalation_pending",
            ),
            models.Index(fields=["reminder_sent_at"], name="scoring_reminder_stamp"),
            models.Index(fields=["escalated_at"], name="scoring_escalation_stamp"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["review", "kind"], name="one_scoring_per_kind"),
            models.CheckConstraint(
                condition=Q(state="open", outcome="")
                | Q(state="submitted", submitted_at__isnull=False) & ~Q(outcome=""),
                name="scoring_submission_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.review_id} by {self.assessor}"

    @property
    def is_open(self) -> bool:
        return self.state == ScoringState.OPEN

    @property
    def submission(self) -> Submission:
        """The scored submission (emails list scorings as they list reviews)."""
        return self.review.submission


class ScoringMark(models.Model):
    """One criterion as one scoring marked it: met / not yet met, with feedback.

    ``criterion_id`` is the id in the submission's rubric snapshot, the same
    as ``CriterionScore.criterion_id``, so marks of two scorings join on it.
    """

    scoring = models.ForeignKey(Scoring, on_delete=models.CASCADE, related_name="marks")
    criterion_id = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    met = models.BooleanField(null=True, blank=True, help_text="Empty until marked.")
    feedback = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scoring", "criterion_id"], name="one_mark_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scoring}: {self.title}"

    @property
    def mark_label(self) -> str:
        if self.met is None:
            return gettext("Not marked")
        return gettext("Met") if self.met else gettext("Not yet met")
