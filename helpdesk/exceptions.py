"""Domain errors raised by the helpdesk services.

Every error here carries a message that is safe to show the person who caused it.
"""

from datetime import timedelta


class HelpdeskError(Exception):
    """Base class; ``str(error)`` is safe to show a user."""


class TicketThrottled(HelpdeskError):
    """Too many requests from one person or network address in the last hour."""

    def __init__(self, wait: timedelta):
        self.wait = wait
        minutes = max(1, -(-int(wait.total_seconds()) // 60))
        unit = "minute" if minutes == 1 else "minutes"
        super().__init__(
            "You have sent several help requests in the last hour. Please wait about "
            f"{minutes} {unit}, then send this one again: your message is still in the form."
        )


class NotYourSubmission(HelpdeskError):
    def __init__(self) -> None:
        super().__init__("Choose one of your own applications.")


class TicketPermissionDenied(HelpdeskError):
    def __init__(self) -> None:
        super().__init__("You do not have permission to change help requests.")


class InvalidAssignee(HelpdeskError):
    def __init__(self, email: str) -> None:
        super().__init__(f"{email} cannot be assigned: they cannot answer help requests.")


class IllegalTicketTransition(HelpdeskError):
    def __init__(self, current: str, target: str) -> None:
        self.current, self.target = current, target
        super().__init__(f"This help request is {current} and cannot move to {target}.")


class EmptyAnswer(HelpdeskError):
    def __init__(self) -> None:
        super().__init__("Write the answer before sending it.")
