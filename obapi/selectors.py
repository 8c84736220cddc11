"""Reads for the earner profile, the Open Badges API and connected apps.

Every read is for one owner: the API's token, the signed-in learner, or (for
the public page) a profile its owner published.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db.models import Max, Q, QuerySet
from django.http import Http404
from oauth2_provider.models import get_access_token_model, get_application_model

from accounts.models import User
from badges.models import IssuedBadge, Visibility

from .models import EarnerProfile, ImportedCredential, SubjectMatch

_BADGE_RELATED = ("award", "award__credential", "award__credential__organization")


def profile_public_get(*, key: str, viewer: object = None) -> EarnerProfile:
    """A profile by its handle or UUID: published ones for anyone, an unpublished
    one for its owner only (a preview); 404 otherwise, so nobody learns that a
    private profile exists."""
    profiles = EarnerProfile.objects.select_related("user")
    if getattr(viewer, "is_authenticated", False):
        profiles = profiles.filter(Q(published=True) | Q(user=viewer))
    else:
        profiles = profiles.filter(published=True)
    try:
        profile = profiles.filter(uuid=uuid.UUID(key)).first()
    except ValueError:
        profile = profiles.filter(handle=key.lower()).first()
    if profile is None or not profile.user.is_active:
        raise Http404("No such profile.")
    return profile


def awards_of(*, user: User) -> QuerySet[IssuedBadge]:
    """Every badge the user earned, revoked ones included (for their export)."""
    return (
        IssuedBadge.objects.select_related(*_BADGE_RELATED)
        .filter(award__learner=user)
        .order_by("-issued_at", "-id")
    )


def awards_public_of(*, user: User) -> QuerySet[IssuedBadge]:
    """The badges the public profile lists: public ones not revoked."""
    return awards_of(user=user).filter(visibility=Visibility.PUBLIC, revoked_at__isnull=True)


def awards_held_by(*, user: User) -> QuerySet[IssuedBadge]:
    """The badges the API hands out: not revoked, whatever their page visibility
    (the token is the owner's own)."""
    return awards_of(user=user).filter(revoked_at__isnull=True).order_by("issued_at", "id")


def imported_of(*, user: User) -> QuerySet[ImportedCredential]:
    return ImportedCredential.objects.filter(owner=user).order_by("-imported_at", "-id")


def imported_public_of(*, user: User) -> QuerySet[ImportedCredential]:
    """What the public profile lists: imports the owner shows that were issued
    to them (by a verified email address) or that they confirmed as theirs."""
    return imported_of(user=user).filter(
        Q(subject_match=SubjectMatch.MATCHED) | Q(holder_confirmed_at__isnull=False),
        show_on_profile=True,
    )


def verified_emails(*, user: User) -> list[str]:
    """The user's email addresses they have shown they hold (allauth), primary first."""
    return list(
        EmailAddress.objects.filter(user=user, verified=True)
        .order_by("-primary", "id")
        .values_list("email", flat=True)
    )


def imported_get_for_owner(*, user: User, imported_uuid: uuid.UUID) -> ImportedCredential:
    row = ImportedCredential.objects.filter(owner=user, uuid=imported_uuid).first()
    if row is None:
        raise Http404("No such credential.")
    return row


@dataclass(frozen=True)
class ConnectedApp:
    id: int
    name: str
    client_id: str
    redirect_uris: str
    scopes: list[str]
    last_used: object


def connected_apps(*, user: User) -> list[ConnectedApp]:
    """Clients holding a token of this user, with the scopes those tokens carry."""
    tokens = get_access_token_model().objects.filter(user=user).select_related("application")
    scopes: dict[int, set[str]] = {}
    for token in tokens:
        if token.application_id is None:
            continue
        scopes.setdefault(token.application_id, set()).update(token.scope.split())
    apps = (
        get_application_model()
        .objects.filter(pk__in=scopes.keys())
        .annotate(last=Max("accesstoken__created"))
        .order_by("name", "id")
    )
    return [
        ConnectedApp(
            id=app.pk,
            name=app.name or app.client_id,
            client_id=app.client_id,
            redirect_uris=app.redirect_uris,
            scopes=sorted(scopes[app.pk]),
            last_used=app.last,
        )
        for app in apps
    ]


def profile_of(*, user: User) -> EarnerProfile | None:
    """The user's profile if they have one yet (reads never create it)."""
    return EarnerProfile.objects.filter(user=user).first()
