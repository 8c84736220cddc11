"""Reads for the studio: who may design what, and the pages' rows.

Designers see only their own organizations' credentials; anyone else gets a
404 (never a 403 that tells a credential exists). Each page loads in a fixed
number of queries whatever the number of versions, prompts or criteria.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
    Sum,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.http import Http404

from accounts.models import AnyUser
from core.compiled import CompiledQuery
from credentials.models import (
    EvidenceRequirement,
    MemberRole,
    MicroCredential,
    Organization,
    OrganizationMember,
    Prompt,
    Topic,
    VersionStatus,
)
from credentials.selectors import member_has_role, organizations_of_member
from quality.models import ReviewRound, RoundStatus
from quality.selectors import member_roles_of

DESIGNER = (MemberRole.DESIGNER,)
RUNNING_ROUND = (RoundStatus.OPEN, RoundStatus.SETTLING)


def designer_organizations(*, user: AnyUser) -> list[Organization]:
    """The organizations in which ``user`` is a designer (empty for everyone else),
    each with the number of its versions and the sum of their revisions
    (``studio_list_stamp``), in the same query: SQL compiled once per process
    (the studio list asks on every visit; building the query cost more than
    running it)."""
    if not user.is_authenticated:
        return []
    return _DESIGNER_ORGANIZATIONS.rows(user=user.pk)


def _organizations_with_counts(user: Any) -> QuerySet[Organization]:
    return organizations_of_member(user_id=user, roles=DESIGNER).annotate(
        version_count=Count("credentials"), revision_sum=Sum("credentials__revision")
    )


_DESIGNER_ORGANIZATIONS = CompiledQuery(
    _organizations_with_counts, user=OrganizationMember._meta.get_field("user")
)


def organization_for_designer(*, user: AnyUser, slug: str) -> Organization:
    """The organization ``slug`` if ``user`` designs for it; 404 otherwise."""
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None or not member_has_role(
        user=user, organization=organization, roles=DESIGNER
    ):
        raise Http404
    return organization


def _with_review_state(qs: QuerySet[MicroCredential]) -> QuerySet[MicroCredential]:
    return qs.annotate(
        in_review=Exists(
            ReviewRound.objects.filter(credential=OuterRef("pk"), status__in=RUNNING_ROUND)
        )
    )


def in_review_sql() -> RawSQL:
    """An annotation of a ``MicroCredential`` query: whether a review round of the
    version is running (``_with_review_state``'s question), written as SQL for the
    editor, which asks on every visit: the ``Exists`` costs several times as long
    to build."""
    rounds, version = ReviewRound._meta.db_table, MicroCredential._meta.db_table
    # Table names from the models; the statuses are parameters.
    return RawSQL(  # noqa: S611
        f'EXISTS (SELECT 1 FROM "{rounds}" r WHERE r.credential_id = "{version}".id '  # noqa: S608
        "AND r.status IN (%s, %s))",
        RUNNING_ROUND,
        output_field=BooleanField(),
    )


def version_status(credential: MicroCredential) -> VersionStatus:
    """Published, retired, in review (a review round is running) or draft."""
    if credential.is_published:
        return VersionStatus.PUBLISHED
    if credential.retired_at is not None:
        return VersionStatus.RETIRED
    if getattr(credential, "in_review", False):
        return VersionStatus.IN_REVIEW
    return VersionStatus.DRAFT


ITEMS = (
    Prefetch("topics", queryset=Topic.objects.order_by("name")),
    Prefetch("prompts", queryset=Prompt.objects.order_by("part", "position", "id")),
    Prefetch(
        "evidence_requirements",
        queryset=EvidenceRequirement.objects.order_by("position", "id"),
    ),
    "rubric_criteria",
)


def credential_items_load(credential: MicroCredential) -> None:
    """Read a version's topics, prompts, requirements and criteria (for one read from
    ``credential_for_designer(items=False)``), in the same queries as with them."""
    prefetch_related_objects([credential], *ITEMS)


def credential_for_designer(*, user: AnyUser, uuid: UUID, items: bool = True) -> MicroCredential:
    """One version with everything the edit and preview pages show (``items=False``:
    without its topics, prompts, requirements and criteria), if ``user`` designs for
    its organization; 404 otherwise (also for other organizations' designers)."""
    if not user.is_authenticated:
        raise Http404
    found = _DESIGNER_CREDENTIAL.rows(uuid=uuid, user=user.pk)
    credential = found[0] if found else None
    if credential is None or MemberRole.DESIGNER not in credential.roles:  # type: ignore[attr-defined]
        raise Http404
    if items:
        credential_items_load(credential)
    credential.version_status = version_status(credential)
    return credential


def _designer_credential(uuid: Any, user: Any) -> QuerySet[MicroCredential]:
    return (
        MicroCredential.objects.annotate(
            # Whether a round is running, and the roles ``user`` holds in the
            # organization, in the same query (built as SQL: see ``in_review_sql``).
            in_review=in_review_sql(),
            roles=member_roles_of(user),
        )
        .select_related("organization")
        # At most one row (the uuid is unique): no ORDER BY or LIMIT.
        .filter(uuid=uuid)
        .order_by()
    )


# Every studio page asks on every visit: compiled once per process.
_DESIGNER_CREDENTIAL = CompiledQuery(
    _designer_credential,
    uuid=MicroCredential._meta.get_field("uuid"),
    user=OrganizationMember._meta.get_field("user"),
)


@dataclass
class Lineage:
    """One credential of the studio list: its versions, newest first."""

    versions: list[MicroCredential] = field(default_factory=list)

    @property
    def latest(self) -> MicroCredential:
        return self.versions[0]

    @property
    def published(self) -> MicroCredential | None:
        return next((v for v in self.versions if v.is_published), None)


@dataclass
class OrganizationCredentials:
    organization: Organization
    lineages: list[Lineage]


def studio_list_stamp(*, organizations: list[Organization]) -> str:
    """What the studio list of ``organizations`` (from ``designer_organizations``) is
    kept under, besides the versions their saves bump (``studio.fragments``): each
    organization's name and link, and the number of its versions and the sum of their
    revisions, which every studio save moves (it takes a revision without saving
    the row). No query."""
    named = "|".join(
        f"{o.pk}/{o.slug}/{o.name}/{o.version_count}/{o.revision_sum or 0}"  # type: ignore[attr-defined]
        for o in organizations
    )
    return hashlib.blake2b(named.encode(), digest_size=16).hexdigest()


def studio_list(*, organizations: list[Organization]) -> list[OrganizationCredentials]:
    """Every version of the organizations' credentials, grouped by credential, with
    its status; one query for all of them."""
    versions = (
        _with_review_state(MicroCredential.objects.filter(organization__in=organizations))
        .only(
            "uuid",
            "lineage",
            "version",
            "title",
            "slug",
            "organization_id",
            "is_published",
            "published_at",
            "retired_at",
            "updated_at",
        )
        .order_by("lineage", "-version")
    )
    by_organization: dict[int, dict[UUID, Lineage]] = {o.pk: {} for o in organizations}
    for version in versions:
        version.version_status = version_status(version)
        lineages = by_organization[version.organization_id]
        lineages.setdefault(version.lineage, Lineage()).versions.append(version)
    return [
        OrganizationCredentials(
            organization=o,
            lineages=sorted(
                by_organization[o.pk].values(), key=lambda x: (x.latest.title.lower(), x.latest.pk)
            ),
        )
        for o in organizations
    ]
