"""Resubmissions: the note, declared collaborators, what changed between attempts,
and the attempt limit."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from assessments import services as assessment_services
from assessments.models import Outcome
from audit.selectors import audit_events_for
from submissions import services
from submissions.changes import ADDED, CHANGED, REMOVED, UNCHANGED, attempt_changes, word_diff
from submissions.collaborators import parse_collaborators
from submissions.exceptions import AttemptLimitReached, SubmissionError
from tests.accounts.factories import UserFactory
from tests.assessments.factories import (
    ALL_ATTESTATIONS,
    PDF_BYTES,
    first_not_met,
    make_assessor,
    submit_for_review,
)
from tests.credentials.factories import CredentialFactory


@pytest.fixture
def credential(db):
    credential = CredentialFactory(with_content=True)
    make_assessor(credential=credential, email="assessor@example.org", name="Ada Assessor")
    return credential


def deny(submission, feedback="Describe your class and school in more detail."):
    review = submission.review
    assessment_services.review_decide(
        review_id=review.pk,
        actor=review.assessor,
        outcome=Outcome.DENIED,
        scores=first_not_met(review, feedback=feedback),
        comment="Please revise.",
    )
    submission.refresh_from_db()
    return submission


def resubmit(
    denied, learner, *, answer, note="", files=(), remove_files=(), link=None, drop_links=False
):
    draft = services.submission_resubmit(submission=denied, actor=learner)
    requirement = draft.credential.evidence_requirements.first()
    services.draft_save(
        submission=draft,
        actor=learner,
        version=draft.version,
        changes=services.DraftChanges(
            answers={r.pk: answer for r in draft.responses.all()},
            uploads=[(SimpleUploadedFile(n, c), requirement) for n, c in files],
            remove_attachments=[
                a.uuid for a in draft.attachments.all() if a.original_name in remove_files
            ],
            remove_links=[x.pk for x in draft.links.all()] if drop_links else [],
            new_link=link,
            resubmission_note=note,
        ),
    )
    draft.refresh_from_db()
    submitted = services.submission_submit(
        submission=draft, actor=learner, attestations=ALL_ATTESTATIONS
    )
    submitted.refresh_from_db()
    return submitted


def three_attempts(credential, learner):
    first = submit_for_review(
        learner=learner,
        credential=credential,
        answer="I teach grade five science in a rural school.",
    )
    deny(first, feedback="Say how many students and what they need.")
    second = resubmit(
        first,
        learner,
        answer="I teach grade five science to 24 students in a rural school.",
        note="Added my class size.",
        files=[("photo.pdf", PDF_BYTES + b"new photo")],
    )
    deny(second, feedback="Now show the lesson's impact.")
    third = resubmit(
        second,
        learner,
        answer="I teach grade five science to 24 students in a small rural school.",
        note="Added impact data and replaced the plan.",
        remove_files=("lesson-plan.pdf",),
        drop_links=True,
        link={
            "title": "Lesson recording",
            "url": "https://video.example.org/new",
            "requirement": None,
        },
    )
    return first, second, third


def test_word_diff_marks_removed_and_added_words():
    segments = word_diff("I teach grade five science.", "I teach grade six science daily.")
    assert segments == [
        ("equal", "I teach grade "),
        ("delete", "five"),
        ("insert", "six"),
        ("equal", " "),
        ("delete", "science."),
        ("insert", "science daily."),
    ]


def test_three_attempt_chain_diffs_against_the_attempt_just_before(credential):
    learner = UserFactory()
    first, second, third = three_attempts(credential, learner)

    changes = attempt_changes(third)
    assert changes.previous == second
    answer = changes.answers[0]
    assert answer.status == CHANGED
    assert ("insert", "small ") in answer.segments
    assert ("delete", "five") not in answer.segments  # changed between 1 and 2, not 2 and 3
    statuses = {(c.status, c.attachment.original_name) for c in changes.files}
    assert statuses == {(UNCHANGED, "photo.pdf"), (REMOVED, "lesson-plan.pdf")}
    assert {(c.status, c.link.url) for c in changes.links} == {
        (ADDED, "https://video.example.org/new"),
        (REMOVED, "https://video.example.org/lesson"),
    }
    assert third.resubmission_note == "Added impact data and replaced the plan."

    earlier = attempt_changes(second)
    assert earlier.previous == first
    assert {(c.status, c.attachment.original_name) for c in earlier.files} == {
        (UNCHANGED, "lesson-plan.pdf"),
        (ADDED, "photo.pdf"),
    }
    assert attempt_changes(first) is None


def test_assessor_sees_the_diff_beside_the_previous_feedback(credential):
    learner = UserFactory()
    _first, second, third = three_attempts(credential, learner)
    client = Client()
    client.force_login(third.review.assessor)
    review_page = client.get(f"/assess/review/{third.uuid}/").content.decode()
    assert f"/assess/review/{third.uuid}/changes/" in review_page
    page = client.get(f"/assess/review/{third.uuid}/changes/").content.decode()
    assert f"since {second.reference}" in page
    assert "Added impact data and replaced the plan." in page
    assert '<ins><span class="visually-hidden">[added: </span>small ' in page
    assert "Now show the lesson&#x27;s impact." in page  # the feedback on attempt 2
    assert "Say how many students" not in page  # attempt 1's feedback is not beside it
    assert "Removed" in page and "Unchanged" in page
    assert "lesson-plan.pdf" not in page  # blind review: neutral names


def test_diff_is_404_for_anyone_but_the_assessor_and_staff(credential):
    learner = UserFactory()
    _first, _second, third = three_attempts(credential, learner)
    url = f"/assess/review/{third.uuid}/changes/"
    other_assessor = make_assessor(credential=credential, email="other@example.org")
    for user in (learner, other_assessor, UserFactory()):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 404
    assert Client().get(url).status_code == 404
    staff = UserFactory(email="overseer@example.org", is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get(url).status_code == 404  # is_staff alone does not oversee reviews
    staff.user_permissions.add(Permission.objects.get(codename="view_submission"))
    assert client.get(url).status_code == 200


# --- the attempt limit -----------------------------------------------------------


def test_attempt_limit_refuses_a_fourth_attempt_until_staff_allow_it(credential):
    credential.attempt_limit = 3
    credential.save()
    learner = UserFactory()
    first, second, third = three_attempts(credential, learner)
    deny(third)

    with pytest.raises(AttemptLimitReached, match="3 attempts"):
        services.submission_resubmit(submission=third, actor=learner)

    client = Client()
    client.force_login(learner)
    page = client.get(third.get_absolute_url()).content.decode()
    assert "You have made the 3 attempts this micro-credential allows." in page
    assert f"/help/contact/?submission={third.reference}" in page
    assert (
        'action="/applications/' not in page
        or "resubmit" not in page.split("Try again")[1].split("</section>")[0]
    )
    response = client.post(f"/applications/{third.uuid}/resubmit/")
    assert response.status_code == 302
    assert not third.__class__.objects.filter(previous=third).exists()

    staff = UserFactory(email="coach@example.org", is_staff=True)
    with pytest.raises(SubmissionError):
        services.attempt_grant(learner=learner, credential=credential, actor=staff)
    staff.user_permissions.add(Permission.objects.get(codename="add_extraattempt"))
    staff = staff.__class__.objects.get(pk=staff.pk)
    grant = services.attempt_grant(
        learner=learner, credential=credential, actor=staff, note="Talked it through."
    )
    assert audit_events_for(grant).filter(verb="submission.extra_attempt").count() == 1
    fourth = services.submission_resubmit(submission=third, actor=learner)
    assert fourth.previous == third


def test_attempts_left_are_shown_before_resubmitting(credential):
    credential.attempt_limit = 3
    credential.save()
    learner = UserFactory()
    first = deny(submit_for_review(learner=learner, credential=credential))
    client = Client()
    client.force_login(learner)
    page = client.get(first.get_absolute_url()).content.decode()
    assert "This micro-credential allows 3 attempts: you have 2 attempts left." in page
    draft = services.submission_resubmit(submission=first, actor=learner)
    edit = client.get(draft.get_absolute_url()).content.decode()
    assert "This is attempt 2 of 3." in edit
    assert "What I changed since my last attempt" in edit


def test_unlimited_credential_says_nothing_about_attempts(credential):
    learner = UserFactory()
    first = deny(submit_for_review(learner=learner, credential=credential))
    client = Client()
    client.force_login(learner)
    page = client.get(first.get_absolute_url()).content.decode()
    assert "attempts left" not in page
    assert "Resubmit" in page


# --- the note and collaborators on the page ---------------------------------------


def test_note_and_collaborators_are_saved_from_the_page(credential):
    learner = UserFactory()
    first = deny(submit_for_review(learner=learner, credential=credential))
    draft = services.submission_resubmit(submission=first, actor=learner)
    client = Client()
    client.force_login(learner)
    data = {"version": draft.version, "action": "save"}
    for response in draft.responses.all():
        data[f"response_{response.pk}"] = response.text
    data["resubmission_note"] = "Rewrote Part 3."
    data["collaborators"] = "Ana Ruiz <ana@school.org>\nben@school.org\nCarla Diaz"
    assert client.post(draft.get_absolute_url(), data).status_code == 302
    draft.refresh_from_db()
    assert draft.resubmission_note == "Rewrote Part 3."
    assert draft.collaborators == [
        {"name": "Ana Ruiz", "email": "ana@school.org"},
        {"name": "", "email": "ben@school.org"},
        {"name": "Carla Diaz", "email": ""},
    ]
    # A save that does not carry the fields keeps them.
    data = {"version": draft.version, "action": "save"}
    for response in draft.responses.all():
        data[f"response_{response.pk}"] = response.text
    client.post(draft.get_absolute_url(), data)
    draft.refresh_from_db()
    assert draft.resubmission_note == "Rewrote Part 3."
    assert len(draft.collaborators) == 3


def test_collaborator_lines_are_parsed_and_limited():
    assert parse_collaborators(" ; \nana@school.org; ana@school.org ") == [
        {"name": "", "email": "ana@school.org"}
    ]
    with pytest.raises(Exception, match="at most 20"):
        parse_collaborators("\n".join(f"Person {n}" for n in range(21)))


def test_staff_allow_a_further_attempt_from_admin(credential):
    learner = UserFactory(email="lee@example.org")
    staff = UserFactory(email="coach@example.org", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_extraattempt", "view_extraattempt"])
    )
    client = Client()
    client.force_login(staff)
    response = client.post(
        "/admin/submissions/extraattempt/add/",
        {"learner": learner.pk, "credential": credential.pk, "note": "We talked on Monday."},
    )
    assert response.status_code == 302
    grant = learner.extra_attempts.get()
    assert (grant.granted_by, grant.note) == (staff, "We talked on Monday.")
    assert audit_events_for(grant).filter(verb="submission.extra_attempt").exists()
