"""Scoring models: two independent assessors, adjudication, sampled second
scorings, who is chosen, who sees what, and what the learner reads."""

import pytest
from django.urls import reverse

from assessments import scoring, selectors, services
from assessments.exceptions import AlreadyDecided, IneligibleAssessor, NotAssigned
from assessments.models import (
    Outcome,
    PriorAssessor,
    Review,
    ReviewState,
    Scoring,
    ScoringKind,
    ScoringModel,
    ScoringPolicy,
    ScoringState,
)
from audit.models import AuditEvent
from notifications.models import OutboundEmail
from notifications.services import email_deliver
from submissions.models import Status
from tests.accounts.factories import UserFactory
from tests.assessments.factories import make_assessor, resubmit_for_review, submit_for_review
from tests.assessments.scoring_helpers import (
    marks,
    scorings_of,
    submit,
    three_assessors,
    use_policy,
)

pytestmark = pytest.mark.django_db

AWARD, DENY = Outcome.AWARDED, Outcome.DENIED


@pytest.fixture
def assessors(credential):
    return three_assessors(credential)


@pytest.fixture
def paired(credential, assessors, learner):
    """A submission in review under double scoring with adjudication."""
    use_policy(credential)
    return submit_for_review(learner=learner, credential=credential).review


# --- assignment ---------------------------------------------------------------------------


def test_two_different_assessors_score_a_double_scored_submission(paired, learner, assessors):
    scorings = scorings_of(paired)
    assert set(scorings) == {ScoringKind.FIRST, ScoringKind.SECOND}
    first, second = scorings[ScoringKind.FIRST], scorings[ScoringKind.SECOND]
    assert first.assessor_id != second.assessor_id
    assert {first.assessor_id, second.assessor_id} <= {a.pk for a in assessors}
    assert learner.pk not in (first.assessor_id, second.assessor_id)
    # The review's assessor is the first scorer; both carry the review's due date.
    assert paired.assessor_id == first.assessor_id
    assert first.due_on == second.due_on == paired.due_on
    assert paired.scoring_model == ScoringModel.DOUBLE_ADJUDICATED


def test_the_learner_is_never_one_of_the_pair(credential, assessors):
    use_policy(credential)
    learning_assessor = assessors[0]
    review = submit_for_review(learner=learning_assessor, credential=credential).review
    ids = {s.assessor_id for s in scorings_of(review).values()}
    assert learning_assessor.pk not in ids and len(ids) == 2


def test_with_one_assessor_the_second_scoring_waits_and_is_assigned_when_another_arrives(
    credential, learner
):
    use_policy(credential)
    only = make_assessor(credential=credential)
    review = submit_for_review(learner=learner, credential=credential).review
    second = scorings_of(review)[ScoringKind.SECOND]
    assert second.assessor is None
    newcomer = make_assessor(credential=credential)
    assert scoring.scorings_assign_waiting(credential_id=credential.pk) == 1
    second.refresh_from_db()
    assert second.assessor == newcomer != only


def test_reassigning_the_review_to_the_second_scorer_is_refused(paired):
    second = scorings_of(paired)[ScoringKind.SECOND]
    with pytest.raises(IneligibleAssessor):
        services.review_reassign(review_id=paired.pk, assessor=second.assessor, actor=None)


def test_reassigning_the_review_moves_its_first_scoring(paired, assessors):
    scorings = scorings_of(paired)
    taken = {scorings[ScoringKind.FIRST].assessor_id, scorings[ScoringKind.SECOND].assessor_id}
    third = next(a for a in assessors if a.pk not in taken)
    services.review_reassign(review_id=paired.pk, assessor=third, actor=None)
    assert scorings_of(paired)[ScoringKind.FIRST].assessor == third


@pytest.mark.parametrize(
    ("preference", "same"), [(PriorAssessor.PREFER, True), (PriorAssessor.AVOID, False)]
)
def test_an_earlier_attempts_assessor_is_preferred_or_avoided(
    credential, learner, other_learner, preference, same
):
    use_policy(credential, ScoringModel.SINGLE, prior_assessor=preference)
    ada = make_assessor(credential=credential)
    bea = make_assessor(credential=credential)
    first = submit_for_review(learner=learner, credential=credential).review
    earlier = first.assessor
    services.review_decide(
        review_id=first.pk, actor=earlier, outcome=DENY, scores=marks(first, not_met=[0])
    )
    # Give the earlier assessor more open work, so least-loaded alone would avoid them.
    submit_for_review(learner=other_learner, credential=credential)
    busy = Review.objects.filter(state=ReviewState.OPEN).get().assessor
    if busy != earlier:
        services.review_reassign(
            review_id=Review.objects.filter(state=ReviewState.OPEN).get().pk,
            assessor=earlier,
            actor=None,
        )
    attempt = resubmit_for_review(denied=first.submission, learner=learner).review
    assert (attempt.assessor == earlier) is same
    assert {ada, bea} >= {attempt.assessor}


# --- adjudication triggers exactly when scorings differ ---------------------------------------


def test_agreeing_scorings_decide_without_adjudication(paired, learner):
    scorings = scorings_of(paired)
    submit(scorings[ScoringKind.FIRST], AWARD, marks(paired))
    paired.refresh_from_db()
    assert paired.state == ReviewState.OPEN  # waits for the second
    submit(scorings[ScoringKind.SECOND], AWARD, marks(paired))
    paired.refresh_from_db()
    assert paired.outcome == AWARD
    assert paired.submission.status == Status.AWARDED
    assert ScoringKind.ADJUDICATION not in scorings_of(paired)
    assert paired.decided_by == scorings[ScoringKind.SECOND].assessor


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # Different outcomes.
        ((AWARD, ()), (DENY, (0,))),
        # Same outcome (deny), different criteria not met.
        ((DENY, (0,)), (DENY, (1,))),
        # Same marks, different outcomes (a denial with every criterion met).
        ((AWARD, ()), (DENY, ())),
    ],
)
def test_scorings_that_differ_anywhere_go_to_a_third_assessor(paired, assessors, first, second):
    scorings = scorings_of(paired)
    submit(scorings[ScoringKind.FIRST], first[0], marks(paired, not_met=first[1]), "First.")
    submit(scorings[ScoringKind.SECOND], second[0], marks(paired, not_met=second[1]), "Second.")
    paired.refresh_from_db()
    assert paired.state == ReviewState.OPEN
    assert paired.submission.status == Status.IN_REVIEW
    adjudication = scorings_of(paired)[ScoringKind.ADJUDICATION]
    pair = {scorings[ScoringKind.FIRST].assessor_id, scorings[ScoringKind.SECOND].assessor_id}
    assert adjudication.assessor_id not in pair
    assert adjudication.assessor_id in {a.pk for a in assessors}
    assert AuditEvent.objects.filter(verb="review.adjudication_requested").count() == 1


def test_identical_denials_decide_without_adjudication(paired):
    scorings = scorings_of(paired)
    submit(scorings[ScoringKind.FIRST], DENY, marks(paired, not_met=[0]), "Revise part 1.")
    submit(scorings[ScoringKind.SECOND], DENY, marks(paired, not_met=[0]), "Other words.")
    paired.refresh_from_db()
    assert paired.outcome == DENY
    assert ScoringKind.ADJUDICATION not in scorings_of(paired)
    # The learner reads one set of feedback: the first scoring's.
    assert paired.comment == "Revise part 1."


def test_plain_double_scoring_awards_only_when_both_award(credential, assessors, learner):
    use_policy(credential, ScoringModel.DOUBLE)
    review = submit_for_review(learner=learner, credential=credential).review
    scorings = scorings_of(review)
    submit(scorings[ScoringKind.FIRST], AWARD, marks(review), "Well done.")
    submit(scorings[ScoringKind.SECOND], DENY, marks(review, not_met=[1]), "Needs evidence.")
    review.refresh_from_db()
    assert review.outcome == DENY
    assert review.comment == "Needs evidence."
    assert ScoringKind.ADJUDICATION not in scorings_of(review)


def test_the_adjudicator_decides_and_the_learner_reads_only_the_final_feedback(
    paired, learner, learner_client
):
    scorings = scorings_of(paired)
    submit(scorings[ScoringKind.FIRST], AWARD, marks(paired), "FIRST-SCORER-NOTE")
    submit(
        scorings[ScoringKind.SECOND],
        DENY,
        marks(paired, not_met=[0], feedback="SECOND-SCORER-NOTE"),
        "SECOND-SCORER-COMMENT",
    )
    adjudication = scorings_of(paired)[ScoringKind.ADJUDICATION]
    submit(
        adjudication,
        DENY,
        marks(paired, not_met=[1], feedback="ADJUDICATOR-NOTE"),
        "ADJUDICATOR-COMMENT",
    )
    paired.refresh_from_db()
    assert paired.outcome == DENY
    assert paired.decided_by == adjudication.assessor
    assert paired.submission.status == Status.DENIED

    page = learner_client.get(paired.submission.get_absolute_url()).content.decode()
    assert "ADJUDICATOR-COMMENT" in page and "ADJUDICATOR-NOTE" in page
    for hidden in ("FIRST-SCORER-NOTE", "SECOND-SCORER-NOTE", "SECOND-SCORER-COMMENT"):
        assert hidden not in page
    # One decision email, with the adjudicator's feedback.
    email = OutboundEmail.objects.get(key=f"review-decided:{paired.pk}")
    assert "ADJUDICATOR-COMMENT" in email.body_text
    assert "SECOND-SCORER-COMMENT" not in email.body_text
    assert AuditEvent.objects.filter(verb="review.denied").count() == 1


def test_a_submitted_scoring_is_final(paired):
    first = scorings_of(paired)[ScoringKind.FIRST]
    submit(first, AWARD, marks(paired))
    assert submit(first, AWARD, marks(paired)).state == ScoringState.SUBMITTED  # repeat: no-op
    with pytest.raises(AlreadyDecided):
        submit(first, DENY, marks(paired, not_met=[0]))


def test_only_the_scorings_assessor_may_submit_it(paired, learner):
    scorings = scorings_of(paired)
    with pytest.raises(NotAssigned):
        scoring.scoring_submit(
            scoring_id=scorings[ScoringKind.FIRST].pk,
            actor=scorings[ScoringKind.SECOND].assessor,
            outcome=AWARD,
            scores=marks(paired),
        )
    # Nor can the first scorer decide the whole review through the single-scoring path.
    with pytest.raises(NotAssigned):
        services.review_decide(
            review_id=paired.pk,
            actor=scorings[ScoringKind.FIRST].assessor,
            outcome=AWARD,
            scores=marks(paired),
        )


def test_each_step_is_audited_with_its_actor(paired):
    scorings = scorings_of(paired)
    submit(scorings[ScoringKind.FIRST], AWARD, marks(paired))
    submit(scorings[ScoringKind.SECOND], DENY, marks(paired, not_met=[0]))
    adjudication = scorings_of(paired)[ScoringKind.ADJUDICATION]
    submit(adjudication, AWARD, marks(paired))
    verbs = {
        e.verb: e.actor_id
        for e in AuditEvent.objects.filter(verb__startswith="scoring.").exclude(
            verb="scoring.assigned"
        )
    }
    assert verbs == {
        "scoring.first.submitted": scorings[ScoringKind.FIRST].assessor_id,
        "scoring.second.submitted": scorings[ScoringKind.SECOND].assessor_id,
        "scoring.adjudication.submitted": adjudication.assessor_id,
    }
    decided = AuditEvent.objects.get(verb="review.awarded")
    assert decided.actor_id == adjudication.assessor_id
    assert AuditEvent.objects.filter(verb="scoring.assigned").count() == 3


# --- blindness -------------------------------------------------------------------------------


def _client_for(client, user):
    client.force_login(user)
    return client


def test_an_assessor_never_sees_the_other_scoring_before_submitting(paired, client):
    scorings = scorings_of(paired)
    first, second = scorings[ScoringKind.FIRST], scorings[ScoringKind.SECOND]
    submit(first, AWARD, marks(paired), "FIRST-SECRET")
    browser = _client_for(client, second.assessor)
    # The other's scoring page: not found, as a page and as JSON.
    url = reverse("assessments:scoring", kwargs={"uuid": first.uuid})
    assert browser.get(url).status_code == 404
    assert browser.get(url, HTTP_ACCEPT="application/json").status_code == 404
    # Their own page shows nothing of the first scoring.
    own = browser.get(reverse("assessments:scoring", kwargs={"uuid": second.uuid}))
    assert own.status_code == 200
    assert "FIRST-SECRET" not in own.content.decode()
    # The review page sends them to their own scoring.
    review_url = reverse("assessments:review", kwargs={"uuid": paired.submission.uuid})
    assert browser.get(review_url)["Location"].endswith(f"/scoring/{second.uuid}/")
    # Once both are submitted the two read each other.
    submit(second, AWARD, marks(paired), "SECOND-NOTE")
    after = browser.get(reverse("assessments:scoring", kwargs={"uuid": second.uuid}))
    assert "FIRST-SECRET" in after.content.decode()


def test_the_first_scorer_cannot_read_the_second_through_the_review_page(paired, client):
    scorings = scorings_of(paired)
    submit(scorings[ScoringKind.SECOND], AWARD, marks(paired), "SECOND-SECRET")
    browser = _client_for(client, scorings[ScoringKind.FIRST].assessor)
    review_url = reverse("assessments:review", kwargs={"uuid": paired.submission.uuid})
    response = browser.get(review_url, follow=True)
    assert response.status_code == 200
    assert "SECOND-SECRET" not in response.content.decode()


def test_the_learner_and_strangers_get_no_scoring_page(paired, learner_client, client):
    first = scorings_of(paired)[ScoringKind.FIRST]
    url = reverse("assessments:scoring", kwargs={"uuid": first.uuid})
    assert learner_client.get(url).status_code == 404
    assert _client_for(client, UserFactory()).get(url).status_code == 404


def test_the_adjudicator_sees_both_scorings(paired, client):
    scorings = scorings_of(paired)
    submit(scorings[ScoringKind.FIRST], AWARD, marks(paired), "FIRST-VIEW")
    submit(scorings[ScoringKind.SECOND], DENY, marks(paired, not_met=[0]), "SECOND-VIEW")
    adjudication = scorings_of(paired)[ScoringKind.ADJUDICATION]
    page = _client_for(client, adjudication.assessor).get(
        reverse("assessments:scoring", kwargs={"uuid": adjudication.uuid})
    )
    text = page.content.decode()
    assert "FIRST-VIEW" in text and "SECOND-VIEW" in text


def test_staff_see_every_scoring_on_the_review_page(paired, staff_client):
    scorings = scorings_of(paired)
    submit(scorings[ScoringKind.FIRST], AWARD, marks(paired), "STAFF-READS-THIS")
    page = staff_client.get(
        reverse("assessments:review", kwargs={"uuid": paired.submission.uuid})
    ).content.decode()
    assert "STAFF-READS-THIS" in page
    assert "Second scoring" in page


def test_the_second_scorer_may_open_the_evidence(paired, client):
    second = scorings_of(paired)[ScoringKind.SECOND]
    attachment = paired.submission.attachments.first()
    response = _client_for(client, second.assessor).get(attachment.get_absolute_url())
    assert response.status_code == 200


def test_the_queue_lists_a_second_scoring_for_its_assessor(paired, client):
    second = scorings_of(paired)[ScoringKind.SECOND]
    page = _client_for(client, second.assessor).get(reverse("assessments:queue"))
    assert paired.submission.reference in page.content.decode()


# --- sampled second scoring ---------------------------------------------------------------


def test_sampling_draws_exactly_the_reviews_below_the_rate(credential, assessors):
    use_policy(credential, ScoringModel.SINGLE, sample_percent=30)
    reviews = [
        submit_for_review(learner=UserFactory(), credential=credential).review for _ in range(8)
    ]
    for review in reviews:
        review.refresh_from_db()
        assert review.sampled is (review.pk % 100 < 30)
        kinds = set(scorings_of(review))
        assert kinds == ({ScoringKind.SAMPLE} if review.sampled else set())
    assert Scoring.objects.filter(kind=ScoringKind.SAMPLE).count() == sum(
        r.pk % 100 < 30 for r in reviews
    )


@pytest.mark.parametrize(("percent", "expected"), [(0, 0), (100, 5)])
def test_sampling_rate_extremes(credential, assessors, percent, expected):
    use_policy(credential, ScoringModel.SINGLE, sample_percent=percent)
    for _ in range(5):
        submit_for_review(learner=UserFactory(), credential=credential)
    assert Review.objects.filter(sampled=True).count() == expected


def test_a_sampled_review_is_decided_as_before_and_pairs_with_its_hidden_scoring(
    credential, assessors, learner, learner_client
):
    use_policy(credential, ScoringModel.SINGLE, sample_percent=100)
    review = submit_for_review(learner=learner, credential=credential).review
    sample = scorings_of(review)[ScoringKind.SAMPLE]
    assert sample.assessor_id not in (review.assessor_id, learner.pk)
    services.review_decide(
        review_id=review.pk, actor=review.assessor, outcome=AWARD, scores=marks(review)
    )
    review.refresh_from_db()
    assert review.outcome == AWARD and review.submission.status == Status.AWARDED
    submit(sample, DENY, marks(review, not_met=[0]), "SAMPLE-ONLY")
    review.refresh_from_db()
    assert review.outcome == AWARD  # the sample never changes the decision
    assert (
        "SAMPLE-ONLY"
        not in learner_client.get(review.submission.get_absolute_url()).content.decode()
    )
    [pair] = list(selectors.scoring_pairs())
    assert pair["review_id"] == review.pk
    assert pair["second_kind"] == ScoringKind.SAMPLE
    assert (pair["first_outcome"], pair["second_outcome"]) == (AWARD, DENY)
    assert pair["first_assessor_id"] == review.assessor_id
    assert pair["second_assessor_id"] == sample.assessor_id


def test_a_single_review_without_sampling_writes_no_scoring(credential, assessor, learner):
    review = submit_for_review(learner=learner, credential=credential).review
    services.review_decide(review_id=review.pk, actor=assessor, outcome=AWARD, scores=marks(review))
    assert not Scoring.objects.exists()
    assert Review.objects.get(pk=review.pk).scoring_model == ScoringModel.SINGLE


# --- pairs for agreement --------------------------------------------------------------------


def test_criterion_pairs_give_one_row_per_criterion_of_each_complete_pair(paired):
    scorings = scorings_of(paired)
    submit(scorings[ScoringKind.FIRST], AWARD, marks(paired))
    assert not selectors.criterion_pairs().exists()  # half a pair is no pair
    submit(scorings[ScoringKind.SECOND], DENY, marks(paired, not_met=[0]))
    rows = sorted(selectors.criterion_pairs(), key=lambda r: r["criterion_id"])
    assert [(r["first_met"], r["second_met"]) for r in rows] == [(True, False), (True, True)]
    assert {r["credential_id"] for r in rows} == {paired.submission.credential_id}
    assert {r["second_assessor_id"] for r in rows} == {scorings[ScoringKind.SECOND].assessor_id}
    # The adjudication is not part of the pair.
    submit(scorings_of(paired)[ScoringKind.ADJUDICATION], AWARD, marks(paired))
    assert selectors.criterion_pairs().count() == 2
    assert selectors.scoring_pairs().count() == 1


# --- the SLA --------------------------------------------------------------------------------


def test_pending_scorings_are_reminded_and_escalated_once(paired, frozen, settings, mailoutbox):
    settings.SLA_ESCALATION_EMAILS = ["staff@example.org"]
    second = scorings_of(paired)[ScoringKind.SECOND]
    frozen.move_to(f"{second.remind_on.isoformat()}T15:00:00Z")
    assert scoring.scorings_sla_sweep() == (1, 0)
    assert scoring.scorings_sla_sweep() == (0, 0)
    reminder = OutboundEmail.objects.get(key__startswith=f"scoring-reminder:{second.assessor_id}:")
    assert email_deliver(email_id=reminder.pk)
    [sent] = mailoutbox
    assert sent.to == [second.assessor.email]
    assert paired.submission.reference in sent.body
    assert f"/assess/scoring/{second.uuid}/" in sent.body
    frozen.move_to(f"{paired.due_on.isoformat()}T15:00:00Z")
    frozen.shift(86400)
    assert scoring.scorings_sla_sweep() == (0, 1)
    assert scoring.scorings_sla_sweep() == (0, 0)
    escalation = OutboundEmail.objects.get(key__startswith="scoring-escalation:")
    assert email_deliver(email_id=escalation.pk)
    assert mailoutbox[-1].to == ["staff@example.org"]
    assert paired.submission.reference in mailoutbox[-1].body


def test_least_loaded_reassignment_never_gives_the_review_to_the_second_scorer(paired, assessors):
    scorings = scorings_of(paired)
    taken = {scorings[ScoringKind.FIRST].assessor_id, scorings[ScoringKind.SECOND].assessor_id}
    services.review_assign_least_loaded(review_id=paired.pk, actor=None)
    paired.refresh_from_db()
    assert paired.assessor_id not in taken
    assert scorings_of(paired)[ScoringKind.FIRST].assessor_id == paired.assessor_id


def test_a_sample_scorer_never_hears_the_live_decision_before_submitting(
    credential, assessors, learner, client
):
    use_policy(credential, ScoringModel.SINGLE, sample_percent=100)
    review = submit_for_review(learner=learner, credential=credential).review
    sample = scorings_of(review)[ScoringKind.SAMPLE]
    services.review_decide(
        review_id=review.pk,
        actor=review.assessor,
        outcome=DENY,
        scores=marks(review, not_met=[0], feedback="LIVE-FEEDBACK"),
        comment="LIVE-COMMENT",
    )
    browser = _client_for(client, sample.assessor)
    page = browser.get(reverse("assessments:scoring", kwargs={"uuid": sample.uuid}))
    text = page.content.decode()
    assert "LIVE-COMMENT" not in text and "LIVE-FEEDBACK" not in text
    assert "status-denied" not in text
    # Listed in their queue without the review's status.
    queue = browser.get(reverse("assessments:queue")).content.decode()
    assert review.submission.reference in queue
    assert "status-denied" not in queue
    submit(sample, AWARD, marks(review))
    after = browser.get(reverse("assessments:scoring", kwargs={"uuid": sample.uuid}))
    assert "LIVE-COMMENT" in after.content.decode()


# --- staff set the policy in admin ----------------------------------------------------------


def test_staff_set_a_credentials_scoring_policy_in_admin(credential, staff_client, staff_user):
    url = reverse("admin:assessments_scoringpolicy_add")
    form = {
        "organization": credential.organization.pk,
        "credential": credential.pk,
        "scoring_model": ScoringModel.DOUBLE,
        "sample_percent": 10,
        "prior_assessor": PriorAssessor.AVOID,
    }
    refused = staff_client.post(url, form)
    assert refused.status_code == 200
    assert "A sampled second scoring applies to single scoring only." in refused.content.decode()
    assert not ScoringPolicy.objects.exists()

    saved = staff_client.post(url, {**form, "sample_percent": 0})
    assert saved.status_code == 302
    policy = ScoringPolicy.objects.get()
    assert (policy.scoring_model, policy.prior_assessor) == (ScoringModel.DOUBLE, "avoid")
    assert selectors.scoring_policy_for(credential=credential) == policy
    event = AuditEvent.objects.get(verb="scoring_policy.created")
    assert event.actor_id == staff_user.pk
