"""Domain errors of the studio; every message is safe to show the designer."""

from django.utils.translation import gettext

from core.errors import UserFacingError


class InReview(UserFacingError):
    """A version under quality review does not change until the round ends."""

    def __init__(self) -> None:
        super().__init__(
            gettext(
                "This version is in quality review, so it cannot change until the round ends. "
                "Your changes here were not saved; they are still in the form."
            )
        )
