"""Reads about a user's account security."""

from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from .models import User

# Held by assessors and by staff who oversee reviews; answered by the assessments
# app's permission backend, which accounts sits below and must not import.
REVIEW_QUEUE_PERMISSION = "assessments.review_queue"


def mfa_required(user: User | AnonymousUser) -> bool:
    """Whether this user must have an authenticator app: staff and assessors,
    who can see other people's evidence, while the requirement is switched on."""
    if not settings.MFA_REQUIRED_FOR_STAFF_AND_ASSESSORS:
        return False
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    return user.has_perm(REVIEW_QUEUE_PERMISSION)


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def needs_emailed_code(user: User) -> bool:
    """Whether signing in needs a code emailed to the user on top of the password:
    a staff member or assessor who has not set up an authenticator app yet. The
    password alone must not let anyone enrol their own app on such an account."""
    return mfa_required(user) and not has_totp(user)


def signed_in_with_emailed_code(request: HttpRequest, user: User) -> bool:
    """Whether this session's sign-in included a code emailed to ``user`` (allauth
    records each way a session was authenticated, "code" for an emailed code)."""
    records = get_authentication_records(request, user)
    return any(record.get("method") == "code" for record in records)


def holds_email(user: User, email: str) -> bool:
    """Whether ``email`` is this user's: her account's address (confirmed at
    sign-up where confirmation is required) or another she has confirmed.
    What an invitation sent to an address asks before anyone accepts it."""
    wanted = email.strip().lower()
    if user.email.lower() == wanted:
        return True
    return EmailAddress.objects.filter(user=user, email__iexact=wanted, verified=True).exists()
