"""Rounds end in "revise" or "passed", and only a passing round (or an advisory gate,
or a recorded override) lets a version be published."""

import pytest
from django.contrib.auth.models import Permission

from audit.models import AuditEvent
from credentials.models import MicroCredential
from quality import services
from quality.exceptions import (
    NotAllowed,
    OverrideNotAllowed,
    QualityGateClosed,
    ReviewerNotEligible,
    RoundAlreadyOpen,
    SelfAssessmentIncomplete,
)
from quality.models import Gate, GateOverride, Mark, QualitySetting, RoundStatus
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_cannot_publish_without_a_passing_round(world):
    with pytest.raises(QualityGateClosed, match="not been reviewed"):
        services.version_publish(credential=world.credential, actor=world.designer)

    world.self_assess()
    review_round, (a1, a2) = world.open_round()
    with pytest.raises(QualityGateClosed, match="still in review"):
        services.version_publish(credential=world.credential, actor=world.designer)

    world.score(a1, Mark.MET)
    world.score(a2, [Mark.NOT_MET] + [Mark.MET] * 4)
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.SETTLING
    services.round_settle(
        review_round=review_round,
        component_id=world.components()[0].pk,
        mark=Mark.NOT_MET,
        note="The competency names two skills.",
        actor=world.admin,
    )
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.REVISE
    with pytest.raises(QualityGateClosed, match="asked for revisions"):
        services.version_publish(credential=world.credential, actor=world.designer)
    world.credential.refresh_from_db()
    assert not world.credential.is_published


def test_reviewers_and_the_designer_are_emailed_without_naming_the_designer(world):
    from notifications.models import OutboundEmail

    world.self_assess()
    review_round, (a1, a2) = world.open_round()
    opened = OutboundEmail.objects.get(template="quality_round_opened")
    assert opened.to == ["orgadmin@example.org"]
    assert "Assign reviewers: Questioning Strategies (round 1)" == opened.subject
    assigned = OutboundEmail.objects.filter(template="quality_review_assigned")
    assert sorted(m.to[0] for m in assigned) == ["reviewer1@example.org", "reviewer2@example.org"]
    for message in assigned:
        assert "Quality review assigned: Questioning Strategies (round 1)" == message.subject
        assert "Dana" not in message.body_text + message.body_html
        assert "designer@example.org" not in message.body_text + message.body_html
    assert f"/quality/reviews/{a1.uuid}/" in assigned.get(to=[a1.reviewer.email]).body_text
    world.score(a1, Mark.NOT_MET)
    world.score(a2, Mark.NOT_MET)
    closed = OutboundEmail.objects.get(template="quality_round_closed")
    assert closed.to == ["designer@example.org"]
    assert "revise after quality review round 1" in closed.subject


def test_second_round_passes_and_publishing_gives_the_mark(world):
    world.self_assess()
    first, (a1, a2) = world.open_round()
    world.score(a1, Mark.NOT_MET)
    world.score(a2, Mark.NOT_MET)
    first.refresh_from_db()
    assert first.status == RoundStatus.REVISE

    world.self_assess()
    second, (b1, b2) = world.open_round()
    assert second.number == 2
    world.score(b1, Mark.MET)
    world.score(b2, Mark.MET)
    second.refresh_from_db()
    assert second.status == RoundStatus.PASSED

    services.version_publish(credential=world.credential, actor=world.designer)
    credential = MicroCredential.objects.get(pk=world.credential.pk)
    assert credential.is_published
    assert credential.quality_framework == "Test framework 1.0"
    assert credential.quality_reviewed_at == second.closed_at
    assert credential.quality_summary_uuid == second.uuid
    assert AuditEvent.objects.filter(verb="credential.quality_marked").count() == 1


def test_override_needs_the_permission_and_records_actor_and_reason(world):
    with pytest.raises(OverrideNotAllowed):
        services.version_publish(
            credential=world.credential, actor=world.designer, override_reason="Urgent."
        )
    staff = UserFactory(email="qa-staff@example.org", is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="override_gate"),
        Permission.objects.get(codename="change_microcredential"),
    )
    staff = type(staff).objects.get(pk=staff.pk)  # fresh permission cache
    with pytest.raises(QualityGateClosed):
        services.version_publish(credential=world.credential, actor=staff)

    services.version_publish(
        credential=world.credential, actor=staff, override_reason="State deadline; review booked."
    )
    # A second click publishes nothing more and records no second override.
    services.version_publish(credential=world.credential, actor=staff, override_reason="Again.")

    world.credential.refresh_from_db()
    assert world.credential.is_published
    assert world.credential.quality_reviewed_at is None  # no mark without a passing review
    override = GateOverride.objects.get()
    assert (override.actor, override.reason) == (staff, "State deadline; review booked.")
    event = AuditEvent.objects.get(verb="quality.gate_overridden")
    assert event.actor == staff
    assert event.data["reason"] == "State deadline; review booked."


def test_advisory_gate_publishes_without_a_review(world):
    QualitySetting.objects.create(organization=world.organization, gate=Gate.ADVISORY)
    services.version_publish(credential=world.credential, actor=world.designer)
    world.credential.refresh_from_db()
    assert world.credential.is_published
    assert AuditEvent.objects.filter(verb="quality.gate_advisory").exists()


def test_only_the_organization_may_publish(world):
    stranger = UserFactory(email="stranger@example.org")
    with pytest.raises(NotAllowed):
        services.version_publish(credential=world.credential, actor=stranger)


def test_submitting_needs_a_complete_self_assessment_and_opens_one_round(world):
    with pytest.raises(SelfAssessmentIncomplete):
        services.round_open(credential=world.credential, actor=world.designer)
    first = world.components()[0]
    services.self_assessment_save(
        credential=world.credential,
        actor=world.designer,
        revision=0,
        entries={first.pk: services.EntryInput(mark=Mark.MET)},
    )
    with pytest.raises(SelfAssessmentIncomplete, match="4 still open"):
        services.round_open(credential=world.credential, actor=world.designer)
    world.credential._sa_revision = 1
    world.self_assess()
    services.round_open(credential=world.credential, actor=world.designer)
    with pytest.raises(RoundAlreadyOpen):
        services.round_open(credential=world.credential, actor=world.designer)


def test_the_designer_and_their_team_never_review(world):
    world.self_assess()
    review_round = services.round_open(credential=world.credential, actor=world.designer)
    from credentials.models import MemberRole
    from credentials.services import member_add

    # The designer also holds the reviewer role: still never offered their own version.
    member_add(
        organization=world.organization,
        user=world.designer,
        role=MemberRole.REVIEWER,
        actor=None,
    )
    with pytest.raises(ReviewerNotEligible):
        services.round_assign(
            review_round=review_round,
            reviewers=[world.designer, world.reviewer1],
            actor=world.admin,
        )
    # Same team, and the organization keeps teams apart.
    member_add(
        organization=world.organization,
        user=world.designer,
        role=MemberRole.DESIGNER,
        actor=None,
        team="Math",
    )
    member_add(
        organization=world.organization,
        user=world.reviewer1,
        role=MemberRole.REVIEWER,
        actor=None,
        team="Math",
    )
    QualitySetting.objects.create(
        organization=world.organization, gate=Gate.STRICT, exclude_same_team=True
    )
    with pytest.raises(ReviewerNotEligible):
        services.round_assign(
            review_round=review_round,
            reviewers=[world.reviewer1, world.reviewer2],
            actor=world.admin,
        )
    created = services.round_assign(
        review_round=review_round, reviewers=[world.reviewer2, world.reviewer3], actor=world.admin
    )
    assert len(created) == 2


def test_third_reviewer_settles_a_disagreement(world):
    world.self_assess()
    review_round, (a1, a2) = world.open_round()
    world.score(a1, Mark.MET)
    world.score(a2, [Mark.NOT_MET, Mark.NOT_MET, Mark.MET, Mark.MET, Mark.MET])
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.SETTLING
    (third,) = services.round_assign(
        review_round=review_round, reviewers=[world.reviewer3], actor=world.admin, settles=True
    )
    world.score(third, [Mark.MET, Mark.NOT_MET, Mark.NOT_MET, Mark.MET, Mark.MET])
    review_round.refresh_from_db()
    # Component 2 settled "not yet met" by the third reviewer; component 3 was agreed "met".
    assert review_round.status == RoundStatus.REVISE
    marks = dict(review_round.results.values_list("component__code", "mark"))
    assert marks["1.1"] == Mark.MET and marks["1.2"] == Mark.NOT_MET and marks["1.3"] == Mark.MET


def test_a_not_yet_met_needs_feedback_before_the_review_is_submitted(world):
    from quality.exceptions import ReviewIncomplete

    world.self_assess()
    _, (a1, _a2) = world.open_round()
    first = world.components()[0]
    world.score(a1, Mark.MET, submit=False)
    services.review_save(
        assignment=a1,
        actor=world.reviewer1,
        revision=a1.revision,
        scores={first.pk: services.ScoreInput(mark=Mark.NOT_MET, feedback="")},
        ratings=services.Ratings(scope=4, clarity=4, ease_of_use=4),
    )
    with pytest.raises(ReviewIncomplete, match="feedback on each component marked not yet met"):
        services.review_submit(assignment=a1, actor=world.reviewer1)
