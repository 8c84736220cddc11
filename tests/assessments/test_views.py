import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Award, Outcome, Review
from submissions.models import Status
from submissions.selectors import can_view_submission
from tests.accounts.factories import UserFactory
from tests.assessments.conftest import DUE_ON
from tests.assessments.factories import (
    all_met,
    first_not_met,
    make_assessor,
    review_rows,
    submit_for_review,
)
from tests.credentials.factories import CredentialFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("assessments:queue")


def review_url(submission):
    return reverse("assessments:review", kwargs={"uuid": submission.uuid})


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def submission(frozen, learner, credential, assessor):
    return submit_for_review(
        learner=learner,
        credential=credential,
        answer="I teach <b>grade 5</b> science.\n\nSecond paragraph.",
        photo=True,
    )


# --- the queue --------------------------------------------------------------------------


def test_queue_needs_a_login(client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_queue_is_refused_to_users_who_are_not_assessors(learner_client):
    assert learner_client.get(QUEUE).status_code == 403


def test_queue_lists_only_the_assessors_own_reviews(submission, credential, assessor_client):
    other = make_assessor(credential=credential)
    theirs = review_rows(credential=credential, count=1, assessor=other, due_on=DUE_ON)[0]

    response = assessor_client.get(QUEUE)

    page = response.content.decode()
    assert response.status_code == 200
    assert submission.reference in page
    assert theirs.submission.reference not in page
    assert "1 review" in page
    assert "Dec 11, 2026" in page
    assert "14 business days left" in page


def test_staff_see_every_queue_with_the_assessor(submission, credential, staff_client, assessor):
    unassigned = review_rows(credential=credential, count=1, due_on=DUE_ON)[0]
    page = staff_client.get(QUEUE).content.decode()
    assert submission.reference in page
    assert unassigned.submission.reference in page
    assert assessor.name in page
    assert "Unassigned" in page

    only_unassigned = staff_client.get(QUEUE, {"assessor": "none"}).content.decode()
    assert submission.reference not in only_unassigned
    assert unassigned.submission.reference in only_unassigned


def test_overdue_reviews_are_highlighted(submission, frozen, assessor):
    frozen.move_to(datetime.datetime(2026, 12, 15, 15, tzinfo=datetime.UTC))
    page = client_for(assessor).get(QUEUE).content.decode()
    assert 'class="overdue"' in page
    # Due Friday December 11; Tuesday is 2 business days late (4 calendar days).
    assert "Overdue by 2 business days" in page


def test_queue_filters_by_credential_and_status(frozen, credential, assessor, assessor_client):
    other_credential = CredentialFactory(with_content=True)
    make_assessor(credential=other_credential)  # irrelevant to our assessor
    from assessments.models import AssessorScope

    AssessorScope.objects.create(user=assessor, credential=other_credential)
    mine = review_rows(credential=credential, count=1, assessor=assessor, due_on=DUE_ON)[0]
    elsewhere = review_rows(credential=other_credential, count=1, assessor=assessor, due_on=DUE_ON)[
        0
    ]
    decided = submit_for_review(learner=UserFactory(), credential=credential).review
    services.review_decide(
        review_id=decided.pk, actor=assessor, outcome=Outcome.AWARDED, scores=all_met(decided)
    )

    page = assessor_client.get(QUEUE, {"credential": other_credential.pk}).content.decode()
    assert elsewhere.submission.reference in page
    assert mine.submission.reference not in page

    open_page = assessor_client.get(QUEUE).content.decode()
    assert decided.submission.reference not in open_page
    awarded_page = assessor_client.get(QUEUE, {"status": "awarded"}).content.decode()
    assert decided.submission.reference in awarded_page
    assert mine.submission.reference not in awarded_page


def test_queue_sorts_by_due_date_both_ways(frozen, credential, assessor, assessor_client):
    soon = review_rows(
        credential=credential, count=1, assessor=assessor, due_on=datetime.date(2026, 12, 1)
    )[0]
    later = review_rows(
        credential=credential, count=1, assessor=assessor, due_on=datetime.date(2026, 12, 20)
    )[0]

    def order(params):
        page = assessor_client.get(QUEUE, params).content.decode()
        return page.index(soon.submission.reference) < page.index(later.submission.reference)

    assert order({}) is True
    assert order({"sort": "-due"}) is False
    page = assessor_client.get(QUEUE, {"sort": "due"}).content.decode()
    assert "sort=-due" in page  # the header link flips the order


def test_queue_is_paginated_with_a_count(frozen, credential, assessor, assessor_client):
    review_rows(credential=credential, count=30, assessor=assessor, due_on=DUE_ON)
    page = assessor_client.get(QUEUE).content.decode()
    assert "30 reviews" in page
    assert page.count("/assess/review/") == 25
    assert "Page 1 of 2" in page
    second = assessor_client.get(QUEUE, {"page": 2}).content.decode()
    assert second.count("/assess/review/") == 5


@pytest.mark.parametrize("rows", [3, 40])
def test_queue_query_count_is_flat(
    rows, frozen, credential, assessor, assessor_client, django_assert_max_num_queries
):
    review_rows(credential=credential, count=rows, assessor=assessor, due_on=DUE_ON)
    with django_assert_max_num_queries(7):
        assert assessor_client.get(QUEUE).status_code == 200


@pytest.mark.parametrize("rows", [3, 40])
def test_staff_queue_query_count_is_flat(
    rows, frozen, credential, assessor, staff_client, django_assert_max_num_queries
):
    review_rows(credential=credential, count=rows, assessor=assessor, due_on=DUE_ON)
    with django_assert_max_num_queries(6):
        assert staff_client.get(QUEUE).status_code == 200


def credential_choices(client):
    """The credential filter's options (value, label), read off the queue page."""
    import re

    page = client.get(QUEUE).content.decode()
    select = page.split('<select name="credential"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select)


def test_the_credential_filter_follows_reviews_that_reach_or_leave_the_assessor(
    frozen, credential, assessor, assessor_client
):
    mine = review_rows(credential=credential, count=1, assessor=assessor, due_on=DUE_ON)[0]
    assert credential_choices(assessor_client) == [(str(credential.pk), credential.title)]

    # A review of another credential is given to her: the filter offers it at once.
    other_credential = CredentialFactory(with_content=True, title="Zoology practice")
    colleague = make_assessor(credential=other_credential)
    make_assessor(credential=other_credential, email="third@example.org")
    theirs = submit_for_review(learner=UserFactory(), credential=other_credential).review
    services.review_reassign(review_id=theirs.pk, assessor=colleague, actor=None)
    colleague_client = client_for(colleague)
    assert credential_choices(colleague_client) == [
        (str(other_credential.pk), other_credential.title)
    ]
    from assessments.models import AssessorScope

    AssessorScope.objects.create(user=assessor, credential=other_credential)
    services.review_reassign(review_id=theirs.pk, assessor=assessor, actor=None)
    assert credential_choices(assessor_client) == [
        (str(credential.pk), credential.title),
        (str(other_credential.pk), other_credential.title),
    ]
    # ... and the colleague who lost her only review of it no longer sees it.
    assert credential_choices(colleague_client) == []

    # A review leaving her the same way takes its credential with it.
    services.review_reassign(review_id=theirs.pk, assessor=colleague, actor=None)
    assert credential_choices(assessor_client) == [(str(credential.pk), credential.title)]
    assert mine.submission.reference in assessor_client.get(QUEUE).content.decode()


def test_the_credential_filter_shows_a_title_edited_after_it_was_kept(
    frozen, credential, assessor, assessor_client
):
    review_rows(credential=credential, count=1, assessor=assessor, due_on=DUE_ON)
    assert credential_choices(assessor_client) == [(str(credential.pk), credential.title)]
    credential.title = "Renamed practice"
    credential.save()
    assert credential_choices(assessor_client) == [(str(credential.pk), "Renamed practice")]


def test_the_credential_filter_offers_the_credential_of_a_second_scoring(
    frozen, credential, learner
):
    from assessments.models import ScoringKind
    from tests.assessments.scoring_helpers import scorings_of, three_assessors, use_policy

    first_assessors = three_assessors(credential)
    clients = {a.pk: client_for(a) for a in first_assessors}
    for client in clients.values():
        assert credential_choices(client) == []
    use_policy(credential)
    review = submit_for_review(learner=learner, credential=credential).review
    second = scorings_of(review)[ScoringKind.SECOND]
    assert credential_choices(clients[second.assessor_id]) == [
        (str(credential.pk), credential.title)
    ]


def test_a_queue_page_filtered_by_an_unknown_credential_shows_the_error(assessor_client):
    page = assessor_client.get(QUEUE, {"credential": "999999"}).content.decode()
    assert "Select a valid choice" in page
    assert 'class="field field-error"' in page


# --- who may open a review --------------------------------------------------------------


def test_another_assessor_gets_404(submission, credential):
    other = make_assessor(credential=credential)
    assert client_for(other).get(review_url(submission)).status_code == 404


def test_the_learner_never_opens_their_own_review(submission, learner):
    assert client_for(learner).get(review_url(submission)).status_code == 404
    learner.is_staff = True
    learner.save()
    assert client_for(learner).get(review_url(submission)).status_code == 404


def test_staff_can_read_but_not_score(submission, staff_client):
    response = staff_client.get(review_url(submission))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Only the assigned assessor can score this review." in page
    assert 'value="awarded"' not in page
    assert staff_client.post(review_url(submission), {"action": "awarded"}).status_code == 403


def test_download_permission_follows_the_assignment(submission, credential, assessor, staff_user):
    other = make_assessor(credential=credential)
    assert can_view_submission(assessor, submission)
    assert can_view_submission(staff_user, submission)
    assert not can_view_submission(other, submission)
    assert not can_view_submission(AnonymousUser(), submission)
    assert not can_view_submission(UserFactory(), submission)

    services.review_reassign(review_id=submission.review.pk, assessor=other, actor=staff_user)
    assert can_view_submission(other, submission)
    assert not can_view_submission(assessor, submission)


# --- the review page -------------------------------------------------------------------


def test_review_page_shows_the_whole_application(submission, assessor_client):
    response = assessor_client.get(review_url(submission))
    page = response.content.decode()
    assert response.status_code == 200
    for prompt in (
        "Describe your teaching context.",
        "What did you learn?",
        "What was the impact on students?",
    ):
        assert prompt in page
    # Answers are escaped and keep their paragraphs.
    assert "&lt;b&gt;grade 5&lt;/b&gt;" in page
    assert "<b>grade 5</b>" not in page
    assert "<p>Second paragraph.</p>" in page
    pdf = submission.attachments.get(original_name="lesson-plan.pdf")
    photo = submission.attachments.get(original_name="board.png")
    assert f'href="{pdf.get_absolute_url()}" download' in page
    assert f'href="{pdf.get_absolute_url()}?inline=1"' in page  # PDF preview
    assert f'<img class="preview-image" src="{photo.get_absolute_url()}?inline=1"' in page
    assert 'href="https://video.example.org/lesson"' in page
    for attestation in submission.attestations.all():
        assert attestation.statement in page
    assert page.count("Confirmed Nov. 20, 2026") == 3
    assert "Context" in page and "Clear context." in page
    assert "Reflection" in page and "Honest reflection." in page
    assert "Decision due December 11, 2026" in page


def test_blind_review_hides_the_learners_identity(submission, learner, assessor_client):
    page = assessor_client.get(review_url(submission)).content.decode()
    assert learner.name not in page
    assert learner.email not in page
    assert submission.reference in page


def test_open_review_shows_the_learner_when_the_organization_allows(
    submission, learner, credential, assessor_client
):
    credential.organization.blind_review = False
    credential.organization.save()
    page = assessor_client.get(review_url(submission)).content.decode()
    assert learner.name in page
    assert learner.email in page


def _form(submission, action, *, confirmed=True, **marks):
    data = {"action": action, "comment": marks.pop("comment", "")}
    if confirmed and action != "save":
        data["confirm_decision"] = action  # the second step a final decision takes
    for criterion in submission.rubric_snapshot:
        mark, feedback = marks.get(criterion["title"], ("", ""))
        data[f"met_{criterion['id']}"] = mark
        data[f"feedback_{criterion['id']}"] = feedback
    return data


def test_save_progress_keeps_marks_on_the_page(submission, assessor_client):
    data = _form(submission, "save", Context=("not_met", "Name the grade."), Reflection=("met", ""))
    response = assessor_client.post(review_url(submission), data, follow=True)
    page = response.content.decode()
    assert "Progress saved." in page
    assert "Name the grade." in page
    first, second = (c["id"] for c in submission.rubric_snapshot)
    assert f'value="not_met" id="id_met_{first}_1" checked' in page
    assert f'value="met" id="id_met_{second}_0" checked' in page
    assert Review.objects.get(pk=submission.review.pk).is_open


def test_deny_without_feedback_is_refused_and_keeps_the_input(submission, assessor_client):
    data = _form(submission, "denied", Context=("not_met", ""), Reflection=("met", "Nice."))
    response = assessor_client.post(review_url(submission), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Write feedback for a criterion not yet met" in page
    assert "Nice." in page
    submission.refresh_from_db()
    assert submission.status == Status.IN_REVIEW


def test_deny_with_feedback_decides_and_returns_to_the_queue(submission, assessor_client):
    data = _form(
        submission, "denied", Context=("not_met", "Name the grade."), Reflection=("met", "")
    )
    response = assessor_client.post(review_url(submission), data, follow=True)
    assert response.redirect_chain[-1][0] == QUEUE
    assert f"{submission.reference} denied" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Status.DENIED

    page = assessor_client.get(review_url(submission)).content.decode()
    assert "Decided: <strong>Denied</strong>" in page
    assert 'value="denied"' not in page


def test_double_submitted_award_is_recorded_once(submission, assessor_client):
    data = _form(submission, "awarded", Context=("met", ""), Reflection=("met", ""))
    assessor_client.post(review_url(submission), data)
    again = assessor_client.post(review_url(submission), data, follow=True)
    assert "already been decided" in again.content.decode()
    assert Award.objects.filter(submission=submission).count() == 1


def test_review_page_lists_earlier_attempts_with_their_feedback(
    submission, learner, assessor, assessor_client
):
    review = submission.review
    services.review_decide(
        review_id=review.pk,
        actor=assessor,
        outcome=Outcome.DENIED,
        scores=first_not_met(review, feedback="Name the grade."),
    )
    from tests.assessments.factories import resubmit_for_review

    second = resubmit_for_review(denied=submission, learner=learner)
    Review.objects.filter(submission=second).update(assessor=assessor)

    page = assessor_client.get(review_url(second)).content.decode()
    assert "Related submissions" in page
    assert submission.reference in page
    assert "Name the grade." in page


def test_assigned_assessor_downloads_evidence_until_reassigned(
    submission, credential, assessor, assessor_client, staff_user
):
    attachment = submission.attachments.get(original_name="lesson-plan.pdf")
    other = make_assessor(credential=credential)

    response = assessor_client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(other).get(attachment.get_absolute_url()).status_code == 404

    services.review_reassign(review_id=submission.review.pk, assessor=other, actor=staff_user)
    assert assessor_client.get(attachment.get_absolute_url()).status_code == 404
    assert client_for(other).get(attachment.get_absolute_url()).status_code == 200


def test_review_page_answers_to_the_reviews_own_id_too(submission, assessor_client):
    url = reverse("assessments:review", kwargs={"uuid": submission.review.uuid})
    assert submission.reference in assessor_client.get(url).content.decode()
