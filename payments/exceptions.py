"""Domain errors raised by the payments services.

``PaymentError`` and its subclasses carry a message that is safe to show the
learner. ``ProviderError`` wraps a failure talking to Stripe: its message is
for logs and staff, and views show a generic sentence instead.
``InvalidWebhook`` means a request that did not come from Stripe.
"""

from django.utils import formats
from django.utils.translation import gettext as _

from core.errors import UserFacingError


class PaymentError(UserFacingError):
    """Base class; ``str(error)`` is safe to show a user."""


class NothingToPay(PaymentError):
    def __init__(self) -> None:
        super().__init__(_("This application has no assessment fee waiting to be paid."))


class AlreadyPaid(PaymentError):
    notice = True

    def __init__(self) -> None:
        super().__init__(_("The assessment fee for this application has already been paid."))


class CheckoutUnavailable(PaymentError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "We could not reach the card payment service just now. "
                "Nothing was charged; please try again in a minute."
            )
        )


class PaymentInProgress(PaymentError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "A card payment for this application is being completed. "
                "Refresh this page in a moment to see the result."
            )
        )


class CardDeclined(PaymentError):
    def __init__(self) -> None:
        super().__init__(_("The card was declined. Nothing was charged; try another card."))


class CouponError(PaymentError):
    """A code the learner typed cannot be used; each reason has its own message."""


class CouponInvalid(CouponError):
    def __init__(self) -> None:
        super().__init__(_("We don't recognise that code. Check it and try again."))


class CouponInactive(CouponError):
    def __init__(self) -> None:
        super().__init__(_("This code is no longer accepted."))


class CouponNotYetValid(CouponError):
    def __init__(self, valid_from) -> None:
        when = formats.date_format(valid_from, "DATE_FORMAT")
        super().__init__(_("This code can be used from %(date)s.") % {"date": when})


class CouponExpired(CouponError):
    def __init__(self, valid_until) -> None:
        when = formats.date_format(valid_until, "DATE_FORMAT")
        super().__init__(_("This code expired on %(date)s.") % {"date": when})


class CouponExhausted(CouponError):
    def __init__(self) -> None:
        super().__init__(_("This code has already been used as many times as it allows."))


class CouponNotForCredential(CouponError):
    def __init__(self, title: str) -> None:
        super().__init__(_("This code can't be used for “%(title)s”.") % {"title": title})


class CouponAlreadyUsed(CouponError):
    def __init__(self) -> None:
        super().__init__(_("You have already used this code."))


class ProviderError(Exception):
    """Stripe refused or could not be reached; not for learners' eyes.

    ``code`` is Stripe's error code (e.g. "resource_missing") and
    ``http_status`` the status of its answer, for logs and staff; both are
    None when Stripe gave no answer or the error did not come from Stripe.
    """

    def __init__(
        self, message: str, *, code: str | None = None, http_status: int | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.http_status = http_status


class InvalidWebhook(Exception):
    """Missing or bad signature, or a body that is not a Stripe event."""


class RefundError(UserFacingError):
    """A refund staff asked for cannot be made; the message is for the staff member."""
