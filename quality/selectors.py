"""Reads shaped for the quality pages, and who may open them.

Each page's rows load in a fixed number of queries whatever the number of
components: components with their standards joined, a self-assessment's or a
review's marks fetched once and matched in memory.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

from accounts.models import AnyUser, User
from accounts.nav import remembered
from core.compiled import CompiledQuery
from credentials.models import (
    EvidenceRequirement,
    MemberRole,
    MicroCredential,
    Organization,
    OrganizationMember,
    Prompt,
)
from credentials.selectors import member_has_role

from .models import (
    AssignmentStatus,
    Component,
    ComponentResult,
    Framework,
    Gate,
    Mark,
    QualitySetting,
    ReviewAssignment,
    ReviewRound,
    ReviewScore,
    SelfAssessment,
    SelfAssessmentEntry,
)

# --- who may do what -------------------------------------------------------------------


def can_design(*, user: AnyUser, credential: MicroCredential) -> bool:
    """The organization's designers, and staff allowed to change self-assessments."""
    return user.has_perm("quality.change_selfassessment") or member_has_role(
        user=user, organization=credential.organization, roles=(MemberRole.DESIGNER,)
    )


def can_run_rounds(*, user: AnyUser, organization: Organization) -> bool:
    """The organization's admins, and staff allowed to change review rounds: they
    assign reviewers and settle disagreements."""
    return user.has_perm("quality.change_reviewround") or member_has_role(
        user=user, organization=organization, roles=(MemberRole.ADMIN,)
    )


def has_perm(user: AnyUser, perm: str) -> bool:
    """``user.has_perm(perm)``, remembered per user until her roles change
    (``accounts.nav``: her flags, groups or permissions, or any group's): reading a
    user's permissions costs two queries, and the quality pages ask on every visit."""
    if not user.is_authenticated:
        return False
    return remembered(user, perm, lambda: user.has_perm(perm))


def member_roles(user: AnyUser) -> RawSQL:
    """An annotation of a ``MicroCredential`` query: the roles ``user`` holds in the
    version's organization (a list; empty for none, and for anyone signed out).

    Written as SQL because the pages that ask run it on every visit: the same
    question as ``Exists`` subqueries costs about three times as long to build."""
    return member_roles_of(user.pk if user.is_authenticated else None)


class _RolesField(CharField):
    """The roles a ``_MemberRoles`` annotation read, as a list (the database
    sends them joined by commas; no role has one)."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> list[str]:
        return [role for role in (value or "").split(",") if role]


class _MemberRoles(RawSQL):
    """The roles a user holds in a version's organization, joined in SQL by the
    aggregate each database has (``string_agg`` on PostgreSQL, ``group_concat``
    on SQLite, the embedded default)."""

    _SQL = (
        "SELECT COALESCE({agg}, '') FROM \"{member}\" m "
        'WHERE m.organization_id = "{version}".organization_id AND m.user_id = %s'
    )

    def __init__(self, user_id: int | None) -> None:
        self._tables = {
            "member": OrganizationMember._meta.db_table,
            "version": MicroCredential._meta.db_table,
        }
        # Table names from the models; the user is a parameter.
        sql = self._SQL.format(agg="string_agg(m.role, ',')", **self._tables)
        super().__init__(sql, (user_id,), output_field=_RolesField())

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        sql = self._SQL.format(agg="group_concat(m.role, ',')", **self._tables)
        return f"({sql})", tuple(self.params)


def member_roles_of(user_id: int | None) -> RawSQL:
    """``member_roles`` of the user with this id (None: nobody), for a query compiled
    once with a stand-in for the id (``core.compiled``)."""
    return _MemberRoles(user_id)


def _version_with_roles(user: Any, uuid: Any) -> QuerySet[MicroCredential]:
    return (
        MicroCredential.objects.select_related("organization", "organization__quality_setting")
        .annotate(roles=member_roles_of(user))
        .filter(uuid=uuid)
        .order_by()  # the uuid is unique
    )


# The rounds page asks on every visit: compiled once per process (building and
# compiling the query cost more than running it).
_VERSION_ACCESS = CompiledQuery(
    _version_with_roles,
    user=OrganizationMember._meta.get_field("user"),
    uuid=MicroCredential._meta.get_field("uuid"),
)


def version_access(*, user: AnyUser, uuid: Any) -> tuple[MicroCredential, bool, bool]:
    """A version for its rounds page with (``can_design``, ``can_run_rounds``) for
    ``user``, in one query with her roles in its organization and the organization's
    setting (``setting_of``); DoesNotExist when there is no such version."""
    found = _VERSION_ACCESS.rows(user=user.pk if user.is_authenticated else None, uuid=uuid)
    if not found:
        raise MicroCredential.DoesNotExist
    credential = found[0]
    if not user.is_authenticated:
        return credential, False, False
    roles = credential.roles  # type: ignore[attr-defined]
    designs = MemberRole.DESIGNER in roles or has_perm(user, "quality.change_selfassessment")
    runs = MemberRole.ADMIN in roles or has_perm(user, "quality.change_reviewround")
    return credential, designs, runs


# --- frameworks --------------------------------------------------------------------------


def framework_default() -> Framework | None:
    """The framework organizations use unless their setting names another."""
    return Framework.objects.filter(is_default=True).first()


@dataclass(frozen=True)
class OrganizationSetting:
    """An organization's quality setting, with the defaults filled in."""

    framework: Framework | None
    gate: str
    exclude_same_team: bool
    reviewers_per_round: int

    @property
    def advisory(self) -> bool:
        return self.gate == Gate.ADVISORY


def _setting(row: QualitySetting | None, framework: Framework | None) -> OrganizationSetting:
    if row is None:
        return OrganizationSetting(framework, Gate.STRICT, False, 2)
    return OrganizationSetting(
        framework, row.gate or Gate.STRICT, row.exclude_same_team, row.reviewers_per_round
    )


def setting_for(*, organization: Organization, with_framework: bool = True) -> OrganizationSetting:
    """The organization's setting; ``with_framework=False`` leaves the default framework
    out (None) for pages that show only the gate and the number of reviewers."""
    row = (
        QualitySetting.objects.select_related("framework").filter(organization=organization).first()
    )
    framework = row.framework if row is not None else None
    if framework is None and with_framework:
        framework = framework_default()
    return _setting(row, framework)


def setting_of(*, organization: Organization) -> OrganizationSetting:
    """The gate and the number of reviewers of an organization read with its setting
    (``select_related("quality_setting")``), without a query; the framework is left
    out (None)."""
    return _setting(getattr(organization, "quality_setting", None), None)


def framework_components(*, framework: Framework) -> QuerySet[Component]:
    """The components a review against ``framework`` judges: its base's first, then its own."""
    ids = [framework.pk] + ([framework.base_id] if framework.base_id else [])
    return (
        Component.objects.filter(standard__framework__in=ids)
        .select_related("standard")
        .annotate(
            from_base=Case(
                When(standard__framework=framework.pk, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("from_base", "standard__position", "standard__id", "position", "id")
    )


def framework_export(*, framework: Framework) -> dict[str, Any]:
    """The framework in the documented JSON shape (its own standards, not its base's)."""
    standards: list[dict[str, Any]] = []
    by_id: dict[int, dict[str, Any]] = {}
    for standard in framework.standards.order_by("position", "id"):
        by_id[standard.pk] = {
            "code": standard.code,
            "title": standard.title,
            "description": standard.description,
            "components": [],
        }
        standards.append(by_id[standard.pk])
    for component in Component.objects.filter(standard__framework=framework).order_by(
        "position", "id"
    ):
        by_id[component.standard_id]["components"].append(
            {
                "code": component.code,
                "title": component.title,
                "description": component.description,
                "guidance": component.guidance,
                "required": component.required,
            }
        )
    base = framework.base
    return {
        "format": "quality-framework",
        "format_version": 1,
        "name": framework.name,
        "version": framework.version,
        "description": framework.description,
        "organization": framework.organization.slug if framework.organization else None,
        "base": {"name": base.name, "version": base.version} if base else None,
        "default": framework.is_default,
        "standards": standards,
    }


def framework_export_csv(*, framework: Framework) -> str:
    """One component a row (the framework's own name and version go on the command line)."""
    from .services.frameworks import CSV_COLUMNS

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for standard in framework_export(framework=framework)["standards"]:
        for component in standard["components"]:
            writer.writerow(
                [
                    standard["code"],
                    standard["title"],
                    standard["description"],
                    component["code"],
                    component["title"],
                    component["description"],
                    component["guidance"],
                    "true" if component["required"] else "false",
                ]
            )
    return out.getvalue()


# --- self-assessment --------------------------------------------------------------------


@dataclass
class ComponentRow:
    """One component on a page, with what has been said about it."""

    component: Component
    mark: str = ""
    note: str = ""
    pointer: str = ""
    feedback: list[tuple[str, str, str]] = field(default_factory=list)  # (label, mark, text)
    result: ComponentResult | None = None
    claimed: SelfAssessmentEntry | None = None


@dataclass
class StandardGroup:
    standard_code: str
    standard_title: str
    rows: list[ComponentRow]


def group_rows(rows: list[ComponentRow]) -> list[StandardGroup]:
    """Rows under their standard headings, in order (no queries)."""
    groups: list[StandardGroup] = []
    for row in rows:
        standard = row.component.standard
        if not groups or groups[-1].standard_code != standard.code:
            groups.append(StandardGroup(standard.code, standard.title, []))
        groups[-1].rows.append(row)
    return groups


def self_assessment_get(*, credential: MicroCredential) -> SelfAssessment | None:
    return (
        SelfAssessment.objects.select_related("framework", "framework__base")
        .filter(credential=credential)
        .first()
    )


def self_assessment_framework(*, credential: MicroCredential) -> Framework | None:
    """The framework a version is judged against: the one its self-assessment started
    with, otherwise its organization's."""
    existing = self_assessment_get(credential=credential)
    if existing is not None:
        return existing.framework
    return setting_for(organization=credential.organization).framework


def self_assessment_rows(
    *, credential: MicroCredential, framework: Framework
) -> tuple[SelfAssessment | None, list[ComponentRow]]:
    """Every component of ``framework`` with the version's self-assessment of it."""
    assessment = self_assessment_get(credential=credential)
    entries: dict[int, SelfAssessmentEntry] = {}
    if assessment is not None:
        entries = {e.component_id: e for e in assessment.entries.all()}
    rows = []
    for component in framework_components(framework=framework):
        entry = entries.get(component.pk)
        rows.append(
            ComponentRow(
                component=component,
                mark=entry.mark if entry else "",
                note=entry.note if entry else "",
                pointer=entry.pointer if entry else "",
            )
        )
    return assessment, rows


def progress(rows: list[ComponentRow]) -> dict[str, int]:
    """How many components are met, not yet met, and still open."""
    met = sum(1 for r in rows if r.mark == Mark.MET)
    not_met = sum(1 for r in rows if r.mark == Mark.NOT_MET)
    return {"met": met, "not_met": not_met, "open": len(rows) - met - not_met, "total": len(rows)}


# --- rounds -------------------------------------------------------------------------------


def round_list(*, credential: MicroCredential) -> list[ReviewRound]:
    """A version's rounds, latest first, with their assignments and reviewers loaded."""
    return list(
        ReviewRound.objects.filter(credential=credential)
        .select_related("framework")
        .prefetch_related(
            Prefetch("assignments", queryset=ReviewAssignment.objects.select_related("reviewer"))
        )
        .order_by("-number")
    )


def round_latest(*, credential: MicroCredential) -> ReviewRound | None:
    return (
        ReviewRound.objects.filter(credential=credential)
        .select_related("framework")
        .order_by("-number")
        .first()
    )


def round_feedback_rows(*, round: ReviewRound) -> list[ComponentRow]:
    """The round's finding and every submitted reviewer's feedback per component, with
    reviewers named "Reviewer 1", "Reviewer 2"... in assignment order (never by name)."""
    return rounds_feedback_rows(rounds=[round])[round.pk]


def rounds_feedback_rows(*, rounds: list[ReviewRound]) -> dict[int, list[ComponentRow]]:
    """``round_feedback_rows`` of several rounds, by round id, in the same queries as
    one round (results, scores, and the components of each framework in use), so a
    version's page costs the same after one round as after five."""
    from django.utils.translation import gettext

    if not rounds:
        return {}
    results: dict[int, dict[int, ComponentResult]] = {r.pk: {} for r in rounds}
    for result in ComponentResult.objects.filter(round__in=rounds):
        results[result.round_id][result.component_id] = result
    labels: dict[int, str] = {}
    round_of: dict[int, int] = {}
    for review_round in rounds:
        submitted = [
            a for a in review_round.assignments.all() if a.status == AssignmentStatus.SUBMITTED
        ]
        for i, a in enumerate(sorted(submitted, key=lambda a: (a.settles, a.pk)), start=1):
            labels[a.pk] = gettext("Reviewer %(number)s") % {"number": i}
            round_of[a.pk] = review_round.pk
    feedback: dict[int, dict[int, list[tuple[str, str, str]]]] = {r.pk: {} for r in rounds}
    if labels:
        for score in ReviewScore.objects.filter(assignment__in=list(labels)).order_by(
            "assignment__settles", "assignment_id"
        ):
            by_component = feedback[round_of[score.assignment_id]]
            by_component.setdefault(score.component_id, []).append(
                (labels[score.assignment_id], score.mark, score.feedback)
            )
    components = {
        framework_id: list(framework_components(framework=framework))
        for framework_id, framework in {r.framework_id: r.framework for r in rounds}.items()
    }
    return {
        r.pk: [
            ComponentRow(
                component=component,
                mark=results[r.pk][component.pk].mark if component.pk in results[r.pk] else "",
                result=results[r.pk].get(component.pk),
                feedback=feedback[r.pk].get(component.pk, []),
            )
            for component in components[r.framework_id]
        ]
        for r in rounds
    }


def eligible_reviewers(*, round: ReviewRound) -> list[User]:
    """Reviewers of the organization who may review ``round``: not its designer, not
    already assigned, and (when the organization says so) not on the designer's team."""

    organization = round.credential.organization
    excluded = {pk for pk in (round.opened_by_id,) if pk}
    excluded |= set(round.assignments.values_list("reviewer_id", flat=True))
    assessment = SelfAssessment.objects.filter(credential=round.credential).first()
    if assessment and assessment.updated_by_id:
        excluded.add(assessment.updated_by_id)
    members = OrganizationMember.objects.filter(
        organization=organization, role=MemberRole.REVIEWER
    ).exclude(user__in=excluded)
    if setting_for(organization=organization).exclude_same_team:
        teams = set(
            OrganizationMember.objects.filter(organization=organization, user__in=excluded)
            .exclude(team="")
            .values_list("team", flat=True)
        )
        if teams:
            members = members.exclude(
                user__in=OrganizationMember.objects.filter(
                    organization=organization, team__in=teams
                ).values("user")
            )
    return [m.user for m in members.select_related("user").order_by("user__email")]


def _claims_revision() -> RawSQL:
    """An annotation of a ``ReviewAssignment`` query joined to its round: the revision
    of the version's self-assessment (None before one), written as SQL because the
    review page asks on every visit and the same ``Subquery`` costs a third of the
    page's query building."""
    assessment, rounds = SelfAssessment._meta.db_table, ReviewRound._meta.db_table
    # Table names from the models; no value from the request.
    return RawSQL(  # noqa: S611
        f'SELECT s.revision FROM "{assessment}" s '  # noqa: S608
        f'WHERE s.credential_id = "{rounds}".credential_id LIMIT 1',
        (),
    )


def _reviewer_assignment(uuid: Any, reviewer: Any) -> QuerySet[ReviewAssignment]:
    return (
        ReviewAssignment.objects.select_related(
            "round", "round__framework", "round__credential", "round__credential__organization"
        )
        # The designer's claims change only with the self-assessment's revision.
        .annotate(claims_revision=_claims_revision())
        # At most one row (the uuid is unique): no ORDER BY or LIMIT.
        .filter(uuid=uuid, reviewer=reviewer)
        .order_by()
    )


# The review page and its autosave ask on every visit: compiled once per process.
_REVIEWER_ASSIGNMENT = CompiledQuery(
    _reviewer_assignment,
    uuid=ReviewAssignment._meta.get_field("uuid"),
    reviewer=ReviewAssignment._meta.get_field("reviewer"),
)


def assignment_for_reviewer(*, uuid: Any, user: AnyUser) -> ReviewAssignment:
    """The reviewer's own assignment with its round, version, organization and
    framework, and ``claims_revision`` (the self-assessment's revision); anyone else
    gets DoesNotExist (a 404 page)."""
    if not user.is_authenticated:
        raise ReviewAssignment.DoesNotExist
    found = _REVIEWER_ASSIGNMENT.rows(uuid=uuid, reviewer=user.pk)
    if not found:
        raise ReviewAssignment.DoesNotExist
    return found[0]


def review_rows(*, assignment: ReviewAssignment) -> list[ComponentRow]:
    """The components with this reviewer's marks and the designer's claims (note,
    pointer: never the designer's name)."""
    scores = {s.component_id: s for s in assignment.scores.all()}
    claims = {
        e.component_id: e
        for e in SelfAssessmentEntry.objects.filter(
            self_assessment__credential=assignment.round.credential
        )
    }
    rows = []
    for component in framework_components(framework=assignment.round.framework):
        score = scores.get(component.pk)
        rows.append(
            ComponentRow(
                component=component,
                mark=score.mark if score else "",
                note=score.feedback if score else "",
                claimed=claims.get(component.pk),
            )
        )
    return rows


def others_visible(*, assignment: ReviewAssignment) -> bool:
    """Other reviewers' scores show only once this reviewer has submitted."""
    return assignment.status == AssignmentStatus.SUBMITTED


# What the quality home shows of an organization besides its members' roles.
ASSIGNED = "assigned"


def home_scope(*, user: AnyUser) -> tuple[tuple[int, str], ...]:
    """What the quality home of ``user`` covers, in one query: each organization she
    designs for or runs rounds of, with the role, and each organization of a version
    she is assigned to review (``ASSIGNED``), sorted. The home's lists follow from
    these and from the rows ``quality.fragments`` versions, so the scope is part of
    the key they are kept under."""
    if not user.is_authenticated:
        return ()
    roles = (
        OrganizationMember.objects.filter(
            user=user, role__in=(MemberRole.DESIGNER, MemberRole.ADMIN)
        )
        .order_by()
        .values_list("organization_id", "role")
    )
    assigned = (
        ReviewAssignment.objects.filter(reviewer=user)
        .order_by()
        .annotate(kind=Value(ASSIGNED, output_field=CharField()))
        .values_list("round__credential__organization_id", "kind")
    )
    return tuple(sorted(set(roles.union(assigned))))


def home_versions(*, organizations: list[int]) -> QuerySet[MicroCredential]:
    """Every version of these organizations, by title, with its organization's name."""
    return (
        MicroCredential.objects.filter(organization__in=organizations)
        .select_related("organization")
        .only("uuid", "title", "is_published", "organization__name")
        .order_by("title", "id")
    )


def assignment_list(*, user: AnyUser) -> QuerySet[ReviewAssignment]:
    """The reviewer's assignments, open ones first."""
    if not user.is_authenticated:
        return ReviewAssignment.objects.none()
    return (
        ReviewAssignment.objects.filter(reviewer=user)
        .select_related("round", "round__credential", "round__credential__organization")
        .order_by("status", "-assigned_at")
    )


def rounds_needing_action(
    *, organizations: QuerySet[Organization] | list[int]
) -> QuerySet[ReviewRound]:
    """Running rounds of these organizations, with how many reviewers they have."""
    return (
        ReviewRound.objects.filter(
            credential__organization__in=organizations,
            status__in=["open", "settling"],
        )
        .select_related("credential", "credential__organization")
        .annotate(reviewers=Count("assignments", filter=Q(assignments__settles=False)))
        .order_by("opened_at")
    )


def review_credential(*, pk: int) -> MicroCredential:
    """The version under review with what its content section shows (as a learner
    would read it), whether or not it is published."""
    return (
        MicroCredential.objects.select_related("organization")
        .prefetch_related(
            "topics",
            Prefetch("prompts", queryset=Prompt.objects.order_by("part", "position", "id")),
            Prefetch(
                "evidence_requirements",
                queryset=EvidenceRequirement.objects.order_by("position", "id"),
            ),
            "rubric_criteria",
        )
        .get(pk=pk)
    )


def summary_round(*, uuid: str) -> ReviewRound:
    """A passed round of a published credential, for its public summary page."""
    return ReviewRound.objects.select_related("framework", "credential").get(
        uuid=uuid, status="passed", credential__is_published=True
    )
