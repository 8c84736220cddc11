"""Domain errors raised by assessment services.

Every error here carries a message that is safe to show the assessor or staff.
"""


class AssessmentError(Exception):
    """Base class; ``str(error)`` is safe to show a user."""


class NotAssigned(AssessmentError):
    def __init__(self) -> None:
        super().__init__("This review is not assigned to you.")


class AlreadyDecided(AssessmentError):
    def __init__(self, outcome: str) -> None:
        self.outcome = outcome
        super().__init__(
            f"This submission has already been decided ({outcome}); decisions are final."
        )


class IneligibleAssessor(AssessmentError):
    pass


class DecisionInvalid(AssessmentError):
    """A decision the rubric does not support; ``errors`` maps criterion ids (or
    ``None`` for the whole review) to what is missing."""

    def __init__(self, errors: dict[int | None, str]) -> None:
        self.errors = errors
        super().__init__("The decision cannot be recorded yet. Please fix the items marked.")
