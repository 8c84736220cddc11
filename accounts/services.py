"""Changes to a user's account records."""

from typing import NamedTuple

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


class AccountEnsured(NamedTuple):
    user: User
    created: bool
    changed: bool


@transaction.atomic
def account_ensure(*, email: str, name: str, password: str, is_staff: bool) -> AccountEnsured:
    """An account that signs in with ``email`` and ``password`` right away (its address
    verified and primary), named ``name``, staff and superuser when ``is_staff``.

    For published accounts of a local demo, never for real people: the password
    is known. Safe to repeat: an account that already matches is not written.
    """
    values = {"name": name, "is_staff": is_staff, "is_superuser": is_staff}
    user = User.objects.filter(email=email).first()
    created = user is None
    changed = False
    if user is None:
        user = User.objects.create_user(email, password, **values)
    else:
        differ = [field for field, value in values.items() if getattr(user, field) != value]
        if not user.check_password(password):
            user.set_password(password)
            differ.append("password")
        if differ:
            for field in differ:
                if field != "password":
                    setattr(user, field, values[field])
            user.save(update_fields=differ)
            changed = True
    # One primary address per user: demote any other before promoting this one.
    demoted = (
        EmailAddress.objects.filter(user=user, primary=True)
        .exclude(email=email)
        .update(primary=False)
    )
    address = EmailAddress.objects.filter(user=user, email=email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        changed = True
    elif not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
        changed = True
    return AccountEnsured(user, created, changed or bool(demoted))
