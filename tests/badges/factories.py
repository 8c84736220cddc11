"""Awards (and so badges) built through the real services.

``decided_award`` goes the whole way: submit, assign, score every criterion
met and decide, so the badge carries real rubric results. ``award_row`` is
quicker: it moves a submission to awarded and writes the Award row, which
issues the badge through the same post_save hook.
"""

from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Award
from submissions.services import submission_record_decision
from tests.assessments.factories import all_met, make_assessor, submit_for_review
from tests.submissions.factories import submitted_application


def decided_award(*, learner, credential, assessor=None) -> Award:
    assessor = assessor or make_assessor(credential=credential)
    submission = submit_for_review(learner=learner, credential=credential)
    review = submission.review
    assessment_services.review_decide(
        review_id=review.pk, actor=assessor, outcome="awarded", scores=all_met(review)
    )
    return Award.objects.select_related("badge").get(submission=submission)


def award_row(*, learner, credential, awarded_at=None) -> Award:
    submission = submitted_application(learner, credential)
    submission_record_decision(submission_id=submission.pk, awarded=True, actor=None)
    award = Award.objects.create(
        submission=submission,
        learner=learner,
        credential=credential,
        awarded_at=awarded_at or timezone.now(),
    )
    return Award.objects.select_related("badge").get(pk=award.pk)
