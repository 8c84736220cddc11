"""The version of what pages keep in the cache about a learner's applications.

The dashboard keeps each tab's rows and the tab counts as rendered, under a
key carrying ``learner_applications(id)``. The version is bumped when one of
the learner's applications is saved or deleted (``connect``: every ``save()``,
status moves included) and by the services that write an application with a
single UPDATE, which sends no signal: a draft's saves (its version and "last
saved" time) and the date a decision is due. Bumps happen at once and again
when the transaction commits (``core.fragment_cache.changed``).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from core.fragment_cache import changed


def learner_applications(user_id: int) -> str:
    return f"kept:applications:{user_id}:version"


def applications_changed(user_id: int) -> None:
    """One of the learner's applications changed: what was kept of them is retired."""
    changed(learner_applications(user_id))


def _submission_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        applications_changed(instance.learner_id)


def connect() -> None:
    from .models import Submission

    post_save.connect(_submission_changed, sender=Submission, dispatch_uid="submissions.kept.save")
    post_delete.connect(
        _submission_changed, sender=Submission, dispatch_uid="submissions.kept.delete"
    )
