"""Reads for partners' pages, CSVs and API: only consenting teachers, ever.

Every function that returns teachers or their progress filters on an
ACCEPTED enrollment; a teacher invited but not yet accepted, or who
withdrew, is absent (and a direct address to them is a 404).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import User
from credentials.models import MicroCredential, Organization
from payments.models import Coupon
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


@dataclass(frozen=True)
class CohortHeading:
    """What the dashboard shows of the cohort itself, read with the check of who may see it."""

    pk: int
    uuid: UUID
    name: str
    due_on: date | None
    organization_name: str
    coupon_code: str | None


def _heading_sql() -> str:
    # Only table names are formatted in; every value is a parameter. The organization
    # and the code are read by subqueries: planning joins cost more than running them.
    return f"""
        SELECT c.id, c.uuid, c.name, c.due_on,
            (SELECT o.name FROM {Partner._meta.db_table} p
                JOIN {Organization._meta.db_table} o ON o.id = p.organization_id
                WHERE p.id = c.partner_id),
            (SELECT k.code FROM {Coupon._meta.db_table} k WHERE k.id = c.coupon_id)
        FROM {Cohort._meta.db_table} c
        WHERE c.uuid = %s AND EXISTS (
            SELECT 1 FROM {PartnerMember._meta.db_table} m
            WHERE m.partner_id = c.partner_id AND m.user_id = %s AND m.role IN (%s, %s)
        )
    """  # noqa: S608


def cohort_heading_for(*, user: User, uuid: str | UUID) -> CohortHeading:
    """The dashboard's cohort if ``user`` coaches or administers its partner, else 404:
    ``cohort_get_for``'s check, in one query written out. The dashboard runs it on
    every visit, and building the ORM's query (four models, their every column)
    cost three times what running this one does."""
    with connection.cursor() as cursor:
        cursor.execute(
            _heading_sql(),
            [
                # As the database stores it (hex digits only on SQLite).
                Cohort._meta.get_field("uuid").get_db_prep_value(UUID(str(uuid)), connection),
                user.pk,
                PartnerRole.ADMIN.value,
                PartnerRole.COACH.value,
            ],
        )
        found = cursor.fetchone()
    if found is None:
        raise Http404
    pk, found_uuid, name, due_on, organization_name, coupon_code = found
    # SQLite sends the uuid as hex digits and the date as text.
    if isinstance(due_on, str):
        due_on = date.fromisoformat(due_on)
    return CohortHeading(pk, UUID(str(found_uuid)), name, due_on, organization_name, coupon_code)


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


# The attempt that counts for each learner and credential, one row each
# (PostgreSQL's DISTINCT ON): the first award if there is one (a later draft
# does not undo it), else the latest attempt. Written out rather than built by
# the ORM: the dashboard runs it on every visit, and building it cost more than
# running it. ``{learners}`` is the condition on ``learner_id``.
_COUNTING_SQL = """
    SELECT DISTINCT ON (s.learner_id, s.credential_id)
        s.id, s.learner_id, s.credential_id, s.status, s.created_at, s.submitted_at,
        s.decided_at
    FROM {table} s
    WHERE s.learner_id {learners} AND s.credential_id = ANY(%s)
    ORDER BY s.learner_id, s.credential_id, s.status = %s DESC,
        CASE WHEN s.status = %s THEN s.created_at END,
        CASE WHEN s.status = %s THEN s.id END,
        s.created_at DESC, s.id DESC
"""


def _counting_sql(learners: str) -> str:
    return _COUNTING_SQL.format(table=Submission._meta.db_table, learners=learners)


def _counting_in_python(attempts: QuerySet[Submission]) -> dict[tuple[int, int], Attempt]:
    """``_COUNTING_SQL``'s choice made in Python, for databases without
    ``DISTINCT ON`` (SQLite, the embedded default): every attempt is read, so it
    grows with the attempts, which the small databases it serves can afford."""
    chosen: dict[tuple[int, int], tuple[tuple[Any, ...], Attempt]] = {}
    rows = attempts.order_by().values_list(
        "id", "learner_id", "credential_id", "status", "created_at", "submitted_at", "decided_at"
    )
    for pk, learner_id, credential_id, status, created, submitted, decided in rows:
        # The first award wins over everything; else the latest attempt.
        awarded = status == Status.AWARDED
        rank = (1, -created.timestamp(), -pk) if awarded else (0, created.timestamp(), pk)
        key = (learner_id, credential_id)
        if key not in chosen or rank > chosen[key][0]:
            chosen[key] = (rank, (status, created, submitted, decided))
    return {key: attempt for key, (_rank, attempt) in chosen.items()}


def counting_attempts(
    *, learner_ids: list[int], credential_ids: list[int]
) -> dict[tuple[int, int], Attempt]:
    """``(learner, credential) -> attempt`` for the attempts that count: one
    query, one row per learner and credential whatever the number of attempts."""
    if not learner_ids or not credential_ids:
        return {}
    if connection.vendor != "postgresql":
        return _counting_in_python(
            Submission.objects.filter(learner_id__in=learner_ids, credential_id__in=credential_ids)
        )
    awarded = Status.AWARDED.value
    with connection.cursor() as cursor:
        cursor.execute(
            _counting_sql("= ANY(%s)"),
            [learner_ids, credential_ids, awarded, awarded, awarded],
        )
        return {(row[1], row[2]): (row[3], row[4], row[5], row[6]) for row in cursor.fetchall()}


def _stage_counts(*, cohort_id: int, credential_ids: list[int]) -> list[tuple[int, str, int]]:
    """``(credential, status, teachers)`` over the cohort's consenting teachers'
    attempts that count, counted in the database (in Python on databases
    without ``DISTINCT ON``)."""
    if connection.vendor != "postgresql":
        teachers = Enrollment.objects.filter(
            cohort_id=cohort_id, status=EnrollmentStatus.ACCEPTED
        ).values("teacher_id")
        counting = _counting_in_python(
            Submission.objects.filter(learner_id__in=teachers, credential_id__in=credential_ids)
        )
        tally = Counter((credential, attempt[0]) for (_l, credential), attempt in counting.items())
        return [(credential, status, n) for (credential, status), n in tally.items()]
    # Only table names are formatted in; every value is a parameter.
    table = Enrollment._meta.db_table
    members = f"IN (SELECT e.teacher_id FROM {table} e WHERE e.cohort_id = %s AND e.status = %s)"  # noqa: S608
    sql = f"SELECT c.credential_id, c.status, COUNT(*) FROM ({_counting_sql(members)}) c"  # noqa: S608
    awarded = Status.AWARDED.value
    with connection.cursor() as cursor:
        cursor.execute(
            sql + " GROUP BY c.credential_id, c.status",
            [cohort_id, EnrollmentStatus.ACCEPTED.value, credential_ids, awarded, awarded, awarded],
        )
        return cursor.fetchall()


_NOT_STARTED = Cell(Progress.NOT_STARTED)
_STAGES = {str(status): stage for status, stage in STAGE_OF_STATUS.items()}


def cells_for(
    learner_id: int, credential_ids: list[int], latest: dict[tuple[int, int], Attempt]
) -> list[Cell]:
    """One teacher's cells, in the order of ``credential_ids``."""
    cells = []
    for credential_id in credential_ids:
        found = latest.get((learner_id, credential_id))
        if found is None:
            cells.append(_NOT_STARTED)
            continue
        status, started_at, submitted_at, decided_at = found
        cells.append(Cell(_STAGES.get(status, "draft"), started_at, submitted_at, decided_at))
    return cells


def cohort_progress(*, cohort: Cohort, teacher_id: int | None = None) -> CohortProgress:
    """Per consenting teacher and per credential: the stage of the attempt that
    counts and its dates. Three queries whatever the cohort's size (the export,
    the teacher page, the digest and the partner API read it)."""
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
    credential_ids = [c.pk for c in credentials]
    latest = counting_attempts(
        learner_ids=[e.teacher_id for e in enrollment_list],  # type: ignore[misc]
        credential_ids=credential_ids,
    )
    rows = [
        TeacherRow(
            enrollment,
            enrollment.teacher,  # type: ignore[arg-type]
            cells_for(enrollment.teacher_id, credential_ids, latest),  # type: ignore[arg-type]
        )
        for enrollment in enrollment_list
    ]
    return CohortProgress(cohort=cohort, credentials=credentials, rows=rows)


# --- the dashboard: figures kept per cohort version, a page of teachers --------------------


@dataclass(frozen=True)
class CohortSummary:
    """What the dashboard shows above its table, for the whole cohort. Kept in
    the cache (``programs.cohort_versions``), so only plain values."""

    credentials: list[tuple[int, str]]  # (id, title), by title
    members: int  # consenting teachers
    invited: int  # invitations not yet accepted
    # Per credential id: teachers at each stage (absent stages: none).
    stages: dict[int, dict[str, int]]

    @property
    def credential_ids(self) -> list[int]:
        return [pk for pk, _ in self.credentials]


def cohort_summary_compute(*, cohort_id: int) -> CohortSummary:
    """The summary read from the database, counted in SQL: two queries (three
    for a cohort without credentials)."""

    def enrollments(status: str) -> Subquery:
        return Subquery(
            Enrollment.objects.filter(cohort_id=cohort_id, status=status)
            .values("cohort_id")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        )

    # The credentials, each row also carrying the cohort's two counts.
    found = list(
        Cohort.credentials.through.objects.filter(cohort_id=cohort_id)
        .annotate(
            members=Coalesce(enrollments(EnrollmentStatus.ACCEPTED), Value(0)),
            invited=Coalesce(enrollments(EnrollmentStatus.INVITED), Value(0)),
        )
        .order_by("microcredential__title", "microcredential_id")
        .values_list(  # type: ignore[misc]  # (annotations django-stubs does not follow)
            "microcredential_id", "microcredential__title", "members", "invited"
        )
    )
    credentials = [(pk, title) for pk, title, _, _ in found]
    if found:
        counts = {"members": found[0][2], "invited": found[0][3]}
    else:
        counts = Enrollment.objects.filter(cohort_id=cohort_id).aggregate(
            members=Count("pk", filter=Q(status=EnrollmentStatus.ACCEPTED)),
            invited=Count("pk", filter=Q(status=EnrollmentStatus.INVITED)),
        )
    stages: dict[int, dict[str, int]] = {pk: {} for pk, _ in credentials}
    if credentials and counts["members"]:
        for credential_id, status, n in _stage_counts(
            cohort_id=cohort_id, credential_ids=list(stages)
        ):
            stage = _STAGES.get(status, "draft")
            per_stage = stages[credential_id]
            per_stage[stage] = per_stage.get(stage, 0) + n
    for per_stage in stages.values():
        started = sum(per_stage.values())
        if counts["members"] > started:
            per_stage[Progress.NOT_STARTED] = counts["members"] - started
    return CohortSummary(
        credentials=credentials,
        members=counts["members"],
        invited=counts["invited"],
        stages=stages,
    )


# Orders the table offers; each ends on a unique column, so pages never overlap.
COHORT_SORTS: dict[str, tuple[Any, ...]] = {
    "email": ("teacher__email", "pk"),
    "-email": ("-teacher__email", "-pk"),
    "name": ("teacher__name", "teacher__email", "pk"),
    "-name": ("-teacher__name", "-teacher__email", "-pk"),
    "joined": ("accepted_at", "teacher__email", "pk"),
    "-joined": ("-accepted_at", "teacher__email", "pk"),
    "awarded": ("awarded", "teacher__email", "pk"),
    "-awarded": ("-awarded", "teacher__email", "pk"),
}
DEFAULT_COHORT_SORT = "email"


@dataclass(frozen=True)
class MemberRow:
    teacher_id: int
    name: str
    email: str
    cells: list[Cell]


def cohort_members_search(*, cohort_id: int, query: str) -> QuerySet[Enrollment]:
    """Consenting teachers whose name or address contains ``query`` (all if empty):
    an invitation not accepted is never found."""
    members = Enrollment.objects.filter(cohort_id=cohort_id, status=EnrollmentStatus.ACCEPTED)
    if query:
        members = members.filter(
            Q(teacher__name__icontains=query) | Q(teacher__email__icontains=query)
        )
    return members


def cohort_members_page(
    *,
    cohort_id: int,
    credential_ids: list[int],
    query: str,
    sort: str,
    offset: int,
    limit: int,
) -> list[MemberRow]:
    """One page of consenting teachers with their cells: two queries, whatever
    the cohort's size (the teachers, then their attempts that count)."""
    members = cohort_members_search(cohort_id=cohort_id, query=query)
    if sort in ("awarded", "-awarded"):
        members = members.annotate(
            awarded=Coalesce(
                Subquery(
                    Submission.objects.filter(
                        learner_id=OuterRef("teacher_id"),
                        credential_id__in=credential_ids,
                        status=Status.AWARDED,
                    )
                    .values("learner_id")
                    .annotate(n=Count("credential_id", distinct=True))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            )
        )
    teachers = list(
        members.order_by(*COHORT_SORTS[sort]).values_list(
            "teacher_id", "teacher__name", "teacher__email"
        )[offset : offset + limit]
    )
    latest = counting_attempts(
        learner_ids=[teacher_id for teacher_id, _, _ in teachers], credential_ids=credential_ids
    )
    return [
        MemberRow(teacher_id, name, email, cells_for(teacher_id, credential_ids, latest))
        for teacher_id, name, email in teachers
    ]


def _consented_following(*, learner_id: int, credential_id: int, column: str) -> list[int]:
    """``column`` of the enrollments through which ``learner_id`` consented to a
    cohort that follows ``credential_id``, each once."""
    return list(
        Enrollment.objects.filter(
            teacher_id=learner_id,
            status=EnrollmentStatus.ACCEPTED,
            cohort__credentials=credential_id,
        )
        .values_list(column, flat=True)
        .distinct()
    )


def cohort_ids_following(*, learner_id: int, credential_id: int) -> list[int]:
    """Cohorts following ``credential_id`` in which ``learner_id`` consented: the
    ones whose figures an attempt of theirs changes."""
    return _consented_following(
        learner_id=learner_id, credential_id=credential_id, column="cohort_id"
    )


def cohort_ids_of_teacher(*, teacher_id: int) -> list[int]:
    """Cohorts in which ``teacher_id`` consented: the ones whose tables show her
    name and address."""
    return list(
        Enrollment.objects.filter(
            teacher_id=teacher_id, status=EnrollmentStatus.ACCEPTED
        ).values_list("cohort_id", flat=True)
    )


def cohort_ids_of_credential(*, credential_id: int) -> list[int]:
    """Cohorts following ``credential_id`` (its title heads their tables)."""
    return list(
        Cohort.credentials.through.objects.filter(microcredential_id=credential_id).values_list(
            "cohort_id", flat=True
        )
    )


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
    return _consented_following(
        learner_id=learner_id, credential_id=credential_id, column="cohort__partner_id"
    )
