"""Which saves retire the quality pages' kept fragments (``core.fragment_cache``).

``FRAMEWORKS``: the wording of frameworks, standards and components, which a
closed round's findings table shows; an admin edit of a component's title
renders every table that names it afresh.

``ROUNDS``: every review round, assignment and finding, which the quality home
lists (running rounds with their number of reviewers, a reviewer's assignments
with their status) and a version's rounds page shows. A round opening, moving
or ending, a reviewer assigned or removed, a review submitted, or a component
settled bumps it; a reviewer's draft save (ratings, comments, revision, and
scores written in bulk: nothing the pages show before the review is submitted)
does not, so reviewers typing do not retire everyone's pages. Rounds change a
few times a day, so one version for all of them is enough.

``organization(pk)``: an organization's name and quality setting and its
versions' titles and states, which both pages show beside the rounds; any save
or delete of the organization, its setting or one of its versions bumps it.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save

from core import fragment_cache

FRAMEWORKS = "quality-frameworks"
ROUNDS = "quality-rounds"

# What a reviewer's draft save writes (``services.rounds.review_save``): none of it
# is on the quality home.
_DRAFT_FIELDS = frozenset({"scope", "clarity", "ease_of_use", "comments", "revision"})


def organization(pk: int) -> str:
    return f"quality-organization:{pk}"


def _assignment_saved(
    sender: Any, *, instance: models.Model, raw: bool = False, update_fields: Any = None, **kw: Any
) -> None:
    if raw or (update_fields is not None and set(update_fields) <= _DRAFT_FIELDS):
        return
    fragment_cache.changed(ROUNDS)


def _assignment_deleted(sender: Any, **kwargs: Any) -> None:
    fragment_cache.changed(ROUNDS)


def connect() -> None:
    """Listen for changes to what the kept fragments show (called once at start-up)."""
    from credentials.models import MicroCredential, Organization

    from .models import (
        Component,
        ComponentResult,
        Framework,
        QualitySetting,
        ReviewAssignment,
        ReviewRound,
        ReviewScore,
        Standard,
    )

    fragment_cache.listen(
        (Framework, Standard, Component), lambda instance: (FRAMEWORKS,), uid="quality-fragments"
    )
    fragment_cache.listen(
        (ReviewRound, ComponentResult, ReviewScore),
        lambda instance: (ROUNDS,),
        uid="quality-rounds",
    )
    post_save.connect(
        _assignment_saved,
        sender=ReviewAssignment,
        weak=False,
        dispatch_uid="quality-rounds:save:assignment",
    )
    post_delete.connect(
        _assignment_deleted,
        sender=ReviewAssignment,
        weak=False,
        dispatch_uid="quality-rounds:delete:assignment",
    )
    fragment_cache.listen(
        (Organization,), lambda instance: (organization(instance.pk),), uid="quality-organization"
    )
    fragment_cache.listen(
        (MicroCredential, QualitySetting),
        lambda instance: (organization(instance.organization_id),),  # type: ignore[attr-defined]
        uid="quality-organization-rows",
    )
