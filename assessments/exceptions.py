"""Domain errors raised by assessment services.

Every error here carries a message that is safe to show the assessor or staff.
"""

from typing import NamedTuple

from django.utils.translation import gettext as _

from core.errors import UserFacingError


class AssessmentError(UserFacingError):
    """Base class; ``str(error)`` is safe to show a user."""


class NotAssigned(AssessmentError):
    def __init__(self) -> None:
        super().__init__(_("This review is not assigned to you."))


class AlreadyDecided(AssessmentError):
    notice = True

    def __init__(self, outcome: str) -> None:
        self.outcome = outcome
        super().__init__(
            _("This submission has already been decided (%(outcome)s); decisions are final.")
            % {"outcome": outcome}
        )


class IneligibleAssessor(AssessmentError):
    pass


class DecisionProblem(NamedTuple):
    """One thing that stops a decision, shown beside the field to fix."""

    criterion_id: int | None  # None: the review as a whole (its overall comment)
    field: str  # "met", "feedback" or "comment"
    message: str


class DecisionInvalid(AssessmentError):
    """A decision the rubric does not support; ``errors`` lists every problem,
    several per criterion if need be, so each message appears beside its field."""

    def __init__(self, errors: list[DecisionProblem]) -> None:
        self.errors = errors
        super().__init__(_("The decision cannot be recorded yet. Please fix the items marked."))
