"""Reads about a user's account security."""

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest


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


def needs_emailed_code(user) -> bool:
    """Whether signing in needs a code emailed to the user on top of the password:
    a staff member or assessor who has not set up an authenticator app yet. The
    password alone must not let anyone enrol their own app on such an account."""
    return mfa_required(user) and not has_totp(user)


def signed_in_with_emailed_code(request: HttpRequest, user) -> bool:
    """Whether this session's sign-in included a code emailed to ``user`` (allauth
    records each way a session was authenticated, "code" for an emailed code)."""
    records = get_authentication_records(request, user)
    return any(record.get("method") == "code" for record in records)
