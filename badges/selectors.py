"""Reads shaped for the badge pages, the published documents and other apps' pages."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.models import AnyUser
from credentials.models import MicroCredential, Organization
from submissions.models import Submission

from . import documents, kept
from . import status_list as bitstring
from .models import AchievementAlignment, IssuedBadge, IssuerKey, StatusList, Visibility
from .signals import status_list_revoked

_BADGE_RELATED = (
    "award",
    "award__learner",
    "award__submission",
    "award__credential",
    "award__credential__organization",
    "signing_key",
    "signing_key__organization",
    "status_list",
)


def badge_get_public(*, award_uuid: uuid.UUID) -> IssuedBadge:
    """The badge of an award, by the award's UUID (404 if there is none)."""
    badge = (
        IssuedBadge.objects.select_related(*_BADGE_RELATED).filter(award__uuid=award_uuid).first()
    )
    if badge is None:
        raise Http404("No such award.")
    return badge


def badge_get_for_owner(*, award_uuid: uuid.UUID, user: AnyUser) -> IssuedBadge:
    """The badge of an award the user earned; 404 for anyone else, so the
    settings page does not reveal which awards exist."""
    badge = badge_get_public(award_uuid=award_uuid)
    if not getattr(user, "is_authenticated", False) or badge.award.learner_id != user.pk:
        raise Http404("No such award.")
    return badge


def is_owner(badge: IssuedBadge, user: AnyUser) -> bool:
    return getattr(user, "is_authenticated", False) and badge.award.learner_id == user.pk


VIEW_BADGE = "badges.view_issuedbadge"


def can_see_details(badge: IssuedBadge, user: AnyUser) -> bool:
    """Whether this reader sees the award's details and every representation of
    it (signed documents, baked image, certificate, dates): anyone when the
    earner made it public; otherwise the earner, and staff whose groups grant
    ``badges.view_issuedbadge``. Everyone else learns only that it exists and
    whether it is valid."""
    if badge.is_public or is_owner(badge, user):
        return True
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm(VIEW_BADGE)
    )


def badge_get_visible(*, award_uuid: uuid.UUID, user: AnyUser) -> IssuedBadge:
    """The badge of an award for a reader who may see its details (``can_see_details``);
    404 otherwise, exactly as for an award that does not exist."""
    badge = badge_get_public(award_uuid=award_uuid)
    if not can_see_details(badge, user):
        raise Http404("No such award.")
    return badge


def badge_for_submission(submission: Submission) -> IssuedBadge | None:
    """The badge of an awarded submission, read from ``submission.award.badge``
    when a list already fetched it (``with_badges``), else in one query."""
    award_field = type(submission).award
    if award_field.is_cached(submission):
        try:
            award = submission.award
        except award_field.RelatedObjectDoesNotExist:
            return None
        badge_field = type(award).badge
        if badge_field.is_cached(award):
            try:
                return award.badge
            except badge_field.RelatedObjectDoesNotExist:
                return None
    return (
        IssuedBadge.objects.select_related("award")
        .filter(award__submission_id=submission.pk)
        .first()
    )


def with_badges(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    """Submissions with their credential, award and badge joined in, for list pages."""
    return submissions.select_related("credential", "award", "award__badge")


def upcoming_expiries(
    *, user: AnyUser, within_days: int | None = None, now: datetime.datetime | None = None
) -> list[IssuedBadge]:
    """The user's unrevoked badges that expire in the next ``within_days`` days
    (BADGES_EXPIRY_NOTICE_DAYS by default), soonest first. One query."""
    if not getattr(user, "is_authenticated", False):
        return []
    now = now or timezone.now()
    days = settings.BADGES_EXPIRY_NOTICE_DAYS if within_days is None else within_days
    return list(
        IssuedBadge.objects.select_related("award", "award__credential")
        .filter(
            award__learner_id=user.pk,
            revoked_at__isnull=True,
            valid_until__gt=now,
            valid_until__lte=now + datetime.timedelta(days=days),
        )
        .order_by("valid_until", "pk")
    )


@dataclass(frozen=True)
class ExpiringAward:
    """One line of the dashboard's "Awards expiring soon"."""

    award_uuid: uuid.UUID
    title: str
    valid_until: datetime.datetime


def expiring_soon(*, user: AnyUser, now: datetime.datetime | None = None) -> list[ExpiringAward]:
    """``upcoming_expiries`` as the dashboard lists them, without a query while
    the learner's awards and the credentials' titles are unchanged.

    What is kept is the day's candidates: the badges expiring from the start of
    the (UTC) day to a day past the notice period, under a key that names the
    day and the versions of ``badges.kept``. Each request picks from them the
    ones expiring between now and the end of the notice, so a badge drops off
    the moment it expires and one enters the notice at its own time."""
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return []
    now = now or timezone.now()
    days = settings.BADGES_EXPIRY_NOTICE_DAYS
    day = now.astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    versions = kept.stamp(kept.learner_expiries(user.pk), kept.CREDENTIALS)
    key = f"kept:expiring:{user.pk}:{days}:{day.date().isoformat()}:{versions}"
    rows = cache.get(key)
    if rows is None:
        rows = [
            (badge.award.uuid, badge.award.credential.title, badge.valid_until)
            for badge in upcoming_expiries(user=user, within_days=days + 1, now=day)
        ]
        cache.set(key, rows, kept.KEPT_SECONDS)
    limit = now + datetime.timedelta(days=days)
    return [ExpiringAward(*row) for row in rows if now < row[2] <= limit]


# --- published documents ------------------------------------------------------------------


def organization_get(*, org_uuid: uuid.UUID) -> Organization:
    organization = Organization.objects.filter(uuid=org_uuid).first()
    if organization is None:
        raise Http404("No such issuer.")
    return organization


def credential_get(*, credential_uuid: uuid.UUID) -> MicroCredential:
    credential = (
        MicroCredential.objects.select_related("organization")
        .prefetch_related("rubric_criteria")
        .filter(uuid=credential_uuid)
        .first()
    )
    if credential is None:
        raise Http404("No such credential.")
    return credential


def published_keys(*, organization: Organization) -> QuerySet[IssuerKey]:
    """Every key the organization has signed with, newest first: retired keys
    stay published so the badges they signed still verify."""
    return IssuerKey.objects.select_related("organization").filter(organization=organization)


def active_key(*, organization: Organization) -> IssuerKey | None:
    return IssuerKey.objects.filter(organization=organization, retired_at__isnull=True).first()


def key_get(*, org_uuid: uuid.UUID, key_id: str) -> IssuerKey | None:
    return (
        IssuerKey.objects.select_related("organization")
        .filter(organization__uuid=org_uuid, key_id=key_id)
        .first()
    )


def status_list_get(*, org_uuid: uuid.UUID, number: int) -> StatusList | None:
    return (
        StatusList.objects.select_related("organization")
        .filter(organization__uuid=org_uuid, number=number)
        .first()
    )


def status_list_encoded(status_list: StatusList) -> str:
    """The list's current bitstring, encoded: revoked badges have their bit set."""
    revoked = list(
        IssuedBadge.objects.filter(status_list=status_list, revoked_at__isnull=False).values_list(
            "status_index", flat=True
        )
    )
    for _receiver, indexes in status_list_revoked.send(sender=None, status_list=status_list):
        revoked.extend(int(i) for i in indexes or [])
    return bitstring.encode(status_list.size, revoked)


def ob2_revoked(*, organization: Organization) -> list[documents.Revoked]:
    """The revoked assertions the issuer's public Open Badges 2.0 revocation
    list names: those of public awards, oldest revocation first. A private
    award is left out: listing its address would show strangers that it
    exists, which its earner chose to keep from them (its holder still learns
    of the revocation from its status list entry). One query."""
    rows = (
        IssuedBadge.objects.filter(
            award__credential__organization=organization,
            revoked_at__isnull=False,
            visibility=Visibility.PUBLIC,
        )
        .order_by("revoked_at", "pk")
        .values_list("award__uuid", "revocation_reason")
    )
    return [
        documents.Revoked(
            assertion_id=documents.absolute(
                reverse("badges:ob2_assertion", kwargs={"award_uuid": award_uuid})
            ),
            reason=reason,
        )
        for award_uuid, reason in rows
    ]


def alignments_for(*, credential: MicroCredential) -> list[documents.AlignmentTarget]:
    """The credential's alignments to external frameworks, in staff's order."""
    return [
        documents.AlignmentTarget(
            target_type=a.target_type,
            name=a.target_name,
            url=a.target_url,
            code=a.target_code,
            framework=a.target_framework,
            description=a.target_description,
        )
        for a in AchievementAlignment.objects.filter(credential=credential)
    ]


def active_keys(*, organization: Organization) -> QuerySet[IssuerKey]:
    return IssuerKey.objects.filter(organization=organization, retired_at__isnull=True)


def organization_get_or_none(*, org_uuid: uuid.UUID) -> Organization | None:
    return Organization.objects.filter(uuid=org_uuid).first()


def badge_get_by_award_or_none(*, award_uuid: uuid.UUID) -> IssuedBadge | None:
    """The badge of an award, whatever its visibility (for checking a hosted
    assertion someone already holds; nothing of it is shown beyond the check)."""
    return (
        IssuedBadge.objects.select_related(*_BADGE_RELATED).filter(award__uuid=award_uuid).first()
    )
