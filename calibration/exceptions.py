"""Domain errors of calibration; every message is safe to show the person who asked."""

from django.utils.translation import gettext as _

from core.errors import UserFacingError


class CalibrationError(UserFacingError):
    """Base class; ``str(error)`` is safe to show a user."""


class NotYours(CalibrationError):
    def __init__(self) -> None:
        super().__init__(_("This calibration belongs to another assessor."))


class AttemptClosed(CalibrationError):
    notice = True

    def __init__(self) -> None:
        super().__init__(
            _("This calibration has already been submitted; its scores can no longer change.")
        )


class AttemptIncomplete(CalibrationError):
    def __init__(self, missing: list[int]) -> None:
        self.missing = missing
        numbers = ", ".join(str(n) for n in missing)
        super().__init__(
            _(
                "Score every criterion and choose an outcome for each anchor before "
                "submitting. Still to do: anchor %(numbers)s."
            )
            % {"numbers": numbers}
        )
