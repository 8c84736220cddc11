"""Reactions to what happens to submissions, and to reviews changing hands."""

from typing import Any, cast

from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver

from . import selectors, services
from .models import Review, Scoring


def open_review(sender, *, submission, actor=None, **kwargs) -> None:
    """A submission entered review: set its due date and assign an assessor.

    Runs inside the transaction that moved the submission, so the move, the
    due date and the assignment commit together or not at all.
    """
    services.review_open(submission=submission, actor=actor)


def warn_if_nobody_assesses(sender, *, credential, **kwargs) -> list[str]:
    """A credential being published: tell staff when nobody can assess it, since
    its applications would wait unassigned."""
    if selectors.credential_has_assessor(credential=credential):
        return []
    return [
        f"Nobody can assess “{credential}”: its applications will wait unassigned. "
        f"Add an assessor scope for it or for {credential.organization} (Assessments › "
        "Assessor scopes); waiting reviews are then assigned at once."
    ]


def resume_review(sender, *, submission, actor=None, **kwargs) -> None:
    """An application returned as Incomplete was resubmitted: its review reopens
    for the same assessor, in the same transaction as the move."""
    services.review_resume(submission=submission, actor=actor)


# --- the queue's credential filter (``selectors.queue_credentials``) ---------------------
# It lists the credentials of a user's reviews and scorings, remembered per
# user: forgotten for whoever a review or scoring reaches or leaves. Every
# change of hands is a ``save()`` (``services._assign``, the scoring services,
# the admin); the assessor each row was read with is noted when it loads.

_UNKNOWN = object()


@receiver(post_init, sender=Review, dispatch_uid="assessments.queue_review_loaded")
@receiver(post_init, sender=Scoring, dispatch_uid="assessments.queue_scoring_loaded")
def note_assessor(sender: Any, instance: Review | Scoring, **kwargs: Any) -> None:
    # Absent when the column was deferred: then who held it is not known.
    instance._queue_assessor = instance.__dict__.get("assessor_id", _UNKNOWN)  # type: ignore[union-attr]


@receiver(post_save, sender=Review, dispatch_uid="assessments.queue_review_saved")
@receiver(post_save, sender=Scoring, dispatch_uid="assessments.queue_scoring_saved")
def assessor_saved(
    sender: Any, instance: Review | Scoring, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    if update_fields is not None and not {"assessor", "assessor_id"} & set(update_fields):
        return
    before = getattr(instance, "_queue_assessor", _UNKNOWN)
    if created:
        selectors.forget_queue_credentials(instance.assessor_id)
    elif before is _UNKNOWN:
        selectors.forget_queue_credentials(instance.assessor_id, everyone=True)
    elif before != instance.assessor_id:
        selectors.forget_queue_credentials(instance.assessor_id, cast(int | None, before))
    instance._queue_assessor = instance.assessor_id  # type: ignore[union-attr]


@receiver(post_delete, sender=Review, dispatch_uid="assessments.queue_review_deleted")
@receiver(post_delete, sender=Scoring, dispatch_uid="assessments.queue_scoring_deleted")
def assessor_deleted(sender: Any, instance: Review | Scoring, **kwargs: Any) -> None:
    selectors.forget_queue_credentials(instance.assessor_id)
