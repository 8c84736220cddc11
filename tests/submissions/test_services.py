import pytest
from django.core import mail

from audit.selectors import audit_events_for
from credentials.models import Prompt
from submissions import services
from submissions.exceptions import (
    DraftConflict,
    IllegalTransition,
    IncompleteSubmission,
    NotEditable,
    SubmissionError,
)
from submissions.models import Attestation, Status, Submission
from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory
from tests.submissions.factories import (
    ALL_ATTESTATIONS,
    complete_draft,
    fill_answers,
    moves_to,
    pdf_upload,
    submitted_application,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential():
    return CredentialFactory()


def test_apply_twice_opens_the_same_draft(learner, credential):
    first, created = services.submission_apply(learner=learner, credential=credential)
    second, created_again = services.submission_apply(learner=learner, credential=credential)
    assert created and not created_again
    assert first.pk == second.pk
    assert Submission.objects.filter(learner=learner, status=Status.DRAFT).count() == 1
    assert first.responses.count() == credential.prompts.count()


def test_cannot_apply_to_an_unpublished_credential(learner):
    with pytest.raises(SubmissionError):
        services.submission_apply(learner=learner, credential=CredentialFactory(is_published=False))


def test_save_keeps_text_files_and_links(learner, credential):
    draft, _ = services.submission_apply(learner=learner, credential=credential)
    requirement = credential.evidence_requirements.first()
    answers = fill_answers(draft, words=3)
    result = services.draft_save(
        submission=draft,
        actor=learner,
        version=draft.version,
        changes=services.DraftChanges(
            answers=answers,
            uploads=[(pdf_upload(), requirement)],
            new_link={"title": "Video", "url": "https://video.example.org/1", "requirement": None},
        ),
    )
    assert result.upload_errors == []
    draft.refresh_from_db()
    assert draft.version == result.version == 2
    assert {r.pk: r.text for r in draft.responses.all()} == answers
    attachment = draft.attachments.get()
    assert attachment.requirement == requirement
    assert attachment.file.read().startswith(b"%PDF")
    assert draft.links.get().url == "https://video.example.org/1"


def test_save_with_an_old_version_is_a_conflict_and_changes_nothing(learner, credential):
    draft, _ = services.submission_apply(learner=learner, credential=credential)
    tab_a_version = tab_b_version = draft.version
    response = draft.responses.first()
    services.draft_save(
        submission=draft,
        actor=learner,
        version=tab_a_version,
        changes=services.DraftChanges(answers={response.pk: "from tab A"}),
    )
    with pytest.raises(DraftConflict) as exc:
        services.draft_save(
            submission=draft,
            actor=learner,
            version=tab_b_version,
            changes=services.DraftChanges(answers={response.pk: "from tab B"}),
        )
    assert exc.value.current_version == 2
    response.refresh_from_db()
    assert response.text == "from tab A"


def test_over_limit_text_is_saved_and_reported(learner, credential):
    draft, _ = services.submission_apply(learner=learner, credential=credential)
    response = draft.responses.filter(word_limit=50).first()
    long_text = "word " * 60
    result = services.draft_save(
        submission=draft,
        actor=learner,
        version=draft.version,
        changes=services.DraftChanges(answers={response.pk: long_text}),
    )
    response.refresh_from_db()
    assert response.text == long_text
    assert result.over_limit == [response.pk]


def test_submit_lists_every_missing_piece(learner, credential):
    draft, _ = services.submission_apply(learner=learner, credential=credential)
    with pytest.raises(IncompleteSubmission) as exc:
        services.submission_submit(submission=draft, actor=learner, attestations=set())
    messages = [m for m, _ in exc.value.problems]
    required_prompts = credential.prompts.filter(required=True).count()
    assert sum("needs an answer" in m for m in messages) == required_prompts
    assert any("Lesson plan" in m for m in messages)
    assert sum(m.startswith("Confirm") for m in messages) == 3
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_each_attestation_is_required(learner, credential):
    draft, _ = services.submission_apply(learner=learner, credential=credential)
    complete_draft(draft, learner)
    with pytest.raises(IncompleteSubmission) as exc:
        services.submission_submit(
            submission=draft, actor=learner, attestations={"ready", "original"}
        )
    assert [a for _, a in exc.value.problems] == ["attestation-release"]


def test_over_limit_answer_blocks_submit(learner, credential):
    draft, _ = services.submission_apply(learner=learner, credential=credential)
    complete_draft(draft, learner)
    response = draft.responses.filter(word_limit=40).first()
    services.draft_save(
        submission=draft,
        actor=learner,
        version=draft.version,
        changes=services.DraftChanges(answers={response.pk: "word " * 41}),
    )
    with pytest.raises(IncompleteSubmission) as exc:
        services.submission_submit(submission=draft, actor=learner, attestations=ALL_ATTESTATIONS)
    assert exc.value.problems == [
        (
            f"Part {response.part}: “{response.prompt_text}” has 41 words; the limit is 40.",
            response.anchor,
        )
    ]


def test_free_submission_goes_to_review_records_attestations_and_emails(
    learner, credential, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = submitted_application(learner, credential)
    assert submission.status == Status.IN_REVIEW
    assert submission.submitted_at and submission.review_started_at
    assert Attestation.objects.filter(submission=submission).count() == 3
    assert [c["title"] for c in submission.rubric_snapshot] == ["Context", "Reflection"]
    assert len(mail.outbox) == 1
    assert submission.reference in mail.outbox[0].subject
    assert mail.outbox[0].alternatives[0][1] == "text/html"


def test_paid_submission_waits_for_payment(learner):
    submission = submitted_application(learner, CredentialFactory(fee_cents=12500))
    assert submission.status == Status.AWAITING_PAYMENT
    assert submission.review_started_at is None
    paid = services.submission_mark_paid(submission_id=submission.pk)
    assert paid.status == Status.IN_REVIEW
    again = services.submission_mark_paid(submission_id=submission.pk)
    assert again.status == Status.IN_REVIEW
    assert moves_to(submission, Status.IN_REVIEW) == 1


def test_submit_twice_moves_once(learner, credential):
    submission = submitted_application(learner, credential)
    again = services.submission_submit(
        submission=submission, actor=learner, attestations=ALL_ATTESTATIONS
    )
    assert again.status == Status.IN_REVIEW
    assert audit_events_for(submission).count() == 2  # applied, submitted
    assert Attestation.objects.filter(submission=submission).count() == 3


def test_submitted_content_is_frozen(learner, credential):
    submission = submitted_application(learner, credential)
    with pytest.raises(NotEditable):
        services.draft_save(
            submission=submission,
            actor=learner,
            version=submission.version,
            changes=services.DraftChanges(answers={}),
        )


def test_someone_else_cannot_save_or_submit(learner, other_learner, credential):
    draft, _ = services.submission_apply(learner=learner, credential=credential)
    with pytest.raises(NotEditable):
        services.draft_save(
            submission=draft,
            actor=other_learner,
            version=draft.version,
            changes=services.DraftChanges(answers=fill_answers(draft)),
        )
    with pytest.raises(NotEditable):
        services.submission_submit(
            submission=draft, actor=other_learner, attestations=ALL_ATTESTATIONS
        )


def test_prompt_edits_reach_drafts_but_not_submitted_applications(learner, credential):
    submission = submitted_application(learner, credential)
    other = CredentialFactory()
    prompt = credential.prompts.get(part=1, position=1)
    prompt.text = "Describe your school (edited)."
    prompt.save()
    Prompt.objects.create(credential=credential, part=3, position=9, text="A new question")
    services.draft_refresh_prompts(submission=submission)
    texts = list(submission.responses.values_list("prompt_text", flat=True))
    assert "Describe your teaching context." in texts
    assert "A new question" not in texts
    assert other  # a second credential does not disturb the first

    draft, _ = services.submission_apply(learner=UserFactory(), credential=credential)
    texts = list(draft.responses.values_list("prompt_text", flat=True))
    assert "Describe your school (edited)." in texts and "A new question" in texts


def test_illegal_moves_raise(learner, credential):
    submission = submitted_application(learner, credential)
    services.submission_record_decision(submission_id=submission.pk, awarded=False, actor=None)
    with pytest.raises(IllegalTransition):
        services.submission_record_decision(submission_id=submission.pk, awarded=True, actor=None)
    draft, _ = services.submission_apply(learner=learner, credential=CredentialFactory())
    with pytest.raises(IllegalTransition):
        services.submission_mark_paid(submission_id=draft.pk)


def test_resubmit_copies_text_links_and_files(learner, credential):
    submission = submitted_application(learner, credential)
    services.submission_record_decision(submission_id=submission.pk, awarded=False, actor=None)
    submission.refresh_from_db()
    draft = services.submission_resubmit(submission=submission, actor=learner)
    assert draft.previous == submission and draft.status == Status.DRAFT
    assert sorted(draft.responses.values_list("text", flat=True)) == sorted(
        submission.responses.values_list("text", flat=True)
    )
    old, new = submission.attachments.get(), draft.attachments.get()
    assert old.file.name != new.file.name
    assert new.file.read() == old.file.read()
    assert services.submission_resubmit(submission=submission, actor=learner) == draft
