"""Reads about a user's account security."""

from allauth.mfa.models import Authenticator
from django.conf import settings


def mfa_required(user) -> bool:
    """Whether this user must have an authenticator app: staff and assessors,
    who can see other people's evidence, while the requirement is switched on."""
    if not settings.MFA_REQUIRED_FOR_STAFF_AND_ASSESSORS:
        return False
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    from assessments.selectors import is_assessor

    return is_assessor(user)


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()
