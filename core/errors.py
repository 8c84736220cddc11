"""The root of domain errors whose message is safe to show a user.

Services raise a ``UserFacingError`` (or a subclass) when a request cannot be
done for a reason the user can act on; ``str(error)`` (or ``.message``) is a
complete sentence with no internal ids, stack details or other people's data,
so a view can put it beside the form or in a message as it is. Anything else
that escapes a service is a bug or an outage and is never shown as it is.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext, gettext_lazy


class UserFacingError(Exception):
    """A domain error whose message is written for the person who asked.

    ``notice`` is True for an error that means the thing asked for has already
    happened (a double click, a second tab): it is news, not a mistake, so
    views show it as information rather than as an error.
    """

    notice: ClassVar[bool] = False
    default_message = gettext_lazy("That could not be done. Please reload the page and try again.")

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or str(self.default_message))

    @property
    def message(self) -> str:
        return str(self)


class IllegalTransition(UserFacingError):
    """A status move the model's table of allowed moves does not contain.

    Usually means the record moved on meanwhile (another tab, a replayed
    request): the message says where it is now, so reloading makes sense.
    The attributes are for logs and tests, not for the user.
    """

    def __init__(
        self,
        *,
        obj: Any,
        field: str,
        current: str,
        target: str,
        message: str | None = None,
    ) -> None:
        self.model_label: str = obj._meta.label
        self.pk: Any = obj.pk
        self.field = field
        self.current = current
        self.target = target
        if message is None:
            name = obj._meta.verbose_name
            message = gettext(
                "This %(name)s is %(current)s and cannot become %(target)s. "
                "Reload the page to see where it is now."
            ) % {
                "name": name,
                "current": _label(obj, field, current),
                "target": _label(obj, field, target),
            }
        super().__init__(message)


def _label(obj: Any, field: str, value: str) -> str:
    """The human label of a choice value ("in review" for "in_review")."""
    choices = dict(obj._meta.get_field(field).flatchoices)
    return str(choices.get(value, value)).lower()
