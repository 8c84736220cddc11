"""Reactions to what happens to submissions."""

from django.db import transaction


def queue_fingerprints(sender, *, submission, **kwargs) -> None:
    """A submit is committing: fingerprint its evidence once it has (in the background,
    so a slow look-up never holds up or undoes the learner's submit)."""
    from .tasks import fingerprint_submission

    submission_id = submission.pk
    transaction.on_commit(lambda: fingerprint_submission.delay(submission_id))

