"""Reads shaped for the catalog, details, printable and dashboard pages.

Every list here loads its related rows up front (organization joined, topics
prefetched) so a page issues the same number of queries for 5 credentials as
for 500.
"""

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext

from accounts.models import AnyUser, User

from .models import (
    EvidenceRequirement,
    Favorite,
    MemberRole,
    MicroCredential,
    Organization,
    OrganizationMember,
    Part,
    Prompt,
    Topic,
)

# Fields a catalog search looks in (the skills are the competency, the key method
# and its components); icontains behaves the same on SQLite and PostgreSQL.
SEARCH_FIELDS = (
    "title",
    "summary",
    "competency",
    "key_method",
    "method_components",
    "organization__name",
)


def _topic_matches(word: str) -> Exists:
    """A credential tagged with a topic whose name contains ``word``: a subquery,
    so a credential with several matching topics is still listed once."""
    return Exists(
        Topic.objects.filter(credentials=OuterRef("pk"), name__icontains=word).values("pk")
    )


def credential_list(
    *,
    search: str = "",
    organization_slug: str = "",
    topic_slug: str = "",
    quality_reviewed: bool = False,
    lineages: Collection[uuid.UUID] | None = None,
) -> QuerySet[MicroCredential]:
    """Published credentials matching the catalog filters, ready for cards.

    ``quality_reviewed`` keeps those that carry the quality mark (a passing
    quality review against a framework).

    Every word of ``search`` must appear in at least one searched field or
    topic name, so "formative feedback" narrows rather than widens the results.
    """
    qs = (
        MicroCredential.objects.published()
        .select_related("organization")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
    )
    for word in (search or "").split():
        match: Exists | Q = _topic_matches(word)
        for name in SEARCH_FIELDS:
            match |= Q(**{f"{name}__icontains": word})
        qs = qs.filter(match)
    if organization_slug:
        qs = qs.filter(organization__slug=organization_slug)
    if topic_slug:
        # Topic slugs are unique, so this join matches at most one row per credential.
        qs = qs.filter(topics__slug=topic_slug)
    if quality_reviewed:
        qs = qs.filter(quality_reviewed_at__isnull=False)
    if lineages is not None:
        # A stack's members: any published version of each member's lineage.
        qs = qs.filter(lineage__in=list(lineages))
    return qs.order_by("title", "id")


def credential_get_published(
    *, slug: str, include_unpublished: bool = False, favorite_of: AnyUser | None = None
) -> MicroCredential:
    """The published version of a credential with everything its details and
    printable pages show.

    Raises ``MicroCredential.DoesNotExist`` for an unknown slug, and for an
    unpublished one unless ``include_unpublished`` (staff preview) is set;
    then the published version still comes first, else the latest one.
    With ``favorite_of``, ``is_favorite`` says whether that user marked it,
    read in the same query rather than one of its own.
    """
    qs = MicroCredential.objects.select_related("organization")
    if favorite_of is not None and favorite_of.is_authenticated:
        qs = qs.annotate(
            is_favorite=Exists(Favorite.objects.filter(user=favorite_of, credential=OuterRef("pk")))
        )
    qs = qs.prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("name")),
        Prefetch("prompts", queryset=Prompt.objects.order_by("part", "position", "id")),
        Prefetch(
            "evidence_requirements",
            queryset=EvidenceRequirement.objects.order_by("position", "id"),
        ),
        "rubric_criteria",
    )
    if not include_unpublished:
        qs = qs.published()
    credential = qs.filter(slug=slug).order_by("-is_published", "-version").first()
    if credential is None:
        raise MicroCredential.DoesNotExist(slug)
    return credential


def credential_current_version(*, credential: MicroCredential) -> MicroCredential | None:
    """The published version of ``credential``'s lineage (itself when it is the
    published one), or None while no version is published. One query."""
    if credential.is_published:
        return credential
    return MicroCredential.objects.published().filter(lineage=credential.lineage).first()


@dataclass
class CredentialPart:
    """One part of the application as the details page explains it."""

    number: int
    label: str | Promise  # translated when shown
    prompts: list[Prompt] = field(default_factory=list)
    requirements: list[EvidenceRequirement] = field(default_factory=list)

    @property
    def is_evidence(self) -> bool:
        return self.number == Part.EVIDENCE


def credential_parts(credential: MicroCredential) -> list[CredentialPart]:
    """Parts 1-4 in order, each with its prompts (Part 2: evidence requirements).

    Works from the prefetched rows of ``credential_get_published``, so it adds
    no queries. Parts with nothing to answer are left out.
    """
    parts = {number: CredentialPart(number=number, label=label) for number, label in Part.choices}
    for prompt in credential.prompts.all():
        if prompt.part not in parts:
            parts[prompt.part] = CredentialPart(
                number=prompt.part, label=gettext("Part %(number)s") % {"number": prompt.part}
            )
        parts[prompt.part].prompts.append(prompt)
    parts[Part.EVIDENCE].requirements = list(credential.evidence_requirements.all())
    return [
        part
        for number, part in sorted(parts.items())
        if part.prompts
        or part.requirements
        or (part.is_evidence and credential.evidence_instructions)
    ]


def favorite_ids(*, user: AnyUser | None) -> set[int]:
    """Ids of the credentials ``user`` has favorited, in one query (none when anonymous)."""
    if user is None or not user.is_authenticated:
        return set()
    return set(Favorite.objects.filter(user=user).values_list("credential_id", flat=True))


def favorite_exists(*, user: AnyUser | None, credential: MicroCredential) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Favorite.objects.filter(user=user, credential=credential).exists()


def favorite_list(*, user: User) -> QuerySet[MicroCredential]:
    """The user's favorite published credentials, most recently favorited first.

    Unpublished credentials are left out because their pages are not open to
    learners. Each row carries ``favorited_at``.
    """
    return (
        MicroCredential.objects.published()
        .filter(favorited_by__user=user)
        .select_related("organization")
        .annotate(favorited_at=F("favorited_by__created_at"))
        .order_by("-favorited_at", "title")
    )


def organization_list() -> QuerySet[Organization]:
    """Organizations with at least one published credential: the catalog's filter choices."""
    return Organization.objects.filter(credentials__is_published=True).distinct().order_by("name")


def topic_list() -> QuerySet[Topic]:
    """Topics used by at least one published credential: the catalog's filter choices."""
    return Topic.objects.filter(credentials__is_published=True).distinct().order_by("name")


def credential_publish_warnings(*, credential: MicroCredential) -> list[str]:
    """What staff should hear about a published credential from the apps that
    serve it (e.g. nobody can assess its applications), in one list."""
    from .signals import publish_check

    return [
        warning
        for _receiver, warnings in publish_check.send(sender=MicroCredential, credential=credential)
        for warning in warnings or ()
    ]


def member_roles(*, user: AnyUser) -> dict[int, set[str]]:
    """Every role ``user`` holds, by organization id, in one query (empty for visitors)."""
    if not user.is_authenticated:
        return {}
    roles: dict[int, set[str]] = {}
    for organization_id, role in OrganizationMember.objects.filter(user=user).values_list(
        "organization_id", "role"
    ):
        roles.setdefault(organization_id, set()).add(role)
    return roles


def member_has_role(
    *, user: AnyUser, organization: Organization, roles: tuple[MemberRole | str, ...]
) -> bool:
    """Whether ``user`` holds any of ``roles`` in ``organization``; visitors hold none."""
    if not user.is_authenticated:
        return False
    return OrganizationMember.objects.filter(
        user=user, organization=organization, role__in=roles
    ).exists()


def organizations_for_member(
    *, user: AnyUser, roles: tuple[MemberRole | str, ...]
) -> QuerySet[Organization]:
    """Organizations in which ``user`` holds any of ``roles`` (the studio's and review
    rounds' scope), each once."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return organizations_of_member(user_id=user.pk, roles=roles)


def organizations_of_member(
    *, user_id: Any, roles: tuple[MemberRole | str, ...]
) -> QuerySet[Organization]:
    """``organizations_for_member`` by the user's id: a query compiled once
    (``core.compiled``) builds it with a stand-in for the id."""
    return Organization.objects.filter(
        Exists(
            OrganizationMember.objects.filter(
                organization=OuterRef("pk"), user_id=user_id, role__in=roles
            )
        )
    ).order_by("name")


def organization_members(
    *, organization: Organization, role: MemberRole | str
) -> QuerySet[OrganizationMember]:
    """The members holding ``role`` in ``organization``, users joined."""
    return OrganizationMember.objects.filter(organization=organization, role=role).select_related(
        "user"
    )
