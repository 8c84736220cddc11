"""Reactions to what happens to submissions."""

from . import selectors, services


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
