"""Domain errors raised by submission services.

Every error here carries a message that is safe to show the learner.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import UserFacingError


class SubmissionError(UserFacingError):
    """Base class; ``str(error)`` is safe to show a user."""


class IllegalTransition(SubmissionError):
    def __init__(self, current: str, target: str):
        self.current, self.target = current, target
        from .models import Status

        labels = {value: str(label).lower() for value, label in Status.choices}
        super().__init__(
            _("This application is %(current)s and cannot move to %(target)s.")
            % {
                "current": labels.get(current, current.replace("_", " ")),
                "target": labels.get(target, target.replace("_", " ")),
            }
        )


class NotEditable(SubmissionError):
    # Usually the learner's own submit, from another tab or a second click.
    notice = True

    def __init__(self) -> None:
        super().__init__(_("This application has been submitted and can no longer be changed."))


class DraftConflict(SubmissionError):
    """The draft was saved elsewhere (another tab or device) since this page was loaded."""

    def __init__(self, current_version: int):
        self.current_version = current_version
        super().__init__(
            _(
                "This draft was saved from another tab or device after you opened this page. "
                "Your text is still here: review it and press Save draft again to keep your "
                "version."
            )
        )


class IncompleteSubmission(SubmissionError):
    """Submit was refused; ``problems`` lists what is missing, each with an anchor."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__(_("Your application is not complete yet. Please fix the items listed."))


class InvalidUpload(SubmissionError):
    pass


class AlreadyApplied(SubmissionError):
    """The learner already has an application for this credential beyond a draft.

    ``submission`` is that application: one per learner and credential, so a
    second apply never opens a second paid attempt.
    """

    notice = True

    MESSAGES = {
        "awaiting_payment": gettext_lazy(
            "You have already applied: %(ref)s is submitted and waits for payment."
        ),
        "in_review": gettext_lazy("You have already applied: %(ref)s is in review."),
        "awarded": gettext_lazy("You have already earned this micro-credential with %(ref)s."),
        "denied": gettext_lazy(
            "You have already applied: %(ref)s was not awarded yet. Read its feedback and use "
            "Resubmit to start your next attempt."
        ),
    }

    def __init__(self, submission) -> None:
        self.submission = submission
        template = self.MESSAGES.get(
            submission.status, gettext_lazy("You have already applied: see %(ref)s.")
        )
        super().__init__(template % {"ref": submission.reference})


class AttemptLimitReached(SubmissionError):
    """Every attempt the credential allows is used: a conversation with staff comes first."""

    def __init__(self, allowed: int):
        self.allowed = allowed
        super().__init__(
            _(
                "You have made the %(allowed)s attempts this micro-credential allows. Before "
                "another, talk with our staff: send a help request from this application."
            )
            % {"allowed": allowed}
        )
