"""Domain errors of quality review; every message is safe to show the person who asked."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy

from core.errors import UserFacingError


class QualityError(UserFacingError):
    """Base class for quality review errors."""


class NotAllowed(QualityError):
    """The person asking does not hold the role this action needs."""

    default_message = gettext_lazy("You are not allowed to do that.")


class InvalidFramework(QualityError):
    """A framework file that cannot be imported as it is (the message says where)."""


class FrameworkInUse(QualityError):
    """An import would remove components that reviews have already used."""


class SelfAssessmentConflict(QualityError):
    """The self-assessment was saved elsewhere (another tab) after this page was loaded."""

    default_message = gettext_lazy(
        "This self-assessment was changed in another tab or by someone else after you opened "
        "it. Your answers are still on this page: copy anything you need, reload, and save "
        "again."
    )


class SelfAssessmentIncomplete(QualityError):
    """Submitting for review needs a judgement on every component."""

    def __init__(self, missing: int) -> None:
        self.missing = missing
        super().__init__(
            gettext(
                "Mark every component as met or not yet met before submitting for review "
                "(%(missing)s still open)."
            )
            % {"missing": missing}
        )


class RoundAlreadyOpen(QualityError):
    """A version has at most one round running at a time."""

    notice = True
    default_message = gettext_lazy("This version is already in review.")


class NotEditable(QualityError):
    """The version or the round has moved on and no longer takes this change."""

    default_message = gettext_lazy("This can no longer be changed.")


class ReviewerNotEligible(QualityError):
    """A reviewer who may not review this round (the designer, their team, not a reviewer)."""


class NotEnoughReviewers(QualityError):
    """A round needs at least the organization's number of reviewers."""


class ReviewIncomplete(QualityError):
    """A review is submitted only with every component and every rating given."""


class AlreadySubmitted(QualityError):
    """The review was submitted already (a double click or a second tab)."""

    notice = True
    default_message = gettext_lazy("This review has already been submitted.")


class ReviewConflict(QualityError):
    """The review draft was saved in another tab after this page was loaded."""

    default_message = gettext_lazy(
        "This review was saved in another tab after you opened it. Your answers are still on "
        "this page: copy anything you need, reload, and save again."
    )


class QualityGateClosed(QualityError):
    """Publishing refused: the version's latest round did not meet every required component."""


class OverrideNotAllowed(QualityError):
    """Publishing past the gate needs the ``quality.override_gate`` permission and a reason."""
