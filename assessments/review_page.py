"""The review page's own blocks kept for the assessor scoring it (``core.kept_page``).

An assessor opens the review she is scoring again and again: after each save
of her progress, from the queue, after a break. The page is read with one
query (the review with its submission, credential, organization and
criterion scores, ``selectors.review_page_get``), which also decides whether
she may see it: that query runs on every visit. What is kept is the work
after it: the panels' look-ups, the form, the heading facts and the
template. The blocks are kept under:

- a digest of every row the query read (each field of the review, the
  submission, the credential and its organization; the scores; the earlier
  attempt's reference): saved progress, a return, a resubmission, a renamed
  credential or a changed holiday calendar all make another key;
- the versions the panels depend on (``assessments.panels``): the
  submission's pre-checks and duplicate flags, the learner's attempts;
- the reader, her language, her time zone and the day (the business days
  left).

Only what shows no other person's name is kept: the assessor's own open,
single-scored review under blind review (the default). A page that names
the learner, another assessor or whoever decided, or that lists a sampled
review's scorings, is rendered on each visit as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.db.models import Model
from django.utils import timezone

from core import fragment_cache
from submissions.kept import learner_attempts

from .models import CriterionScore, Review
from .panels import FLAGS, PRECHECKS


def keepable(review: Review, *, can_score: bool, blind: bool) -> bool:
    """Whether this visit's page may be kept: the assessor's own open review
    (``can_score``), blind, not sampled (a sampled review lists its scorings
    to staff)."""
    return can_score and blind and not review.sampled


def _fields(row: Model) -> tuple[Any, ...]:
    return tuple(getattr(row, field.attname) for field in row._meta.concrete_fields)


def fingerprint(review: Review, scores: Iterable[CriterionScore]) -> str:
    """A digest of what the page query read (and ``scores``, the review's criterion
    scores as the page read them): any change to those rows is another key."""
    submission = review.submission
    credential = submission.credential
    read = (
        _fields(review),
        _fields(submission),
        _fields(credential),
        _fields(credential.organization),
        tuple(_fields(score) for score in scores),
        getattr(review, "previous_reference", None),
    )
    return hashlib.blake2b(repr(read).encode(), digest_size=16).hexdigest()


def lookup(
    review: Review, *, reader_id: int, scores: Iterable[CriterionScore]
) -> fragment_cache.Kept:
    """The kept blocks of ``review``'s page for this reader (``value`` None when
    not kept under what the page shows now), in one cache round trip."""
    submission = review.submission
    return fragment_cache.lookup(
        "review-page",
        reader_id,
        review.pk,
        fingerprint(review, scores),
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
        depends=(
            PRECHECKS.format(submission.pk),
            FLAGS.format(submission.pk),
            learner_attempts(submission.learner_id),
        ),
    )
