"""The review page: the review itself, its scores, and every attempt in the chain."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import CharField, JSONField, Model, OuterRef, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.http import Http404

from accounts.models import AnyUser
from core.compiled import CompiledQuery
from submissions.models import (
    EDITABLE_STATUSES,
    Attachment,
    Attestation,
    EvidenceLink,
    Response,
    Status,
    Submission,
)
from submissions.selectors import chain_is_awarded, submission_chain

from ..models import CriterionScore, Review, ReviewState, Scoring, ScoringKind, ScoringModel
from .scopes import sees_every_review

_REVIEW_PAGE_RELATED = (
    "submission",
    "submission__learner",
    "submission__credential",
    "submission__credential__organization",
    "submission__previous",
    "assessor",
    "decided_by",
)


def _review_for(
    submission_uuid: uuid.UUID, reviews: QuerySet[Review]
) -> tuple[Review | None, bool]:
    """The review of the submission with this UUID, else the review with it; and
    whether it was found by the submission's."""
    # Two indexed look-ups rather than one OR across the join; each matches at
    # most one row (both keys are unique), so no ordering is asked for.
    reviews = reviews.order_by()
    review = next(iter(reviews.filter(submission__uuid=submission_uuid)[:1]), None)
    if review is not None:
        return review, True
    return next(iter(reviews.filter(uuid=submission_uuid)[:1]), None), False


def _check_access(review: Review | None, user: AnyUser) -> Review:
    if (
        review is None
        or review.submission.learner_id == user.pk
        or not (review.assessor_id == user.pk or sees_every_review(user))
    ):
        raise Http404("No such review.")
    return review


def review_get_for_user(*, submission_uuid: uuid.UUID, user: AnyUser) -> Review:
    """The review of a submission for its assigned assessor or staff who oversee
    reviews; 404 for anyone else, and always for the learner themself.

    Pages link with the submission's UUID; the review's own UUID is accepted too.
    """
    review, _ = _review_for(submission_uuid, Review.objects.select_related(*_REVIEW_PAGE_RELATED))
    return _check_access(review, user)


@dataclass
class ReviewPage:
    """The review page's review, or the user's own scoring of it to go to instead."""

    review: Review | None = None
    # A second, sampled or adjudicating scorer (or a first scorer of a paired
    # review) works on their own scoring page: its UUID.
    scoring_uuid: uuid.UUID | None = None


# PostgreSQL subqueries of the review page's query, written out as the draft
# page's are (``submissions.selectors``): the ORM's subquery expressions cost
# the page more to build and compile than the query takes to run, and the
# review's criterion scores come with it rather than by a query of their own.
# ``assessments_review`` and ``submissions_submission`` are the page query's rows.
_PAGE_ROWS = {
    # The user's own scoring of the review, as [uuid, kind], or null.
    "own_scoring": """SELECT jsonb_build_array(s.uuid, s.kind) FROM assessments_scoring AS s
        WHERE s.review_id = assessments_review.id AND s.assessor_id = %s
        ORDER BY s.id LIMIT 1""",
    "previous_reference": """SELECT p.reference FROM submissions_submission AS p
        WHERE p.id = submissions_submission.previous_id""",
    "score_rows": """SELECT coalesce(jsonb_agg(s ORDER BY s.position, s.id), '[]')
        FROM assessments_criterionscore AS s WHERE s.review_id = assessments_review.id""",
}


def _page_reviews(user_pk: Any) -> QuerySet[Review]:
    """Reviews with what the review page shows beside them: ``own_scoring``
    ([uuid, kind] of the user's own scoring, or None), ``previous_reference``
    and, on PostgreSQL, ``score_rows`` (the criterion scores as JSON)."""
    # Three joins, not seven: PostgreSQL spends longer planning the self-join to
    # the previous attempt and the joins to users than running the query. The
    # learner, the assessor and whoever decided are read only where the page
    # shows them (the learner never under blind review, the default).
    reviews = Review.objects.select_related(
        "submission",
        "submission__credential",
        "submission__credential__organization",
    )
    if connection.vendor == "postgresql":
        return reviews.annotate(
            own_scoring=RawSQL(_PAGE_ROWS["own_scoring"], (user_pk,), output_field=JSONField()),  # noqa: S611 (constant SQL)
            previous_reference=RawSQL(  # noqa: S611 (constant SQL)
                _PAGE_ROWS["previous_reference"], (), output_field=CharField()
            ),
            score_rows=RawSQL(_PAGE_ROWS["score_rows"], (), output_field=JSONField()),  # noqa: S611 (constant SQL)
        )
    own = Scoring.objects.filter(review=OuterRef("pk"), assessor_id=user_pk).order_by("id")
    previous = Submission.objects.filter(pk=OuterRef("submission__previous_id")).order_by()
    return reviews.annotate(
        own_scoring_uuid=Subquery(own.values("uuid")[:1]),
        own_scoring_kind=Subquery(own.values("kind")[:1]),
        previous_reference=Subquery(previous.values("reference")[:1]),
    )


def _page_query(lookup: str) -> CompiledQuery[Review]:
    """The page query by ``lookup`` (the submission's UUID or the review's),
    compiled once per process: compiling it cost each visit about a millisecond,
    more than running it. Only the user and the UUID change."""
    return CompiledQuery(
        lambda user, uuid: _page_reviews(user).order_by().filter(**{lookup: uuid})[:1],
        user=Scoring._meta.get_field("assessor"),
        uuid=Review._meta.get_field("uuid"),
    )


_BY_SUBMISSION = _page_query("submission__uuid")
_BY_REVIEW = _page_query("uuid")


def _page_review_for(submission_uuid: uuid.UUID, user: AnyUser) -> tuple[Review | None, bool]:
    """``_review_for`` with the page query (``_page_reviews``), compiled once."""
    using = Review.objects.db
    found = _BY_SUBMISSION.rows(using, user=user.pk, uuid=submission_uuid)
    if found:
        return found[0], True
    found = _BY_REVIEW.rows(using, user=user.pk, uuid=submission_uuid)
    return (found[0] if found else None), False


def _own_scoring(review: Review) -> tuple[uuid.UUID | None, str | None]:
    """(uuid, kind) of the user's own scoring read with the review, or Nones."""
    if hasattr(review, "own_scoring"):
        own = review.own_scoring
        return (uuid.UUID(own[0]), own[1]) if own else (None, None)
    return review.own_scoring_uuid, review.own_scoring_kind  # type: ignore[attr-defined]


def _attach_scores(review: Review) -> None:
    """The scores read with the review (``score_rows``), set as its prefetched
    ``scores``, so ``review.scores.all()`` reads no more."""
    rows = getattr(review, "score_rows", None)
    if rows is None:
        return
    fields = CriterionScore._meta.concrete_fields
    names = [f.attname for f in fields]
    scores = [
        CriterionScore.from_db("default", names, [f.to_python(row[f.column]) for f in fields])
        for row in rows
    ]
    _set_prefetched(review, "scores", scores, back="review")


def review_page_get(*, submission_uuid: uuid.UUID, user: AnyUser) -> ReviewPage:
    """``review_get_for_user``, with the user's own scoring of the submission's
    review read in the same query (``scoring_for_submission``): whoever scores
    it on a scoring page is sent there, whether or not they may read the review.
    On PostgreSQL the review's criterion scores come in that query too. The
    learner is not: a page that shows her (not under blind review) reads her
    by one query more."""
    review, by_submission = _page_review_for(submission_uuid, user)
    if review is not None and review.assessor_id == user.pk:
        review.assessor = user  # type: ignore[assignment]
    if review is not None and by_submission:
        own_uuid, own_kind = _own_scoring(review)
        if own_uuid is not None and (
            own_kind != ScoringKind.FIRST or review.scoring_model != ScoringModel.SINGLE
        ):
            return ReviewPage(scoring_uuid=own_uuid)
    review = _check_access(review, user)
    _attach_scores(review)
    return ReviewPage(review=review)


# --- a submission's content, once it can no longer change ------------------------------


@dataclass
class SubmissionContent:
    """What the learner submitted: answers, files, links and attestations."""

    responses: list[Response]
    attachments: list[Attachment]
    links: list[EvidenceLink]
    attestations: list[Attestation]


# Content changes only while a submission is editable, and every change there
# claims a new version (``submissions.services``); a submission going back
# into review (attestations confirmed again) or on to a decision is saved, so
# its ``updated_at`` moves. A submission's content is kept under all three
# and its status, and an editable one is always read afresh.
CONTENT_TIMEOUT = 24 * 60 * 60


def content_key(submission: Submission) -> str | None:
    """The cache key of the submission's content as it stands; None while editable."""
    if submission.status in EDITABLE_STATUSES:
        return None
    stamp = submission.updated_at.timestamp() if submission.updated_at else ""
    return (
        f"assessments:submission-content:{submission.pk}:{submission.version}:"
        f"{submission.status}:{stamp}"
    )


def submission_content(submission: Submission) -> SubmissionContent:
    """The submission's content (four queries, or none once kept), also set as the
    submission's prefetched ``responses``, ``attachments``, ``links`` and
    ``attestations`` so whatever else reads them on the page reads no more."""
    key = content_key(submission)
    content = cache.get(key) if key else None
    if not isinstance(content, SubmissionContent):
        content = SubmissionContent(
            responses=list(submission.responses.all()),
            attachments=list(submission.attachments.order_by("uploaded_at", "id")),
            links=list(submission.links.order_by("added_at", "id")),
            attestations=list(submission.attestations.all()),
        )
        if key:
            cache.set(key, content, CONTENT_TIMEOUT)
    _set_prefetched(submission, "responses", content.responses)
    _set_prefetched(submission, "attachments", content.attachments)
    _set_prefetched(submission, "links", content.links)
    _set_prefetched(submission, "attestations", content.attestations)
    return content


def _set_prefetched(instance: Model, name: str, rows: list, *, back: str = "submission") -> None:
    """What ``prefetch_related(name)`` would leave on ``instance`` (each row's
    ``back`` relation set to it)."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    for row in rows:
        setattr(row, back, instance)
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def review_scores(review: Review) -> dict[int, CriterionScore]:
    """The review's criterion scores keyed by criterion id (no query when read
    with the review by ``review_page_get``)."""
    return {score.criterion_id: score for score in review.scores.all()}


# --- related submissions (learner and assessor pages) --------------------------------


@dataclass
class Attempt:
    submission: Submission
    number: int
    is_current: bool
    outcome: str = ""
    comment: str = ""
    scores: list[CriterionScore] = field(default_factory=list)

    @property
    def date(self) -> datetime.datetime:
        return self.submission.submitted_at or self.submission.created_at

    @property
    def has_feedback(self) -> bool:
        """A decided attempt with marks or comments to show."""
        return bool(self.outcome and (self.comment or self.scores))


@dataclass
class RelatedSubmissions:
    attempts: list[Attempt]
    awarded: bool
    denied_count: int

    @property
    def show_numbers(self) -> bool:
        """Attempt numbers and denial counts disappear once any attempt is awarded."""
        return not self.awarded

    @property
    def is_empty(self) -> bool:
        """Nothing worth a table: a single attempt with no decision yet."""
        return len(self.attempts) == 1 and not self.attempts[0].outcome


_SCORE_FIELDS = [(f.name, f.attname) for f in CriterionScore._meta.concrete_fields]


def _decided_feedback(
    submission_ids: list[int],
) -> dict[int, tuple[str, str, list[CriterionScore]]]:
    """(outcome, comment, scores in rubric order) of each decided review of these
    submissions, in one query whatever the history: the reviews joined to their
    scores (a review without scores comes once, with none)."""
    rows = (
        Review.objects.filter(submission_id__in=submission_ids, state=ReviewState.DECIDED)
        .order_by("id", "scores__position", "scores__id")
        .values_list(
            "submission_id", "outcome", "comment", *(f"scores__{name}" for name, _ in _SCORE_FIELDS)
        )
    )
    decided: dict[int, tuple[str, str, list[CriterionScore]]] = {}
    for submission_id, outcome, comment, *score in rows:
        _, _, scores = decided.setdefault(submission_id, (outcome, comment, []))
        if score[0] is not None:
            scores.append(
                CriterionScore(
                    **{
                        attname: value
                        for (_, attname), value in zip(_SCORE_FIELDS, score, strict=True)
                    }
                )
            )
    return decided


@dataclass
class EarlierFeedback:
    """The decided feedback on one attempt, as its next attempt shows it."""

    submission: Submission
    outcome: str = ""
    comment: str = ""
    scores: list[CriterionScore] = field(default_factory=list)

    @property
    def has_feedback(self) -> bool:
        """A decided attempt with marks or comments to show."""
        return bool(self.outcome and (self.comment or self.scores))


def earlier_feedback(*, submission: Submission) -> EarlierFeedback:
    """The decided feedback on ``submission`` (an earlier attempt), never an open
    review's progress: what ``related_submissions`` gives for it. One query; the
    markup showing it is kept (``attempt_feedback``), so it is read only when
    that is rendered afresh."""
    outcome, comment, scores = _decided_feedback([submission.pk]).get(submission.pk, ("", "", []))
    return EarlierFeedback(submission=submission, outcome=outcome, comment=comment, scores=scores)


def related_submissions(*, submission: Submission) -> RelatedSubmissions:
    """Every attempt in the submission's chain, oldest first, with the feedback
    of decided attempts. Feedback never carries the assessor's identity, and an
    open review's saved progress is never included."""
    chain = submission_chain(submission)
    decided = _decided_feedback([s.pk for s in chain])
    attempts = []
    for number, attempt in enumerate(chain, start=1):
        outcome, comment, scores = decided.get(attempt.pk, ("", "", []))
        attempts.append(
            Attempt(
                submission=attempt,
                number=number,
                is_current=attempt.pk == submission.pk,
                outcome=outcome,
                comment=comment,
                scores=scores,
            )
        )
    return RelatedSubmissions(
        attempts=attempts,
        awarded=chain_is_awarded(chain),
        denied_count=sum(1 for s in chain if s.status == Status.DENIED),
    )
