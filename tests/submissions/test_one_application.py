"""One application per learner and credential: Apply never opens a second paid attempt."""

import pytest
from django.urls import reverse

from assessments import services as assessment_services
from assessments.models import Award, Outcome
from submissions import services
from submissions.exceptions import AlreadyApplied
from submissions.models import Status, Submission
from tests.assessments.factories import all_met, first_not_met, make_assessor, submit_for_review
from tests.credentials.factories import CredentialFactory
from tests.submissions.factories import submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential():
    return CredentialFactory(with_content=True)


@pytest.fixture
def paid_credential():
    return CredentialFactory(with_content=True, fee_cents=7500)


def apply_url(credential):
    return reverse("submissions:apply", kwargs={"slug": credential.slug})


def details_url(credential):
    return reverse("credentials:detail", kwargs={"slug": credential.slug})


def decide(submission, *, awarded: bool):
    """The assigned assessor decides the submission's review."""
    assessor = make_assessor(credential=submission.credential)
    review = submission.review
    review.assessor = assessor
    review.save(update_fields=["assessor"])
    assessment_services.review_decide(
        review_id=review.pk,
        actor=assessor,
        outcome=Outcome.AWARDED if awarded else Outcome.DENIED,
        scores=all_met(review) if awarded else first_not_met(review),
    )
    submission.refresh_from_db()
    return submission


def test_apply_after_submitting_refuses_a_second_application(learner, paid_credential):
    submitted = submitted_application(learner, paid_credential)
    assert submitted.status == Status.AWAITING_PAYMENT

    with pytest.raises(AlreadyApplied) as caught:
        services.submission_apply(learner=learner, credential=paid_credential)

    assert caught.value.submission == submitted
    assert submitted.reference in str(caught.value)
    assert Submission.objects.filter(learner=learner).count() == 1


@pytest.mark.parametrize("awarded", [True, False])
def test_apply_after_a_decision_refuses_a_second_application(learner, credential, awarded):
    decided = decide(submit_for_review(learner=learner, credential=credential), awarded=awarded)

    with pytest.raises(AlreadyApplied) as caught:
        services.submission_apply(learner=learner, credential=credential)

    assert caught.value.submission == decided
    assert Submission.objects.filter(learner=learner).count() == 1


def test_a_crafted_apply_post_while_in_review_leads_to_the_application(
    learner, learner_client, credential
):
    in_review = submit_for_review(learner=learner, credential=credential)

    response = learner_client.post(apply_url(credential), follow=True)

    assert response.redirect_chain[-1][0] == in_review.get_absolute_url()
    assert f"You have already applied: {in_review.reference} is in review." in (
        response.content.decode()
    )
    assert Submission.objects.filter(learner=learner).count() == 1


def test_apply_while_awaiting_payment_leads_to_the_application(
    learner, learner_client, paid_credential
):
    submitted = submitted_application(learner, paid_credential)

    response = learner_client.post(apply_url(paid_credential))

    assert response["Location"] == submitted.get_absolute_url()
    assert Submission.objects.filter(learner=learner).count() == 1


def test_apply_after_an_award_leads_to_the_award_page(learner, learner_client, credential):
    awarded = decide(submit_for_review(learner=learner, credential=credential), awarded=True)
    award = Award.objects.get(submission=awarded)

    response = learner_client.post(apply_url(credential))

    assert response["Location"] == reverse("badges:detail", kwargs={"award_uuid": award.uuid})
    assert Submission.objects.filter(learner=learner).count() == 1


def test_apply_after_a_denial_leads_to_the_resubmit_path(learner, learner_client, credential):
    denied = decide(submit_for_review(learner=learner, credential=credential), awarded=False)

    response = learner_client.post(apply_url(credential), follow=True)

    assert response.redirect_chain[-1][0] == denied.get_absolute_url()
    page = response.content.decode()
    assert "use Resubmit to start your next attempt" in page
    assert reverse("submissions:resubmit", kwargs={"uuid": denied.uuid}) in page


def test_apply_after_resubmitting_opens_the_new_attempt(learner, learner_client, credential):
    denied = decide(submit_for_review(learner=learner, credential=credential), awarded=False)
    next_attempt = services.submission_resubmit(submission=denied, actor=learner)

    response = learner_client.post(apply_url(credential))

    assert response["Location"] == next_attempt.get_absolute_url()
    assert Submission.objects.filter(learner=learner).count() == 2


def test_resubmitting_an_old_denial_is_refused_once_the_credential_is_awarded(learner, credential):
    """Applications opened before this rule (a denial and, apart from it, an award)
    cannot start a further attempt."""
    older = Submission.objects.create(learner=learner, credential=credential, status=Status.DENIED)
    awarded = Submission.objects.create(
        learner=learner, credential=credential, status=Status.AWARDED
    )

    with pytest.raises(AlreadyApplied) as caught:
        services.submission_resubmit(submission=older, actor=learner)

    assert caught.value.submission == awarded
    assert not Submission.objects.filter(previous=older).exists()


@pytest.mark.parametrize(
    ("state", "label"),
    [
        ("draft", "Continue your application"),
        ("awaiting_payment", "Pay for your application"),
        ("in_review", "View your application"),
        ("awarded", "View your award"),
        ("denied", "Read the feedback and resubmit"),
    ],
)
def test_details_page_button_says_what_apply_will_do(
    learner, learner_client, paid_credential, state, label
):
    if state == "draft":
        services.submission_apply(learner=learner, credential=paid_credential)
    elif state == "awaiting_payment":
        submitted_application(learner, paid_credential)
    else:
        free = paid_credential
        free.fee_cents = 0
        free.save(update_fields=["fee_cents"])
        submission = submit_for_review(learner=learner, credential=free)
        if state != "in_review":
            decide(submission, awarded=state == "awarded")
    current = Submission.objects.filter(learner=learner).order_by("-id").first()

    html = learner_client.get(details_url(paid_credential)).content.decode()

    assert f">{label}</a>" in html
    assert current.reference in html
    assert f'action="{apply_url(paid_credential)}"' not in html


def test_details_page_offers_apply_to_a_learner_who_never_applied(
    learner_client, other_learner, credential
):
    submitted_application(other_learner, credential)  # someone else's application

    html = learner_client.get(details_url(credential)).content.decode()

    assert f'action="{apply_url(credential)}"' in html
    assert ">Apply</button>" in html
