"""Reads for partners' pages, CSVs and API: only consenting teachers, ever.

Every function that returns teachers or their progress filters on an
ACCEPTED enrollment; a teacher invited but not yet accepted, or who
withdrew, is absent (and a direct address to them is a 404).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import User
from credentials.models import MicroCredential
from submissions.models import Status, Submission

from .cohort_models import (
    Cohort,
    Enrollment,
    EnrollmentStatus,
    Partner,
    PartnerMember,
    PartnerRole,
)


class Progress:
    NOT_STARTED = "not_started"


# What the partner sees of a submission: its stage, never its content.
STAGE_OF_STATUS = {
    Status.DRAFT: "draft",
    Status.AWAITING_PAYMENT: "submitted",
    Status.IN_REVIEW: "in_review",
    Status.INCOMPLETE: "incomplete",
    Status.DENIED: "denied",
    Status.AWARDED: "awarded",
}


@dataclass(frozen=True)
class Cell:
    stage: str
    started_at: datetime | None = None
    submitted_at: datetime | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True)
class TeacherRow:
    enrollment: Enrollment
    teacher: User
    cells: list[Cell]

    @property
    def awarded(self) -> int:
        return sum(1 for c in self.cells if c.stage == "awarded")


@dataclass(frozen=True)
class CohortProgress:
    cohort: Cohort
    credentials: list[MicroCredential]
    rows: list[TeacherRow]


def partners_for(*, user: User) -> QuerySet[Partner]:
    return Partner.objects.filter(members__user=user).distinct().select_related("organization")


def cohort_list_for(*, user: User) -> QuerySet[Cohort]:
    """Cohorts of the partners ``user`` coaches or administers, with accepted counts."""
    return (
        Cohort.objects.filter(partner__members__user=user)
        .distinct()
        .select_related("partner__organization")
        .annotate(
            accepted=Subquery(
                Enrollment.objects.filter(cohort=OuterRef("pk"), status=EnrollmentStatus.ACCEPTED)
                .values("cohort")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            )
        )
        .order_by("name")
    )


def cohort_get_for(*, user: User, uuid: str, admin_only: bool = False) -> Cohort:
    """The cohort if ``user`` coaches or administers its partner, else 404."""
    roles = [PartnerRole.ADMIN] if admin_only else [PartnerRole.ADMIN, PartnerRole.COACH]
    cohort = (
        Cohort.objects.filter(
            uuid=uuid, partner__members__user=user, partner__members__role__in=roles
        )
        .select_related("partner__organization", "coupon")
        .first()
    )
    if cohort is None:
        raise Http404
    return cohort


def consenting(cohort: Cohort) -> QuerySet[Enrollment]:
    """The accepted enrollments of ``cohort``: the only teachers a partner sees."""
    return (
        Enrollment.objects.filter(cohort=cohort, status=EnrollmentStatus.ACCEPTED)
        .select_related("teacher")
        .order_by("teacher__email")
    )


def enrollment_get_visible(*, cohort: Cohort, teacher_id: int) -> Enrollment:
    enrollment = consenting(cohort).filter(teacher_id=teacher_id).first()
    if enrollment is None:
        raise Http404
    return enrollment


# (status, created_at, submitted_at, decided_at) of one attempt.
Attempt = tuple[str, datetime | None, datetime | None, datetime | None]


def cohort_progress(*, cohort: Cohort, teacher_id: int | None = None) -> CohortProgress:
    """Per consenting teacher and per credential: the stage of the latest
    attempt and its dates. Three queries whatever the cohort's size; the
    attempts are read as plain tuples, since a cohort of 500 teachers has
    thousands of them."""
    enrollments = consenting(cohort).only(
        "id",
        "cohort_id",
        "teacher_id",
        "status",
        "accepted_at",
        "teacher__id",
        "teacher__name",
        "teacher__email",
    )
    if teacher_id is not None:
        enrollments = enrollments.filter(teacher_id=teacher_id)
    enrollment_list = list(enrollments)
    credentials = list(cohort.credentials.order_by("title"))
    # (status, created_at, submitted_at, decided_at) of the attempt that counts.
    latest: dict[tuple[int, int], Attempt] = {}
    if enrollment_list and credentials:
        attempts = (
            Submission.objects.filter(
                learner_id__in=[e.teacher_id for e in enrollment_list],
                credential_id__in=[c.pk for c in credentials],
            )
            .order_by("created_at", "pk")
            .values_list(
                "learner_id", "credential_id", "status", "created_at", "submitted_at", "decided_at"
            )
        )
        awarded = Status.AWARDED.value
        for learner_id, credential_id, status, created_at, submitted_at, decided_at in attempts:
            key = (learner_id, credential_id)
            previous = latest.get(key)
            # An award stays the teacher's stage even if a later draft exists.
            if previous is None or previous[0] != awarded:
                latest[key] = (status, created_at, submitted_at, decided_at)
    not_started = Cell(Progress.NOT_STARTED)
    stages = {str(status): stage for status, stage in STAGE_OF_STATUS.items()}
    rows = []
    for enrollment in enrollment_list:
        cells = []
        for credential in credentials:
            found = latest.get((enrollment.teacher_id, credential.pk))  # type: ignore[arg-type]
            if found is None:
                cells.append(not_started)
                continue
            status, started_at, submitted_at, decided_at = found
            cells.append(Cell(stages.get(status, "draft"), started_at, submitted_at, decided_at))
        rows.append(TeacherRow(enrollment, enrollment.teacher, cells))  # type: ignore[arg-type]
    return CohortProgress(cohort=cohort, credentials=credentials, rows=rows)


def overdue_enrollment_ids(*, today: date) -> QuerySet[Enrollment, dict[str, Any]]:
    """Accepted enrollments of cohorts past due whose teacher has not earned every credential."""
    through = Cohort.credentials.through
    needed = (
        through.objects.filter(cohort_id=OuterRef("cohort_id"))
        .values("cohort_id")
        .annotate(n=Count("pk"))
        .values("n")  # type: ignore[misc]
    )
    earned = (
        Submission.objects.filter(
            learner_id=OuterRef("teacher_id"),
            status=Status.AWARDED,
            credential__cohorts=OuterRef("cohort_id"),
        )
        .values("learner_id")
        .annotate(n=Count("credential_id", distinct=True))
        .values("n")
    )
    return (
        Enrollment.objects.filter(status=EnrollmentStatus.ACCEPTED, cohort__due_on__lt=today)
        .annotate(
            needed=Coalesce(Subquery(needed, output_field=IntegerField()), Value(0)),
            earned=Coalesce(Subquery(earned, output_field=IntegerField()), Value(0)),
        )
        .filter(needed__gt=0)
        .exclude(earned__gte=F("needed"))
        .values("pk")
    )


def partner_memberships(*, user: User) -> QuerySet[PartnerMember]:
    """The partners ``user`` coaches or administers, for links on their account page."""
    return PartnerMember.objects.filter(user=user).select_related("partner__organization")


def enrollments_of(*, teacher: User) -> QuerySet[Enrollment]:
    """A teacher's own cohorts, for their account page."""
    return (
        Enrollment.objects.filter(teacher=teacher)
        .select_related("cohort__partner__organization")
        .order_by("-invited_at")
    )


def cohort_is_member(*, coupon_id: int, learner_id: int) -> bool | None:
    """For a cohort code: whether ``learner_id`` is an accepted member (None: not a cohort code)."""
    cohort = Cohort.objects.filter(coupon_id=coupon_id).only("pk").first()
    if cohort is None:
        return None
    return Enrollment.objects.filter(
        cohort=cohort, teacher_id=learner_id, status=EnrollmentStatus.ACCEPTED
    ).exists()


def partner_ids_following(*, learner_id: int, credential_id: int) -> list[int]:
    """Partners to whom ``learner_id`` consented in a cohort that follows ``credential_id``."""
    return list(
        Enrollment.objects.filter(
            teacher_id=learner_id,
            status=EnrollmentStatus.ACCEPTED,
            cohort__credentials=credential_id,
        )
        .values_list("cohort__partner_id", flat=True)
        .distinct()
    )
