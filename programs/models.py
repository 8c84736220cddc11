"""Programs: stacks of micro-credentials and what learners earn by completing them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from badges.models import StatusList
from credentials.models import MicroCredential, Organization

# --- stacks -------------------------------------------------------------------------------


class StackRule(models.TextChoices):
    ALL = "all", _("all of them")
    N_OF_M = "n_of_m", _("a number of them")
    REQUIRED_ELECTIVES = "required_electives", _("the required ones and a number of electives")


class Stack(models.Model):
    """A set of micro-credentials (and external Open Badges) with a rule;
    completing it earns its own award and a learner record (CLR 2.0)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="stacks",
        help_text="The issuer of the stack's award.",
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    summary = models.TextField(blank=True)
    rule = models.CharField(max_length=20, choices=StackRule.choices, default=StackRule.ALL)
    count = models.PositiveSmallIntegerField(
        default=0,
        help_text="N of M: how many members; required + electives: how many electives.",
    )
    credit_hours = models.DecimalField(max_digits=5, decimal_places=1, default=0)
    validity_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The award expires this many months after it is earned."
    )
    is_published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class MemberKind(models.TextChoices):
    CREDENTIAL = "credential", _("micro-credential")
    EXTERNAL = "external", _("external Open Badge")


class StackMember(models.Model):
    """One member of a stack: a micro-credential (any version of its lineage
    counts) or an external achievement named by its id."""

    stack = models.ForeignKey(Stack, on_delete=models.CASCADE, related_name="members")
    kind = models.CharField(max_length=10, choices=MemberKind.choices)
    credential = models.ForeignKey(
        MicroCredential,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stack_memberships",
    )
    lineage = models.UUIDField(null=True, blank=True, editable=False)
    achievement_id = models.URLField(max_length=500, blank=True)
    external_name = models.CharField(max_length=200, blank=True)
    required = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stack", "lineage"],
                condition=models.Q(lineage__isnull=False),
                name="unique_stack_lineage",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="credential", credential__isnull=False)
                    | (models.Q(kind="external") & ~models.Q(achievement_id=""))
                ),
                name="stack_member_has_target",
            ),
        ]

    def __str__(self) -> str:
        return self.external_name or str(self.credential)


class ExternalAchievement(models.Model):
    """An Open Badge from another issuer that a learner handed over and the
    verifier accepted, kept to satisfy stack members naming its achievement."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_achievements"
    )
    achievement_id = models.URLField(max_length=500)
    name = models.CharField(max_length=200, blank=True)
    issuer_name = models.CharField(max_length=200, blank=True)
    credential_text = models.TextField()
    report = models.JSONField(default=dict)
    verified_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "achievement_id"], name="unique_external_achievement"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.achievement_id


class StackAward(models.Model):
    """The award of a completed stack: an Open Badges 3.0 credential whose
    achievement is the stack, and a CLR 2.0 credential embedding the member
    credentials. One per learner and stack."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    stack = models.ForeignKey(Stack, on_delete=models.PROTECT, related_name="awards")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stack_awards"
    )
    awarded_at = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    status_index = models.PositiveIntegerField()
    ob3_json = models.TextField()
    ob3_jwt = models.TextField()
    clr_json = models.TextField()
    clr_jwt = models.TextField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-awarded_at"]
        constraints = [
            models.UniqueConstraint(fields=["stack", "learner"], name="unique_stack_award")
        ]

    def __str__(self) -> str:
        return f"{self.stack} awarded to {self.learner}"


# Partners and cohorts live in their own module; imported here so Django finds them.
from .cohort_models import (  # noqa: E402, F401
    ENROLLMENT_TRANSITIONS,
    Cohort,
    Enrollment,
    EnrollmentStatus,
    Partner,
    PartnerKind,
    PartnerMember,
    PartnerRole,
)
