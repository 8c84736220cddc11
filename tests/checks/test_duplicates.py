"""Duplicate evidence: fingerprints at submit, flags, declared collaboration,
the staff queue and decisions."""

import random

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from assessments import services as assessment_services
from assessments.models import Outcome
from audit.selectors import audit_events_for
from checks import fingerprints as fp
from checks.models import DuplicateFlag, EvidenceFingerprint, FlagStatus
from checks.services import duplicates
from core.errors import IllegalTransition
from credentials.models import Prompt
from submissions import services as submission_services
from tests.accounts.factories import UserFactory
from tests.assessments.factories import (
    ALL_ATTESTATIONS,
    PDF_BYTES,
    first_not_met,
    make_assessor,
    submit_for_review,
)
from tests.checks.duplicate_corpus import BASE_A, BASE_B, labelled_pairs, near_duplicates
from tests.credentials.factories import CredentialFactory

QUEUE = "/checks/flags/"


@pytest.fixture
def credential(db):
    credential = CredentialFactory(with_content=True)
    # Real prompts ask for hundreds of words; the factory's are short.
    Prompt.objects.filter(credential=credential).update(word_limit=500)
    make_assessor(credential=credential, email="assessor@example.org", name="Ada Assessor")
    return credential


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """Submit an application with ``text`` as every answer, running the background
    fingerprinting the commit queues."""

    def _submit(learner, credential, text, files=None):
        with django_capture_on_commit_callbacks(execute=True):
            submission = submit_for_review(
                learner=learner,
                credential=credential,
                answer=text,
                files=files or [("plan.pdf", PDF_BYTES + learner.email.encode())],
            )
        return submission

    return _submit


def declared(learner, credential, text, names, capture, files=None):
    """Apply, declare ``names`` as collaborators, and submit."""
    draft, _ = submission_services.submission_apply(learner=learner, credential=credential)
    requirement = credential.evidence_requirements.first()
    files = files or [("plan.pdf", PDF_BYTES + learner.email.encode())]
    submission_services.draft_save(
        submission=draft,
        actor=learner,
        version=draft.version,
        changes=submission_services.DraftChanges(
            answers={r.pk: text for r in draft.responses.all()},
            uploads=[(SimpleUploadedFile(n, c), requirement) for n, c in files],
            collaborators=names,
        ),
    )
    with capture(execute=True):
        submitted = submission_services.submission_submit(
            submission=draft, actor=learner, attestations=ALL_ATTESTATIONS
        )
    submitted.refresh_from_db()
    return submitted


def test_copied_answer_is_flagged_with_the_part_that_matched(credential, submit):
    original = submit(UserFactory(), credential, BASE_A[0])
    copy_text = near_duplicates(BASE_A[0], random.Random(1))[1]
    copy = submit(UserFactory(), credential, copy_text)

    flag = DuplicateFlag.objects.get()
    assert (flag.submission, flag.other) == (copy, original)
    assert flag.status == FlagStatus.OPEN
    assert {m["kind"] for m in flag.matches} == {"text"}
    assert {m["part"] for m in flag.matches} == {r.part for r in copy.responses.all()}
    assert all(m["similarity"] >= fp.TEXT_SIMILARITY for m in flag.matches)
    assert audit_events_for(flag).filter(verb="duplicate_flag.opened").count() == 1


def test_unrelated_answers_on_the_same_prompt_are_not_flagged(credential, submit):
    for text in BASE_A[:4]:
        submit(UserFactory(), credential, text)
    assert not DuplicateFlag.objects.exists()
    assert EvidenceFingerprint.objects.filter(kind="text").count() == 4 * 4


def test_identical_file_is_flagged_even_with_different_answers(credential, submit):
    shared = [("evidence.pdf", PDF_BYTES + b"the same lesson plan")]
    first = submit(UserFactory(), credential, BASE_A[1], files=shared)
    second = submit(UserFactory(), credential, BASE_A[2], files=[("renamed.pdf", shared[0][1])])

    flag = DuplicateFlag.objects.get()
    assert (flag.submission, flag.other) == (second, first)
    assert [m["kind"] for m in flag.matches] == ["file"]
    assert flag.matches[0]["label"] == "Lesson plan"  # the requirement, never the file name


def test_short_answers_are_not_fingerprinted(credential, submit):
    submit(UserFactory(), credential, "I teach grade five science.")
    submit(UserFactory(), credential, "I teach grade five science.")
    assert not DuplicateFlag.objects.exists()


def test_same_learners_earlier_attempt_is_not_flagged(credential, submit):
    learner = UserFactory()
    first = submit(learner, credential, BASE_A[3])
    review = first.review
    assessment_services.review_decide(
        review_id=review.pk,
        actor=review.assessor,
        outcome=Outcome.DENIED,
        scores=first_not_met(review),
        comment="Add more detail.",
    )
    draft = submission_services.submission_resubmit(submission=first, actor=learner)
    second = submission_services.submission_submit(
        submission=draft, actor=learner, attestations=ALL_ATTESTATIONS
    )
    duplicates.submission_fingerprint(submission_id=second.pk)
    assert EvidenceFingerprint.objects.filter(submission=second).exists()
    assert not DuplicateFlag.objects.exists()


def test_collaboration_declared_by_both_is_not_flagged(
    credential, django_capture_on_commit_callbacks
):
    ana = UserFactory(email="ana@school.org", name="Ana Ruiz")
    ben = UserFactory(email="ben@school.org", name="Ben Okafor")
    declared(
        ana,
        credential,
        BASE_B[0],
        [{"name": "Ben Okafor", "email": ""}],
        django_capture_on_commit_callbacks,
    )
    declared(
        ben,
        credential,
        BASE_B[0],
        [{"name": "", "email": "ANA@school.org"}],
        django_capture_on_commit_callbacks,
    )
    assert not DuplicateFlag.objects.exists()


def test_collaboration_declared_by_one_only_is_flagged(
    credential, django_capture_on_commit_callbacks
):
    ana = UserFactory(email="ana@school.org", name="Ana Ruiz")
    ben = UserFactory(email="ben@school.org", name="Ben Okafor")
    declared(ana, credential, BASE_B[1], [], django_capture_on_commit_callbacks)
    declared(
        ben,
        credential,
        BASE_B[1],
        [{"name": "Ana Ruiz", "email": ""}],
        django_capture_on_commit_callbacks,
    )
    assert DuplicateFlag.objects.count() == 1


def test_fingerprinting_again_opens_no_second_flag(credential, submit):
    submit(UserFactory(), credential, BASE_A[4])
    copy = submit(UserFactory(), credential, BASE_A[4])
    assert duplicates.submission_fingerprint(submission_id=copy.pk) == []
    assert DuplicateFlag.objects.count() == 1


def test_labelled_set_precision_and_recall():
    """Near-duplicates flagged, paraphrases and unrelated same-prompt answers not.
    The figures are reported in docs/duplicate-evidence.md."""
    tp = fp_ = fn = 0
    paraphrases_flagged = 0
    pairs = labelled_pairs()
    for a, b, is_duplicate, kind in pairs:
        sa, sb = fp.signature(a), fp.signature(b)
        flagged = bool(set(fp.band_keys(sa)) & set(fp.band_keys(sb))) and (
            fp.similarity(sa, sb) >= fp.TEXT_SIMILARITY
        )
        tp += flagged and is_duplicate
        fp_ += flagged and not is_duplicate
        fn += is_duplicate and not flagged
        paraphrases_flagged += flagged and kind == "paraphrase"
    precision, recall = tp / (tp + fp_), tp / (tp + fn)
    assert len(pairs) == 65
    assert (tp, fp_, fn) == (39, 0, 1)
    assert precision == 1.0
    assert recall >= 0.95
    assert paraphrases_flagged == 0


def test_lookup_takes_the_same_queries_however_many_applications(
    credential, submit, django_assert_num_queries
):
    submit(UserFactory(), credential, BASE_A[0])
    small = submit(UserFactory(), credential, BASE_A[0])
    with django_assert_num_queries(3):
        assert duplicates.find_matches(small)
    for text in BASE_A[2:] + BASE_B:
        submit(UserFactory(), credential, text)
    large = submit(UserFactory(), credential, BASE_A[0])
    with django_assert_num_queries(3):
        assert duplicates.find_matches(large)


# --- staff decisions and the queue ------------------------------------------------


def staff_with(*codenames, email="reviewer@example.org"):
    user = UserFactory(email=email, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def flagged_pair(credential, submit):
    submit(UserFactory(), credential, BASE_B[2])
    submit(UserFactory(), credential, BASE_B[2])
    return DuplicateFlag.objects.get()


def test_staff_decision_is_recorded_once_with_note_and_actor(credential, submit):
    flag = flagged_pair(credential, submit)
    staff = staff_with("view_duplicateflag", "decide_duplicateflag")
    duplicates.flag_decide(flag_id=flag.pk, actor=staff, status="dismissed", note="Shared template")
    duplicates.flag_decide(flag_id=flag.pk, actor=staff, status="dismissed", note="again")
    flag.refresh_from_db()
    assert (flag.status, flag.note, flag.decided_by) == ("dismissed", "Shared template", staff)
    event = audit_events_for(flag).get(verb="duplicate_flag.dismissed")
    assert event.actor == staff
    with pytest.raises(IllegalTransition, match="already been decided"):
        duplicates.flag_decide(flag_id=flag.pk, actor=staff, status="confirmed", note="x")


def test_decision_needs_permission_and_note(credential, submit):
    flag = flagged_pair(credential, submit)
    with pytest.raises(duplicates.FlagDecisionError):
        duplicates.flag_decide(
            flag_id=flag.pk, actor=staff_with("view_duplicateflag"), status="confirmed", note="x"
        )
    decider = staff_with("decide_duplicateflag", email="d@example.org")
    with pytest.raises(duplicates.FlagDecisionError):
        duplicates.flag_decide(flag_id=flag.pk, actor=decider, status="confirmed", note=" ")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


def test_queue_is_404_for_anyone_without_the_permission(credential, submit):
    flag = flagged_pair(credential, submit)
    learner_client, assessor_client, staff_client = Client(), Client(), Client()
    learner_client.force_login(flag.submission.learner)
    assessor_client.force_login(flag.submission.review.assessor)
    staff_client.force_login(UserFactory(email="plain-staff@example.org", is_staff=True))
    for client in (Client(), learner_client, assessor_client, staff_client):
        assert client.get(QUEUE).status_code == 404
        assert client.get(f"{QUEUE}{flag.uuid}/").status_code == 404
        response = client.post(f"{QUEUE}{flag.uuid}/", {"decision": "confirmed", "note": "Copied"})
        assert response.status_code == 404
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


def test_staff_decide_from_the_queue(credential, submit):
    flag = flagged_pair(credential, submit)
    client = Client()
    client.force_login(staff_with("view_duplicateflag", "decide_duplicateflag"))
    page = client.get(QUEUE).content.decode()
    assert flag.submission.reference in page and flag.other.reference in page
    response = client.post(f"{QUEUE}{flag.uuid}/", {"decision": "confirmed", "note": ""})
    assert "This field is required." in response.content.decode()
    response = client.post(f"{QUEUE}{flag.uuid}/", {"decision": "confirmed", "note": "Copied"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert (flag.status, flag.note) == ("confirmed", "Copied")
    assert flag.submission.reference not in client.get(QUEUE).content.decode()
    assert flag.submission.reference in client.get(QUEUE, {"status": "confirmed"}).content.decode()


def test_queue_queries_stay_flat(credential, submit, django_assert_max_num_queries):
    client = Client()
    client.force_login(staff_with("view_duplicateflag"))
    flagged_pair(credential, submit)
    with django_assert_max_num_queries(8) as small:
        client.get(QUEUE)
    for text in BASE_A[:3]:
        submit(UserFactory(), credential, text)
        submit(UserFactory(), credential, text)
    assert DuplicateFlag.objects.count() == 4
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(QUEUE).status_code == 200


# --- the review page -------------------------------------------------------------


def test_review_page_shows_the_match_without_naming_the_other_learner(credential, submit):
    first = submit(UserFactory(name="Orla Original"), credential, BASE_A[5])
    copy = submit(UserFactory(name="Cody Copier"), credential, BASE_A[5])
    assert credential.organization.blind_review
    for submission, other in ((copy, first), (first, copy)):
        client = Client()
        client.force_login(submission.review.assessor)
        page = client.get(f"/assess/review/{submission.uuid}/").content.decode()
        assert "Shared evidence" in page
        assert (
            "Another learner&#x27;s application" in page or "Another learner's application" in page
        )
        assert other.learner.name not in page and other.reference not in page


def test_review_page_names_the_other_application_when_not_blind(credential, submit):
    credential.organization.blind_review = False
    credential.organization.save()
    first = submit(UserFactory(name="Orla Original"), credential, BASE_A[5])
    copy = submit(UserFactory(name="Cody Copier"), credential, BASE_A[5])
    client = Client()
    client.force_login(copy.review.assessor)
    page = client.get(f"/assess/review/{copy.uuid}/").content.decode()
    assert "Orla Original" in page and first.reference in page


def test_fingerprints_follow_content_sent_again_after_an_incomplete_return(credential, submit):
    submit(UserFactory(), credential, BASE_B[3])
    later = submit(UserFactory(), credential, BASE_A[0])
    assert not DuplicateFlag.objects.exists()
    # Returned as Incomplete, the learner changed an answer and sent it again.
    later.responses.update(text=BASE_B[3])
    assert len(duplicates.submission_fingerprint(submission_id=later.pk)) == 1
    assert EvidenceFingerprint.objects.filter(submission=later, kind="text").count() == 4
