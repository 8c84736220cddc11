"""Changes to a user's account records."""

from allauth.account.models import EmailAddress
from django.db import transaction

from .models import User


@transaction.atomic
def email_address_record(*, user: User) -> EmailAddress:
    """Record the user's sign-in address with allauth when it has no record yet
    (accounts made in the admin or by createsuperuser have none), unverified.

    A sign-in code emailed there then also verifies it, so a staff member's
    first sign-in asks for one emailed code, not a code and a confirmation
    link. Safe to repeat: an existing record is returned unchanged.
    """
    existing = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if existing is not None:
        return existing
    has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
    address, _ = EmailAddress.objects.get_or_create(
        user=user,
        email=user.email.lower(),
        defaults={"primary": not has_primary, "verified": False},
    )
    return address
