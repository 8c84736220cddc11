"""Domain errors raised by submission services.

Every error here carries a message that is safe to show the learner.
"""

from core.errors import UserFacingError


class SubmissionError(UserFacingError):
    """Base class; ``str(error)`` is safe to show a user."""


class IllegalTransition(SubmissionError):
    def __init__(self, current: str, target: str):
        self.current, self.target = current, target
        now, then = current.replace("_", " "), target.replace("_", " ")
        super().__init__(f"This application is {now} and cannot move to {then}.")


class NotEditable(SubmissionError):
    # Usually the learner's own submit, from another tab or a second click.
    notice = True

    def __init__(self) -> None:
        super().__init__("This application has been submitted and can no longer be changed.")


class DraftConflict(SubmissionError):
    """The draft was saved elsewhere (another tab or device) since this page was loaded."""

    def __init__(self, current_version: int):
        self.current_version = current_version
        super().__init__(
            "This draft was saved from another tab or device after you opened this page. "
            "Your text is still here: review it and press Save draft again to keep your version."
        )


class IncompleteSubmission(SubmissionError):
    """Submit was refused; ``problems`` lists what is missing, each with an anchor."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("Your application is not complete yet. Please fix the items listed.")


class InvalidUpload(SubmissionError):
    pass


class AlreadyApplied(SubmissionError):
    """The learner already has an application for this credential beyond a draft.

    ``submission`` is that application: one per learner and credential, so a
    second apply never opens a second paid attempt.
    """

    notice = True

    MESSAGES = {
        "awaiting_payment": "You have already applied: {ref} is submitted and waits for payment.",
        "in_review": "You have already applied: {ref} is in review.",
        "awarded": "You have already earned this micro-credential with {ref}.",
        "denied": (
            "You have already applied: {ref} was not awarded yet. Read its feedback and use "
            "Resubmit to start your next attempt."
        ),
    }

    def __init__(self, submission) -> None:
        self.submission = submission
        template = self.MESSAGES.get(submission.status, "You have already applied: see {ref}.")
        super().__init__(template.format(ref=submission.reference))
