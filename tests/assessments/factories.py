"""Assessors and submissions in review, built through the real services where it
matters, and as plain rows where a test needs many of them."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import AssessorScope, Review, ReviewState
from submissions import services
from submissions.models import AttestationKind, Status, Submission
from tests.accounts.factories import UserFactory

ALL_ATTESTATIONS = {kind.value for kind in AttestationKind}
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def make_assessor(*, credential=None, organization=None, **user_fields):
    """A user with an active assessor scope for a credential or an organization."""
    user = UserFactory(**user_fields)
    AssessorScope.objects.create(user=user, credential=credential, organization=organization)
    return user


def submit_for_review(
    *, learner, credential, answer="I teach grade 5 science.", photo=False, files=None
):
    """Apply, answer every prompt, add evidence (a PDF, a link, optionally a photo;
    or ``files``, a list of (name, bytes)) and submit a free credential: the
    submission enters review and is assigned like a real one."""
    draft, _ = services.submission_apply(learner=learner, credential=credential)
    requirement = credential.evidence_requirements.first()
    files = files or [("lesson-plan.pdf", PDF_BYTES)] + (
        [("board.png", PNG_BYTES)] if photo else []
    )
    uploads = [(SimpleUploadedFile(name, content), requirement) for name, content in files]
    changes = services.DraftChanges(
        answers={r.pk: answer for r in draft.responses.all()},
        uploads=uploads,
        new_link={
            "title": "Lesson video",
            "url": "https://video.example.org/lesson",
            "requirement": requirement,
        },
    )
    services.draft_save(submission=draft, actor=learner, version=draft.version, changes=changes)
    submission = services.submission_submit(
        submission=draft, actor=learner, attestations=ALL_ATTESTATIONS
    )
    submission.refresh_from_db()
    return submission


def resubmit_for_review(*, denied, learner, answer="Revised: I teach grade 5 science."):
    """Start the next attempt after a denial, revise it and submit it."""
    draft = services.submission_resubmit(submission=denied, actor=learner)
    services.draft_save(
        submission=draft,
        actor=learner,
        version=draft.version,
        changes=services.DraftChanges(answers={r.pk: answer for r in draft.responses.all()}),
    )
    draft.refresh_from_db()
    submission = services.submission_submit(
        submission=draft, actor=learner, attestations=ALL_ATTESTATIONS
    )
    submission.refresh_from_db()
    return submission


def all_met(review, feedback=""):
    return {
        int(c["id"]): assessment_services.ScoreInput(met=True, feedback=feedback)
        for c in review.submission.rubric_snapshot
    }


def first_not_met(review, feedback="Describe your class and school in more detail."):
    scores = all_met(review)
    first = int(review.submission.rubric_snapshot[0]["id"])
    scores[first] = assessment_services.ScoreInput(met=False, feedback=feedback)
    return scores


def review_rows(
    *,
    credential,
    count,
    assessor=None,
    due_on,
    remind_on=None,
    learner=None,
    state=ReviewState.OPEN,
):
    """``count`` submissions in review with their reviews, written as plain rows."""
    learner = learner or UserFactory()
    now = timezone.now()
    snapshot = [
        {"id": c.pk, "title": c.title, "description": c.description}
        for c in credential.rubric_criteria.all()
    ]
    submissions = Submission.objects.bulk_create(
        [
            Submission(
                learner=learner,
                credential=credential,
                status=Status.IN_REVIEW,
                rubric_snapshot=snapshot,
                submitted_at=now,
                review_started_at=now,
                decision_due_on=due_on,
            )
            for _ in range(count)
        ]
    )
    return Review.objects.bulk_create(
        [
            Review(
                submission=submission,
                assessor=assessor,
                assigned_at=now if assessor else None,
                state=state,
                due_on=due_on,
                remind_on=remind_on or due_on - datetime.timedelta(days=3),
            )
            for submission in submissions
        ]
    )
