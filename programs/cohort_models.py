"""Partners (districts, schools, state programs), their coaches and cohorts of
teachers who agreed to share their progress.

Kept apart from the stack models; ``programs.models`` imports them so Django
finds them. A partner's people are a programs-side membership (not
``credentials.OrganizationMember`` roles): being a district coach must never
grant any right over an issuer's credentials, and the credentials app stays
unaware of cohorts.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from credentials.models import MicroCredential, Organization
from payments.models import Coupon


class PartnerKind(models.TextChoices):
    DISTRICT = "district", _("district")
    SCHOOL = "school", _("school")
    STATE = "state", _("state program")


class Partner(models.Model):
    """An organization that follows groups of teachers through credentials."""

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="partner"
    )
    kind = models.CharField(max_length=10, choices=PartnerKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.organization)


class PartnerRole(models.TextChoices):
    ADMIN = "admin", _("partner admin")
    COACH = "coach", _("coach")


class PartnerMember(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_memberships"
    )
    role = models.CharField(max_length=5, choices=PartnerRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "user", "role"], name="programs_partner_member_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) at {self.partner}"


class Cohort(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(_("name"), max_length=200)
    credentials = models.ManyToManyField(MicroCredential, related_name="cohorts", blank=True)
    due_on = models.DateField(
        _("due date"),
        null=True,
        blank=True,
        help_text=_("Teachers not awarded by then are nudged."),
    )
    coupon = models.OneToOneField(
        Coupon,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cohort",
        help_text="The prepaid cohort code: only the cohort's members, only its credentials.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EnrollmentStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


ENROLLMENT_TRANSITIONS: dict[str, set[str]] = {
    EnrollmentStatus.INVITED: {EnrollmentStatus.ACCEPTED},
    EnrollmentStatus.ACCEPTED: {EnrollmentStatus.WITHDRAWN},
    EnrollmentStatus.WITHDRAWN: {EnrollmentStatus.ACCEPTED},
}


class Enrollment(models.Model):
    """An invitation to a cohort and, once accepted, the teacher's consent to
    share progress. Only ACCEPTED rows are ever shown to the partner."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrollments")
    email = models.EmailField()
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cohort_enrollments",
    )
    status = models.CharField(
        max_length=10, choices=EnrollmentStatus.choices, default=EnrollmentStatus.INVITED
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    last_nudged_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "email"], name="programs_enrollment_unique")
        ]
        indexes = [models.Index(fields=["cohort", "status"])]

    def __str__(self) -> str:
        return f"{self.email} in {self.cohort}"
