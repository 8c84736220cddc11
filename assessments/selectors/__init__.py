"""Reads for assessments, one module per sub-domain:

    scopes   who may assess what, eligibility, reviews waiting for an assessor
    queue    the assessor queue, its filters and sorts
    review   the review page and every attempt in a submission's chain
    sla      days left per review and the staff SLA overview
    scoring  scoring policies, paired scorings for agreement, blindness

Callers keep one name to ask (``assessments.selectors.<name>``).
"""

from .queue import (
    QUEUE_SORTS,
    QUEUE_STATUSES,
    forget_queue_credentials,
    queue_assessors,
    queue_credentials,
    queue_deadlines,
    queue_rows,
    review_queue,
)
from .review import (
    CONTENT_TIMEOUT,
    Attempt,
    EarlierFeedback,
    RelatedSubmissions,
    ReviewPage,
    SubmissionContent,
    content_key,
    earlier_feedback,
    related_submissions,
    review_get_for_user,
    review_page_get,
    review_scores,
    submission_content,
)
from .scopes import (
    assessor_is_eligible,
    certified_or_not_required,
    credential_has_assessor,
    eligible_assessors,
    is_assessor,
    sees_every_review,
    waiting_reviews,
)
from .scoring import (
    criterion_pairs,
    review_scorings,
    scoring_for_submission,
    scoring_for_user,
    scoring_get_for_user,
    scoring_pairs,
    scoring_policy_for,
    visible_scorings,
)
from .sla import (
    DAYS_LEFT_BUCKETS,
    Deadline,
    OnTimeRate,
    deadline,
    review_attention,
    sla_business_days,
    sla_business_days_by_organization,
    sla_overview,
)

__all__ = [
    "CONTENT_TIMEOUT",
    "DAYS_LEFT_BUCKETS",
    "QUEUE_SORTS",
    "QUEUE_STATUSES",
    "Attempt",
    "EarlierFeedback",
    "Deadline",
    "OnTimeRate",
    "RelatedSubmissions",
    "ReviewPage",
    "SubmissionContent",
    "assessor_is_eligible",
    "certified_or_not_required",
    "content_key",
    "credential_has_assessor",
    "criterion_pairs",
    "deadline",
    "earlier_feedback",
    "eligible_assessors",
    "forget_queue_credentials",
    "is_assessor",
    "queue_assessors",
    "queue_credentials",
    "queue_deadlines",
    "queue_rows",
    "related_submissions",
    "review_attention",
    "review_get_for_user",
    "review_page_get",
    "review_queue",
    "review_scorings",
    "review_scores",
    "scoring_for_submission",
    "scoring_for_user",
    "scoring_get_for_user",
    "scoring_pairs",
    "scoring_policy_for",
    "sees_every_review",
    "sla_business_days",
    "sla_business_days_by_organization",
    "sla_overview",
    "submission_content",
    "visible_scorings",
    "waiting_reviews",
]
