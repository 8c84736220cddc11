"""Domain errors raised by credential services.

Every error here carries a message that is safe to show staff.
"""

from core.errors import UserFacingError


class CredentialError(UserFacingError):
    """Base class; ``str(error)`` is safe to show a user."""


class NotPublishable(CredentialError):
    """Publishing was refused: the credential could issue badges that are not valid."""
