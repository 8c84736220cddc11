"""Domain errors raised by badge services.

Every error here carries a message that is safe to show the learner or staff.
"""

from django.utils.translation import gettext as _

from core.errors import UserFacingError


class BadgeError(UserFacingError):
    """Base class; ``str(error)`` is safe to show a user."""


class NotOwner(BadgeError):
    def __init__(self) -> None:
        super().__init__(_("Only the earner can change this award's settings."))
