"""Writes for credentials: publishing and favorites."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User

from .exceptions import NotPublishable
from .models import Favorite, MicroCredential


def favorite_set(*, user: User, credential: MicroCredential, favorite: bool) -> bool:
    """Make ``credential`` a favorite of ``user`` or not; return the resulting state.

    Safe to repeat and to race: a second "add" finds the row (or loses the
    insert to the unique constraint and treats that as done), a second
    "remove" deletes nothing. Forms post the state they want, so a double
    click cannot undo itself.
    """
    if not favorite:
        Favorite.objects.filter(user=user, credential=credential).delete()
        return False
    try:
        with transaction.atomic():
            Favorite.objects.get_or_create(user=user, credential=credential)
    except IntegrityError:
        # A concurrent request inserted the same row first; the outcome is the same.
        pass
    return True


def favorite_toggle(*, user: User, credential: MicroCredential) -> bool:
    """Flip whether ``credential`` is a favorite of ``user``; return True if it now is.

    Deleting first means two concurrent toggles never leave duplicates behind
    and never raise: the unique constraint settles an insert race.
    """
    deleted, _ = Favorite.objects.filter(user=user, credential=credential).delete()
    if deleted:
        return False
    return favorite_set(user=user, credential=credential, favorite=True)


def credential_publish(
    *, credential: MicroCredential, actor: User | None = None
) -> MicroCredential:
    """Open a credential to the catalog, applications and its public pages.

    Requires an issuing organization with a valid contact email, which every
    badge's issuer profile publishes (NotPublishable otherwise). Locks the row
    so two staff members publishing at once record one publication time.
    Publishing a published credential changes nothing.
    """
    with transaction.atomic():
        locked = (
            MicroCredential.objects.select_for_update(no_key=True, of=("self",))
            .select_related("organization")
            .get(pk=credential.pk)
        )
        if not locked.is_published:
            _check_issuer(locked)
            locked.is_published = True
            locked.published_at = timezone.now()
            locked.save(update_fields=["is_published", "published_at", "updated_at"])
    credential.is_published = locked.is_published
    credential.published_at = locked.published_at
    return credential


def _check_issuer(credential: MicroCredential) -> None:
    organization = credential.organization
    try:
        validate_email(organization.email)
    except ValidationError:
        raise NotPublishable(
            f"“{credential}” cannot be published: {organization} needs a valid contact email, "
            "which every badge it issues publishes. Add it on the organization's page."
        ) from None


def credential_unpublish(
    *, credential: MicroCredential, actor: User | None = None
) -> MicroCredential:
    """Take a credential out of the catalog; its details page becomes staff-only.

    Submissions already made against it are untouched. Safe to repeat.
    """
    with transaction.atomic():
        locked = MicroCredential.objects.select_for_update(no_key=True).get(pk=credential.pk)
        if locked.is_published:
            locked.is_published = False
            locked.published_at = None
            locked.save(update_fields=["is_published", "published_at", "updated_at"])
    credential.is_published = locked.is_published
    credential.published_at = locked.published_at
    return credential
