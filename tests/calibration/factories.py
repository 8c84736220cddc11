"""Calibration sets with anchors, and attempts, built through the services."""

from assessments.models import AssessorScope
from calibration import services
from calibration.models import CalibrationSet
from tests.accounts.factories import UserFactory

# (true outcome, true mark per criterion in rubric order)
ANCHORS = [("awarded", [True, True]), ("denied", [True, False]), ("denied", [False, False])]


def make_set(credential, *, anchors=ANCHORS, actor=None, **fields):
    """An active set for ``credential`` with synthetic anchors."""
    calibration_set = services.calibration_set_save(
        calibration_set=CalibrationSet(
            credential=credential, title=f"Calibration for {credential.title}", **fields
        ),
        actor=actor,
    )
    criteria = list(credential.rubric_criteria.all())
    for number, (outcome, marks) in enumerate(anchors, start=1):
        services.anchor_create_synthetic(
            calibration_set=calibration_set,
            credential=credential,
            content=[{"part": "1", "prompt": "Describe your class.", "text": f"Example {number}."}],
            true_outcome=outcome,
            rationale=f"Why anchor {number} is {outcome}.",
            scores={
                c.pk: services.TrueScore(met=met, rationale=f"{c.title} reason {number}")
                for c, met in zip(criteria, marks, strict=True)
            },
            actor=actor,
        )
    return calibration_set


def make_candidate(credential, **fields):
    user = UserFactory(**fields)
    AssessorScope.objects.create(user=user, credential=credential)
    return user


def answer_all(attempt, assessor, answers):
    """Score every anchor: ``answers`` is a list of (outcome, [met per criterion])."""
    anchors = list(attempt.calibration_set.anchors.prefetch_related("true_scores"))
    for anchor, (outcome, marks) in zip(anchors, answers, strict=True):
        services.attempt_answer_save(
            attempt_id=attempt.pk,
            anchor=anchor,
            outcome=outcome,
            marks={
                s.criterion_id: met for s, met in zip(anchor.true_scores.all(), marks, strict=True)
            },
            actor=assessor,
        )


def decided_rows(credential, items, *, learner=None):
    """Decided reviews as plain rows: ``items`` of (started, decided, due_on,
    outcome, decided_by)."""
    import datetime

    from assessments.models import Review, ReviewState
    from submissions.models import Status, Submission

    learner = learner or UserFactory()
    snapshot = [
        {"id": c.pk, "title": c.title, "description": c.description}
        for c in credential.rubric_criteria.all()
    ]
    submissions = Submission.objects.bulk_create(
        [
            Submission(
                learner=learner,
                credential=credential,
                status=Status.AWARDED if outcome == "awarded" else Status.DENIED,
                rubric_snapshot=snapshot,
                submitted_at=started,
                review_started_at=started,
                decision_due_on=due_on,
                decided_at=decided,
            )
            for started, decided, due_on, outcome, _ in items
        ]
    )
    return Review.objects.bulk_create(
        [
            Review(
                submission=submission,
                assessor=decider,
                assigned_at=started,
                state=ReviewState.DECIDED,
                due_on=due_on,
                remind_on=due_on - datetime.timedelta(days=3),
                outcome=outcome,
                decided_by=decider,
                decided_at=decided,
            )
            for submission, (started, decided, due_on, outcome, decider) in zip(
                submissions, items, strict=True
            )
        ]
    )


def paired_scorings(reviews, pairs, *, first, second, submitted_at):
    """A submitted first and second scoring per review: ``pairs`` holds, per review,
    (first outcome, second outcome, [(first met, second met) per criterion])."""
    import datetime

    from assessments.models import Scoring, ScoringKind, ScoringMark, ScoringState

    scorings = []
    for review, (first_outcome, second_outcome, _) in zip(reviews, pairs, strict=True):
        for kind, assessor, outcome in (
            (ScoringKind.FIRST, first, first_outcome),
            (ScoringKind.SECOND, second, second_outcome),
        ):
            scorings.append(
                Scoring(
                    review=review,
                    kind=kind,
                    assessor=assessor,
                    state=ScoringState.SUBMITTED,
                    outcome=outcome,
                    submitted_at=submitted_at,
                    due_on=review.due_on,
                    remind_on=review.due_on - datetime.timedelta(days=3),
                )
            )
    scorings = Scoring.objects.bulk_create(scorings)
    marks = []
    for index, (_, _, criteria) in enumerate(pairs):
        snapshot = reviews[index].submission.rubric_snapshot
        for side in (0, 1):
            scoring = scorings[2 * index + side]
            for position, (criterion, mets) in enumerate(zip(snapshot, criteria, strict=True)):
                marks.append(
                    ScoringMark(
                        scoring=scoring,
                        criterion_id=criterion["id"],
                        position=position,
                        title=criterion["title"],
                        met=mets[side],
                    )
                )
    ScoringMark.objects.bulk_create(marks)
    return scorings
