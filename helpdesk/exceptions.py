"""Domain errors raised by the helpdesk services.

Every error here carries a message that is safe to show the person who caused it.
"""

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import UserFacingError


class HelpdeskError(UserFacingError):
    """Base class; ``str(error)`` is safe to show a user."""


class TicketThrottled(HelpdeskError):
    """Too many requests from one person or network address in the last hour."""

    def __init__(self, wait: timedelta):
        self.wait = wait
        minutes = max(1, -(-int(wait.total_seconds()) // 60))
        super().__init__(
            ngettext(
                "You have sent several help requests in the last hour. Please wait about "
                "%(count)d minute, then send this one again: your message is still in the form.",
                "You have sent several help requests in the last hour. Please wait about "
                "%(count)d minutes, then send this one again: your message is still in the form.",
                minutes,
            )
            % {"count": minutes}
        )


class NotYourSubmission(HelpdeskError):
    def __init__(self) -> None:
        super().__init__(_("Choose one of your own applications."))


class TicketPermissionDenied(HelpdeskError):
    def __init__(self) -> None:
        super().__init__(_("You do not have permission to change help requests."))


class InvalidAssignee(HelpdeskError):
    def __init__(self, email: str) -> None:
        super().__init__(
            _("%(email)s cannot be assigned: they cannot answer help requests.") % {"email": email}
        )


class IllegalTicketTransition(HelpdeskError):
    def __init__(self, current: str, target: str) -> None:
        self.current, self.target = current, target
        super().__init__(
            _("This help request is %(current)s and cannot move to %(target)s.")
            % {"current": current, "target": target}
        )


class EmptyAnswer(HelpdeskError):
    def __init__(self) -> None:
        super().__init__(_("Write the answer before sending it."))
