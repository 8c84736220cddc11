"""Reactions to what happens to submissions."""

from . import services


def open_review(sender, *, submission, actor=None, **kwargs) -> None:
    """A submission entered review: set its due date and assign an assessor.

    Runs inside the transaction that moved the submission, so the move, the
    due date and the assignment commit together or not at all.
    """
    services.review_open(submission=submission, actor=actor)
