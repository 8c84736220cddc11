"""Anchors reach calibrating assessors blind, true scores only after submitting,
each person sees only their own calibration, staff need the permission."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from assessments import services as assessment_services
from calibration import services
from calibration.exceptions import CalibrationError
from calibration.models import Anchor, CalibrationSet
from tests.accounts.factories import UserFactory
from tests.assessments.factories import all_met, make_assessor, submit_for_review
from tests.calibration.factories import ANCHORS, answer_all, make_candidate, make_set
from tests.submissions import evidence_files as files

pytestmark = pytest.mark.django_db

LEARNER = {"name": "Lena Alvarez", "email": "lena.alvarez@school.example.org"}
STORY = "My name is Lena Alvarez and my students call me Ms. Alvarez. Write to lena.alvarez."


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def decided(credential):
    """An awarded application whose text and file names identify the learner."""
    assessor = make_assessor(credential=credential)
    submission = submit_for_review(
        learner=UserFactory(**LEARNER),
        credential=credential,
        answer=STORY,
        files=[("Lena_Alvarez_task_plan.pdf", files.pdf_with_author())],
    )
    review = submission.review
    assessment_services.review_decide(
        review_id=review.pk, actor=assessor, outcome="awarded", scores=all_met(review)
    )
    submission.refresh_from_db()
    return submission


@pytest.fixture
def manager(db):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="manage_calibration"))
    return user


def _consented_anchor(calibration_set, submission, manager):
    client = _client(manager)
    url = reverse("calibration:anchor_new", kwargs={"uuid": calibration_set.uuid})
    page = client.get(url, {"reference": submission.reference}).content.decode()
    assert "Lena" not in page and "Alvarez" not in page
    criteria = submission.rubric_snapshot
    data = {
        "consent_note": "Emailed consent on 2026-11-02.",
        "true_outcome": "awarded",
        "rationale": "Every criterion is clearly met.",
        **{f"met_{c['id']}": "met" for c in criteria},
        **{f"why_{c['id']}": "Shown in part 1." for c in criteria},
        # Staff left a name in: it is replaced all the same.
        **{f"text_{i}": "Lena Alvarez teaches grade 5." for i in range(4)},
    }
    response = client.post(f"{url}?reference={submission.reference}", data)
    assert response.status_code == 302, response.content.decode()
    return Anchor.objects.get(submission=submission)


def test_an_anchor_from_an_application_is_blind_in_text_file_names_and_metadata(
    credential, decided, manager
):
    calibration_set = services.calibration_set_save(
        calibration_set=CalibrationSet(credential=credential, title="Calibration"), actor=manager
    )
    anchor = _consented_anchor(calibration_set, decided, manager)
    assert anchor.consent_recorded_by == manager
    assert anchor.true_scores.count() == 2

    candidate = make_candidate(credential)
    attempt = services.attempt_start(calibration_set=calibration_set, actor=candidate)
    client = _client(candidate)
    page = client.get(
        reverse("calibration:anchor", kwargs={"uuid": attempt.uuid, "number": 1})
    ).content.decode()

    assert "[educator] teaches grade 5." in page
    for identifying in ("Lena", "Alvarez", "lena.alvarez", decided.reference, "task_plan"):
        assert identifying not in page
    # The true scores and rationales stay hidden until the calibration is submitted.
    assert "Every criterion is clearly met." not in page
    assert "Shown in part 1." not in page

    response = client.get(
        reverse(
            "calibration:anchor_evidence", kwargs={"uuid": attempt.uuid, "number": 1, "item": 1}
        )
    )
    assert response["Content-Disposition"] == 'attachment; filename="anchor-1-evidence-1.pdf"'
    body = b"".join(response.streaming_content)
    assert b"Alvarez" not in body


def test_an_application_not_decided_cannot_become_an_anchor(credential, manager):
    make_assessor(credential=credential)
    calibration_set = make_set(credential)
    open_one = submit_for_review(learner=UserFactory(), credential=credential)

    with pytest.raises(CalibrationError):
        services.anchor_create_from_submission(
            calibration_set=calibration_set,
            submission=open_one,
            consent_note="Yes",
            content=[],
            true_outcome="awarded",
            rationale="x",
            scores={},
            actor=manager,
        )


def test_true_scores_and_rationales_show_after_submitting(credential):
    calibration_set = make_set(credential)
    candidate = make_candidate(credential)
    attempt = services.attempt_start(calibration_set=calibration_set, actor=candidate)
    client = _client(candidate)
    url = reverse("calibration:attempt", kwargs={"uuid": attempt.uuid})
    assert "Why anchor 1 is awarded." not in client.get(url).content.decode()

    answer_all(attempt, candidate, ANCHORS)
    response = client.post(reverse("calibration:submit", kwargs={"uuid": attempt.uuid}))
    page = client.get(response["Location"]).content.decode()

    assert "Why anchor 1 is awarded." in page
    assert "Reflection reason 2" in page
    assert "6 of 6 criterion decisions (100.0%)" in page


def test_scoring_an_anchor_on_the_page_saves_and_moves_on(credential):
    calibration_set = make_set(credential)
    candidate = make_candidate(credential)
    attempt = services.attempt_start(calibration_set=calibration_set, actor=candidate)
    anchor = calibration_set.anchors.first()
    data = {f"met_{s.criterion_id}": "met" for s in anchor.true_scores.all()} | {
        "outcome": "awarded"
    }

    response = _client(candidate).post(
        reverse("calibration:anchor", kwargs={"uuid": attempt.uuid, "number": 1}), data
    )

    assert response["Location"] == reverse(
        "calibration:anchor", kwargs={"uuid": attempt.uuid, "number": 2}
    )
    answer = attempt.answers.get()
    assert answer.outcome == "awarded"
    assert set(answer.marks.values_list("met", flat=True)) == {True}


def test_another_assessors_calibration_is_not_found(credential):
    calibration_set = make_set(credential)
    candidate = make_candidate(credential)
    attempt = services.attempt_start(calibration_set=calibration_set, actor=candidate)
    other = _client(make_candidate(credential))

    for url in (
        reverse("calibration:attempt", kwargs={"uuid": attempt.uuid}),
        reverse("calibration:anchor", kwargs={"uuid": attempt.uuid, "number": 1}),
    ):
        assert other.get(url).status_code == 404


def test_staff_pages_need_the_calibration_permission(credential, manager):
    calibration_set = make_set(credential)
    staff_without = _client(UserFactory(is_staff=True))
    for url in (
        reverse("calibration:sets"),
        reverse("calibration:set", kwargs={"uuid": calibration_set.uuid}),
        reverse("calibration:anchor_new", kwargs={"uuid": calibration_set.uuid}),
    ):
        assert staff_without.get(url).status_code == 403
        assert _client(manager).get(url).status_code == 200


def test_the_assessors_calibration_page_lists_the_set_to_take(credential):
    make_set(credential)
    candidate = make_candidate(credential)

    page = _client(candidate).get(reverse("calibration:home")).content.decode()

    assert f"Calibration for {credential.title}" in page
    assert "Start calibration" in page


def test_a_link_whose_address_names_the_learner_is_left_out_of_the_anchor(credential, manager):
    from submissions import services as submission_services
    from tests.assessments.factories import ALL_ATTESTATIONS

    assessor = make_assessor(credential=credential)
    learner = UserFactory(**LEARNER)
    draft, _ = submission_services.submission_apply(learner=learner, credential=credential)
    requirement = credential.evidence_requirements.first()
    for title, url in (
        ("My profile", "https://www.linkedin.com/in/lena-alvarez-1234/"),
        ("Lesson video", "https://video.example.org/lesson"),
    ):
        draft.refresh_from_db()
        submission_services.draft_save(
            submission=draft,
            actor=learner,
            version=draft.version,
            changes=submission_services.DraftChanges(
                answers={r.pk: "I teach grade 5." for r in draft.responses.all()},
                new_link={"title": title, "url": url, "requirement": requirement},
            ),
        )
    draft.refresh_from_db()
    submission = submission_services.submission_submit(
        submission=draft, actor=learner, attestations=ALL_ATTESTATIONS
    )
    review = submission.review
    assessment_services.review_decide(
        review_id=review.pk, actor=assessor, outcome="awarded", scores=all_met(review)
    )
    submission.refresh_from_db()
    calibration_set = make_set(credential, anchors=[])

    anchor = services.anchor_create_from_submission(
        calibration_set=calibration_set,
        submission=submission,
        consent_note="By email.",
        content=[],
        true_outcome="awarded",
        rationale="All met.",
        scores={c["id"]: services.TrueScore(met=True) for c in submission.rubric_snapshot},
        actor=manager,
    )

    urls = [item["url"] for item in anchor.evidence]
    assert "https://video.example.org/lesson" in urls
    assert not any("linkedin" in url for url in urls)
