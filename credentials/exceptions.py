"""Domain errors raised by credential services.

Every error here carries a message that is safe to show staff.
"""

from core.errors import UserFacingError


class CredentialError(UserFacingError):
    """Base class; ``str(error)`` is safe to show a user."""


class NotPublishable(CredentialError):
    """Publishing was refused: the credential could issue badges that are not valid."""


class CredentialNotEditable(CredentialError):
    """The version is published or retired: it is read-only; open a new version."""

    def __init__(self, message: str = "") -> None:
        from django.utils.translation import gettext

        super().__init__(
            message
            or gettext(
                "This version has been published, so it can no longer change. "
                "Open a new version to edit it."
            )
        )


class CredentialConflict(CredentialError):
    """A studio save carried an older revision: someone saved in between."""

    def __init__(self, current_revision: int) -> None:
        from django.utils.translation import gettext

        self.current_revision = current_revision
        super().__init__(
            gettext(
                "This credential was saved from another tab or by someone else since you "
                "opened it. Your changes here were not saved; they are still in the form."
            )
        )
