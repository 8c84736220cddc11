"""The version of what pages keep in the cache about a learner's applications.

The dashboard keeps each tab's rows and the tab counts as rendered, and a
draft's page keeps its own blocks (``submissions.draft_page``), under keys
carrying ``learner_applications(id)``. The version is bumped when one of the
learner's applications is saved or deleted (``connect``: every ``save()``,
status moves included), when she is allowed an extra attempt, when one of
her applications' pre-checks is requested or finishes (``checks.receivers``)
and by the services that write an application with a single UPDATE, which
sends no signal: a draft's saves (its answers, files, links and "last saved"
time all claim a new version) and the date a decision is due. Bumps happen at once and again
when the transaction commits (``core.fragment_cache.changed``).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from core.fragment_cache import changed


def learner_applications(user_id: int) -> str:
    return f"kept:applications:{user_id}:version"


def learner_attempts(user_id: int) -> str:
    """Her attempts and the feedback decided on them: bumped by her applications'
    saves and by a review of hers being decided (``assessments.panels``)."""
    return f"assessments-attempts:{user_id}"


def applications_changed(user_id: int) -> None:
    """One of the learner's applications changed: what was kept of them is retired."""
    changed(learner_applications(user_id))


def _submission_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        applications_changed(instance.learner_id)


def connect() -> None:
    from .models import ExtraAttempt, Submission

    # An extra attempt allowed changes what her applications' pages say is left.
    for model in (Submission, ExtraAttempt):
        label = model._meta.model_name
        post_save.connect(
            _submission_changed, sender=model, dispatch_uid=f"submissions.kept.save.{label}"
        )
        post_delete.connect(
            _submission_changed, sender=model, dispatch_uid=f"submissions.kept.delete.{label}"
        )
