"""Small and large subjects for the studio, quality review and cohort pages.

The bench seed has no studio drafts, quality review rounds or cohorts, so the
first run that measures these pages creates them in the bench database,
through the apps' own services (the same rows a designer, a reviewer or a
coach would leave), and later runs find them again by their names:

    studio   a designer of bench-org-01 with a small draft (3 prompts, one
             evidence requirement, one criterion); a designer of bench-org-02
             with a large draft (32 prompts, 10 requirements, 10 criteria)
             and 25 more drafts in the studio list
    quality  the default framework; two versions of bench-org-01 submitted for
             review, a small one (one open round) and a large one (two rounds
             sent back for revision, a third open); the first reviewer has
             half of each open review marked; a third reviewer has one
             assignment (the small version's round)
    cohort   bench-org-02 as a district whose coach follows a cohort of 5 and
             one of 500 seeded learners, who accepted their invitations

Each group is created in one transaction, so an interrupted run leaves
nothing half made, and is found by its names afterwards (idempotent).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
from accounts.services import account_ensure
from credentials.models import MemberRole, MicroCredential, Organization, Part
from credentials.services import (
    CredentialChanges,
    StudioAction,
    credential_create,
    credential_draft_save,
    member_add,
)
from programs.cohort_models import Cohort, Enrollment, EnrollmentStatus, PartnerKind, PartnerRole
from programs.services import cohorts as cohort_services
from quality import services as quality_services
from quality.models import (
    AssignmentStatus,
    Framework,
    Mark,
    ReviewAssignment,
    ReviewRound,
    RoundStatus,
)
from quality.selectors import framework_components
from submissions.models import Submission

from .seeding.base import DOMAIN

# Never used to sign in: the bench opens sessions directly.
PASSWORD = "bench-subject-placeholder-password"  # noqa: S105

STUDIO_SMALL = "Bench studio small"
STUDIO_LARGE = "Bench studio large"
STUDIO_EXTRA = "Bench studio extra"
QUALITY_SMALL = "Bench quality small"
QUALITY_LARGE = "Bench quality large"
COHORT_SMALL = "Bench cohort small"
COHORT_LARGE = "Bench cohort large"

SMALL_ITEMS = {"prompts": 3, "requirements": 1, "criteria": 1}
LARGE_ITEMS = {"prompts": 32, "requirements": 10, "criteria": 10}
EXTRA_DRAFTS = 25
LARGE_ROUNDS_SENT_BACK = 2
COHORT_SIZES = {COHORT_SMALL: 5, COHORT_LARGE: 500}


def _person(key: str, name: str) -> User:
    email = f"bench-{key}@{DOMAIN}"
    found = User.objects.filter(email=email).first()
    if found is not None:
        return found
    return account_ensure(email=email, name=name, password=PASSWORD, is_staff=False).user


def _organizations() -> tuple[Organization, Organization]:
    first, second = Organization.objects.order_by("id")[:2]
    return first, second


# --- studio drafts ---------------------------------------------------------------------


def _draft(
    organization: Organization, designer: User, title: str, items: dict[str, int]
) -> MicroCredential:
    """A draft with ``items`` prompts (spread over the four parts), evidence
    requirements and criteria, each filled in, made as the studio's buttons do."""
    credential = credential_create(
        organization=organization,
        actor=designer,
        title=title,
        summary="A draft kept by the benchmark to time the studio and quality pages.",
    )
    parts = list(Part.values)
    actions = [
        StudioAction(verb="add", kind="prompt", part=parts[i % len(parts)])
        for i in range(items["prompts"])
    ]
    actions += [StudioAction(verb="add", kind="requirement")] * items["requirements"]
    actions += [StudioAction(verb="add", kind="criterion")] * items["criteria"]
    for action in actions:
        credential_draft_save(
            credential=credential,
            actor=designer,
            revision=credential.revision,
            changes=CredentialChanges(action=action),
        )
    words = "Describe a lesson in which students explained their thinking to each other. "
    changes = CredentialChanges(
        fields={
            "overview": words * 4,
            "competency": words,
            "key_method": words,
            "method_components": words * 2,
            "research": words * 2,
            "estimated_hours": 15,
            "fee_cents": 7500,
        },
        prompts={
            p.pk: {"text": f"Prompt {i}: {words}", "help_text": "Two or three paragraphs."}
            for i, p in enumerate(credential.prompts.order_by("id"), start=1)
        },
        requirements={
            r.pk: {"title": f"Evidence {i}", "description": words}
            for i, r in enumerate(credential.evidence_requirements.order_by("id"), start=1)
        },
        criteria={
            c.pk: {"title": f"Criterion {i}", "description": words}
            for i, c in enumerate(credential.rubric_criteria.order_by("id"), start=1)
        },
    )
    credential_draft_save(
        credential=credential, actor=designer, revision=credential.revision, changes=changes
    )
    return credential


@dataclass
class StudioSubjects:
    small_designer: User
    large_designer: User
    small: MicroCredential
    large: MicroCredential


def studio_subjects() -> StudioSubjects:
    small_org, large_org = _organizations()
    small_designer = _person("designer-small", "Bench Designer Small")
    large_designer = _person("designer-large", "Bench Designer Large")
    with transaction.atomic():
        member_add(
            organization=small_org, user=small_designer, role=MemberRole.DESIGNER, actor=None
        )
        member_add(
            organization=large_org, user=large_designer, role=MemberRole.DESIGNER, actor=None
        )
        small = MicroCredential.objects.filter(title=STUDIO_SMALL).first()
        if small is None:
            small = _draft(small_org, small_designer, STUDIO_SMALL, SMALL_ITEMS)
        large = MicroCredential.objects.filter(title=STUDIO_LARGE).first()
        if large is None:
            large = _draft(large_org, large_designer, STUDIO_LARGE, LARGE_ITEMS)
            for i in range(EXTRA_DRAFTS):
                credential_create(
                    organization=large_org, actor=large_designer, title=f"{STUDIO_EXTRA} {i + 1}"
                )
    return StudioSubjects(small_designer, large_designer, small, large)


# --- quality review ------------------------------------------------------------------------


@dataclass
class QualitySubjects:
    designer: User
    reviewer: User
    newcomer: User
    small: MicroCredential
    large: MicroCredential
    small_review: ReviewAssignment
    large_review: ReviewAssignment


def _framework() -> Framework:
    framework = Framework.objects.filter(is_default=True).first()
    return framework or quality_services.framework_import_default()


def _score_half(assignment: ReviewAssignment, components: list, mark: str = Mark.MET) -> None:
    quality_services.review_save(
        assignment=assignment,
        actor=assignment.reviewer,
        revision=assignment.revision,
        scores={
            c.pk: quality_services.ScoreInput(
                mark=mark, feedback=f"Seen in the prompts ({c.code})."
            )
            for c in components[: len(components) // 2]
        },
        ratings=quality_services.Ratings(scope=4, clarity=None, ease_of_use=None),
    )


def _submitted_for_review(
    credential: MicroCredential, designer: User, admin: User, reviewers: list[User], rounds: int
) -> ReviewAssignment:
    """Self-assess every component, then ``rounds`` rounds sent back for revision
    (both reviewers find every component not yet met) and one more left open, half
    marked by the first reviewer; the first reviewer's open assignment."""
    components = list(framework_components(framework=_framework()))
    quality_services.self_assessment_save(
        credential=credential,
        actor=designer,
        revision=0,
        entries={
            c.pk: quality_services.EntryInput(mark=Mark.MET, note="", pointer="Part 1, prompt 1")
            for c in components
        },
    )
    for _ in range(rounds):
        review_round = quality_services.round_open(credential=credential, actor=designer)
        for assignment in quality_services.round_assign(
            review_round=review_round, reviewers=reviewers, actor=admin
        ):
            assignment = quality_services.review_save(
                assignment=assignment,
                actor=assignment.reviewer,
                revision=assignment.revision,
                scores={
                    c.pk: quality_services.ScoreInput(mark=Mark.NOT_MET, feedback="Not yet.")
                    for c in components
                },
                ratings=quality_services.Ratings(scope=3, clarity=3, ease_of_use=3),
            )
            quality_services.review_submit(assignment=assignment, actor=assignment.reviewer)
    review_round = quality_services.round_open(credential=credential, actor=designer)
    first, _second = quality_services.round_assign(
        review_round=review_round, reviewers=reviewers, actor=admin
    )
    _score_half(first, components)
    return first


def _open_review(credential: MicroCredential, reviewer: User) -> ReviewAssignment:
    return ReviewAssignment.objects.get(
        round__credential=credential,
        round__status=RoundStatus.OPEN,
        reviewer=reviewer,
        status=AssignmentStatus.ASSIGNED,
    )


def quality_subjects() -> QualitySubjects:
    organization, _ = _organizations()
    designer = _person("designer-small", "Bench Designer Small")
    admin = _person("quality-admin", "Bench Quality Admin")
    reviewers = [_person(f"reviewer-{i}", f"Bench Reviewer {i}") for i in (1, 2)]
    with transaction.atomic():
        member_add(organization=organization, user=designer, role=MemberRole.DESIGNER, actor=None)
        member_add(organization=organization, user=admin, role=MemberRole.ADMIN, actor=None)
        for reviewer in reviewers:
            member_add(
                organization=organization, user=reviewer, role=MemberRole.REVIEWER, actor=None
            )
        _framework()
        versions = {}
        for title, items, rounds in (
            (QUALITY_SMALL, SMALL_ITEMS, 0),
            (QUALITY_LARGE, LARGE_ITEMS, LARGE_ROUNDS_SENT_BACK),
        ):
            credential = MicroCredential.objects.filter(title=title).first()
            if credential is None:
                credential = _draft(organization, designer, title, items)
                _submitted_for_review(credential, designer, admin, reviewers, rounds)
            versions[title] = credential
        small, large = versions[QUALITY_SMALL], versions[QUALITY_LARGE]
        # A third reviewer with one assignment (safe to repeat: already assigned is skipped).
        newcomer = _person("reviewer-3", "Bench Reviewer 3")
        member_add(organization=organization, user=newcomer, role=MemberRole.REVIEWER, actor=None)
        quality_services.round_assign(
            review_round=ReviewRound.objects.get(credential=small, status=RoundStatus.OPEN),
            reviewers=[newcomer],
            actor=admin,
        )
    return QualitySubjects(
        designer,
        reviewers[0],
        newcomer,
        small,
        large,
        _open_review(small, reviewers[0]),
        _open_review(large, reviewers[0]),
    )


# --- cohorts -------------------------------------------------------------------------------


@dataclass
class CohortSubjects:
    coach: User
    small: Cohort
    large: Cohort


def _learners(offset: int, count: int) -> list[User]:
    """Seeded learners with at least one application, in a fixed order."""
    ids = (
        Submission.objects.filter(learner__email__startswith="learner")
        .order_by("learner_id")
        .values_list("learner_id", flat=True)
        .distinct()[offset : offset + count]
    )
    return list(User.objects.filter(pk__in=list(ids)).order_by("id"))


def cohort_subjects() -> CohortSubjects:
    _, organization = _organizations()
    coach = _person("coach", "Bench Coach")
    with transaction.atomic():
        partner = cohort_services.partner_create(
            organization=organization, kind=PartnerKind.DISTRICT, actor=None
        )
        cohort_services.partner_member_add(
            partner=partner, user=coach, role=PartnerRole.COACH, actor=None
        )
        credentials = list(MicroCredential.objects.published().order_by("id")[:3])
        found: dict[str, Cohort] = {}
        offset = 0
        for name, size in COHORT_SIZES.items():
            cohort = Cohort.objects.filter(partner=partner, name=name).first()
            if cohort is None:
                cohort = cohort_services.cohort_create(
                    partner=partner, name=name, credentials=credentials, actor=coach
                )
                learners = _learners(offset, size)
                cohort_services.enrollment_invite(
                    cohort=cohort, emails=[u.email for u in learners], actor=coach
                )
                tokens = dict(
                    Enrollment.objects.filter(
                        cohort=cohort, status=EnrollmentStatus.INVITED
                    ).values_list("email", "token")
                )
                for learner in learners:
                    cohort_services.enrollment_accept(
                        token=str(tokens[learner.email.lower()]), teacher=learner
                    )
            found[name] = cohort
            offset += size
    return CohortSubjects(coach, found[COHORT_SMALL], found[COHORT_LARGE])


@dataclass
class Subjects:
    studio: StudioSubjects
    quality: QualitySubjects
    cohorts: CohortSubjects


def ensure() -> Subjects:
    """The subjects of the studio, quality and cohort pages, created on first use."""
    return Subjects(studio_subjects(), quality_subjects(), cohort_subjects())
