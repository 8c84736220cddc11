"""Writes for credentials: publishing, favorites, and loading a catalog from data.

Publishing and unpublishing are audited with the staff member who asked
(``audit.AuditEvent``); favorites are a learner's own bookmarks and are not.
"""

import datetime
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from audit.services import Actor, record

from .exceptions import CredentialConflict, CredentialNotEditable, NotPublishable
from .models import (
    EvidenceKind,
    EvidenceRequirement,
    Favorite,
    MemberRole,
    MicroCredential,
    Organization,
    OrganizationMember,
    Part,
    Prompt,
    RubricCriterion,
    Topic,
)
from .signals import version_opened

M = TypeVar("M", bound=models.Model)


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
    """Open a credential version to the catalog, applications and its public pages.

    Requires an issuing organization with a valid contact email, which every
    badge's issuer profile publishes (NotPublishable otherwise). The version
    published before it in the same lineage is retired in the same
    transaction (unpublished, its rows and the applications written against
    it kept), so a credential always has at most one published version.
    Locks every version of the lineage, so two staff members publishing at
    once record one publication time and never two published versions.
    Publishing a published version changes nothing.
    """
    with transaction.atomic():
        lineage = list(
            MicroCredential.objects.select_for_update(no_key=True)
            .filter(lineage=credential.lineage)
            .order_by("pk")
        )
        locked = (
            MicroCredential.objects.select_related("organization").filter(pk=credential.pk).get()
        )
        if not locked.is_published:
            _check_issuer(locked)
            now = timezone.now()
            for other in lineage:
                if other.pk != locked.pk and other.is_published:
                    _retire(other, actor=actor, replaced_by=locked, now=now)
            locked.is_published = True
            locked.published_at = now
            locked.retired_at = None
            locked.save(update_fields=["is_published", "published_at", "retired_at", "updated_at"])
            _record_publication(locked, actor=actor, verb="credential.published")
    credential.is_published = locked.is_published
    credential.published_at = locked.published_at
    credential.retired_at = locked.retired_at
    return credential


def _retire(
    credential: MicroCredential,
    *,
    actor: User | None,
    replaced_by: MicroCredential,
    now: datetime.datetime,
) -> None:
    """Take a locked, published version out of the catalog because ``replaced_by`` is
    published in its place, moving learners' favorites to it; audited in the
    caller's transaction."""
    published_at = credential.published_at
    credential.is_published = False
    credential.retired_at = now
    credential.save(update_fields=["is_published", "retired_at", "updated_at"])
    # Learners' bookmarks follow the credential to the version that replaces it
    # (a learner who already bookmarked that one keeps their bookmark there).
    Favorite.objects.filter(credential=credential).exclude(
        user__in=Favorite.objects.filter(credential=replaced_by).values("user")
    ).update(credential=replaced_by)
    record(
        actor=actor,
        verb="credential.retired",
        target=credential,
        before={"is_published": True, "published_at": published_at},
        after={"is_published": False, "retired_at": now},
        data={"version": credential.version, "replaced_by_version": replaced_by.version},
    )


def credential_version_open(*, credential: MicroCredential, actor: User | None) -> MicroCredential:
    """Open the next version of ``credential``'s lineage: an unpublished copy to edit.

    Copies every field, the topics, prompts, evidence requirements and rubric
    criteria of the lineage's latest version into version N+1, which points
    at it through ``previous_version``. Learners' applications keep the row
    they were written against. Safe to repeat: when the lineage already has
    an unpublished version that was never published, that draft is returned
    and nothing is created (a lineage has at most one draft). Locks the
    lineage's rows so two designers clicking at once open one version.
    Audited with the actor.
    """
    with transaction.atomic():
        versions = list(
            MicroCredential.objects.select_for_update(no_key=True)
            .filter(lineage=credential.lineage)
            .order_by("version")
        )
        for version in versions:
            if version.is_editable:
                return version
        latest = versions[-1]
        source = (
            MicroCredential.objects.prefetch_related(
                "topics", "prompts", "evidence_requirements", "rubric_criteria"
            )
            .filter(pk=latest.pk)
            .get()
        )
        copied = {
            column.attname: getattr(source, column.attname)
            for column in MicroCredential._meta.concrete_fields
            # The quality mark belongs to the version that was reviewed.
            if column.name not in VERSION_OWN_FIELDS and not column.name.startswith("quality")
        }
        new = MicroCredential.objects.create(
            **copied, version=latest.version + 1, previous_version=source
        )
        new.topics.set(source.topics.all())
        Prompt.objects.bulk_create(
            [
                Prompt(
                    credential=new,
                    part=p.part,
                    position=p.position,
                    text=p.text,
                    help_text=p.help_text,
                    word_limit=p.word_limit,
                    required=p.required,
                )
                for p in source.prompts.all()
            ]
        )
        EvidenceRequirement.objects.bulk_create(
            [
                EvidenceRequirement(
                    credential=new,
                    position=e.position,
                    title=e.title,
                    description=e.description,
                    kind=e.kind,
                    required=e.required,
                )
                for e in source.evidence_requirements.all()
            ]
        )
        RubricCriterion.objects.bulk_create(
            [
                RubricCriterion(
                    credential=new, position=c.position, title=c.title, description=c.description
                )
                for c in source.rubric_criteria.all()
            ]
        )
        version_opened.send(sender=MicroCredential, credential=new, previous=source)
        record(
            actor=actor,
            verb="credential.version_opened",
            target=new,
            after={"version": new.version},
            data={"lineage": str(new.lineage), "from_version": source.version},
        )
    return new


# A new version gets its own identity, number and publication state; the rest is copied.
VERSION_OWN_FIELDS = frozenset(
    {
        "id",
        "uuid",
        "version",
        "previous_version",
        "is_published",
        "published_at",
        "retired_at",
        "revision",
        "created_at",
        "updated_at",
    }
)


def _record_publication(
    credential: MicroCredential,
    *,
    actor: User | None,
    verb: str,
    published_at: datetime.datetime | None = None,
) -> None:
    """Audit who opened or closed a credential to the public, in the same transaction."""
    record(
        actor=actor,
        verb=verb,
        target=credential,
        before={"is_published": not credential.is_published, "published_at": published_at},
        after={"is_published": credential.is_published, "published_at": credential.published_at},
    )


def _check_issuer(credential: MicroCredential) -> None:
    organization = credential.organization
    try:
        validate_email(organization.email)
    except ValidationError:
        raise NotPublishable(
            f"“{credential}” cannot be published: {organization} needs a valid contact email, "
            "which every badge it issues publishes. Add it on the organization's page."
        ) from None


def credential_quality_mark_set(
    *,
    credential: MicroCredential,
    framework_label: str,
    reviewed_at: datetime.datetime | None,
    summary_uuid: uuid.UUID | None,
    actor: Actor = None,
) -> MicroCredential:
    """Give a version the quality mark ("Quality reviewed against <framework>, <date>")
    that its catalog card and details page show, with the link to its public review
    summary. Called by quality review, which decides when a version has earned it.
    Safe to repeat: the same mark again writes nothing. Audited with the actor.
    """
    with transaction.atomic():
        locked = MicroCredential.objects.select_for_update(no_key=True).get(pk=credential.pk)
        after = {
            "quality_framework": framework_label,
            "quality_reviewed_at": reviewed_at,
            "quality_summary_uuid": summary_uuid,
        }
        before = {name: getattr(locked, name) for name in after}
        if before != after:
            for name, value in after.items():
                setattr(locked, name, value)
            locked.save(update_fields=[*after, "updated_at"])
            record(
                actor=actor,
                verb="credential.quality_marked",
                target=locked,
                before={k: str(v) if v is not None else None for k, v in before.items()},
                after={k: str(v) if v is not None else None for k, v in after.items()},
            )
    for name, value in after.items():
        setattr(credential, name, value)
    return credential


def credential_unpublish(
    *, credential: MicroCredential, actor: User | None = None
) -> MicroCredential:
    """Take a credential out of the catalog; its details page becomes staff-only.

    Submissions already made against it are untouched. Safe to repeat.
    """
    with transaction.atomic():
        locked = MicroCredential.objects.select_for_update(no_key=True).get(pk=credential.pk)
        if locked.is_published:
            published_at = locked.published_at
            locked.is_published = False
            locked.published_at = None
            locked.save(update_fields=["is_published", "published_at", "updated_at"])
            _record_publication(
                locked, actor=actor, verb="credential.unpublished", published_at=published_at
            )
    credential.is_published = locked.is_published
    credential.published_at = locked.published_at
    return credential


# --- loading a catalog (the demo data) ----------------------------------------------------


@dataclass
class CatalogTally:
    """How many rows a catalog load created, and how many existing rows it changed."""

    created: int = 0
    updated: int = 0

    def count(self, created: bool, changed: bool) -> None:
        if created:
            self.created += 1
        elif changed:
            self.updated += 1


def catalog_load(*, catalog: Mapping[str, Any]) -> CatalogTally:
    """Make the organizations, topics and credentials ``catalog`` describes exist as described.

    ``catalog`` has the shape of ``credentials/fixtures/demo_catalog.toml``.
    Rows are found by slug (a credential's prompts, evidence and criteria by
    position) and only the fields that differ are written, so loading the same
    catalog again changes nothing, not even ``updated_at``. A credential is
    published (``credential_publish``) when it is created and the catalog says
    so; after that, publishing is staff's decision and a reload leaves it
    alone. One transaction: a catalog loads whole or not at all.
    """
    tally = CatalogTally()
    with transaction.atomic():
        organizations = {
            spec["slug"]: _upsert(
                tally, Organization, {"slug": spec["slug"]}, _without(spec, "slug")
            )[0]
            for spec in catalog["organizations"]
        }
        topics = {
            slug: _upsert(tally, Topic, {"slug": slug}, {"name": name})[0]
            for slug, name in catalog["topics"].items()
        }
        for spec in catalog["credentials"]:
            _credential_load(tally, spec, catalog["prompt_arc"], organizations, topics)
    return tally


CATALOG_CREDENTIAL_FIELDS = (
    "title",
    "summary",
    "overview",
    "competency",
    "key_method",
    "method_components",
    "research",
    "evidence_instructions",
    "estimated_hours",
    "fee_cents",
    "resubmission_fee_cents",
)


def _credential_load(
    tally: CatalogTally,
    spec: Mapping[str, Any],
    arc: list[Mapping[str, Any]],
    organizations: Mapping[str, Organization],
    topics: Mapping[str, Topic],
) -> MicroCredential:
    values = {name: spec[name] for name in CATALOG_CREDENTIAL_FIELDS}
    values["organization"] = organizations[spec["organization"]]
    values["currency"] = spec.get("currency", "usd")
    # The catalog describes a credential's first version; later ones are the designers'.
    credential, created = _upsert(
        tally, MicroCredential, {"slug": spec["slug"], "version": 1}, values
    )

    wanted_topics = {topics[slug].pk for slug in spec["topics"]}
    if set(credential.topics.values_list("pk", flat=True)) != wanted_topics:
        credential.topics.set(wanted_topics)
        tally.count(False, not created)
    # Every credential's prompts follow the catalog's arc; the credential gives the words.
    for step in arc:
        _upsert(
            tally,
            Prompt,
            {
                "credential": credential,
                "part": Part[step["part"].upper()],
                "position": step["position"],
            },
            {
                "text": spec["prompts"][step["key"]],
                "word_limit": step["word_limit"],
                "required": step["required"],
            },
        )
    for position, evidence in enumerate(spec["evidence"], start=1):
        _upsert(
            tally,
            EvidenceRequirement,
            {"credential": credential, "position": position},
            {
                "title": evidence["title"],
                "description": evidence["description"],
                "kind": EvidenceKind(evidence["kind"]),
                "required": evidence["required"],
            },
        )
    for position, criterion in enumerate(spec["rubric"], start=1):
        _upsert(
            tally,
            RubricCriterion,
            {"credential": credential, "position": position},
            {"title": criterion["title"], "description": criterion["description"]},
        )
    if created and spec["published"]:
        credential_publish(credential=credential)
    return credential


def _without(spec: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {name: value for name, value in spec.items() if name != key}


def _upsert(
    tally: CatalogTally, model: type[M], lookup: dict[str, Any], values: dict[str, Any]
) -> tuple[M, bool]:
    """Find a row by ``lookup`` and write only the ``values`` that differ; (row, created).

    A row that already matches is not saved at all, so its ``updated_at``
    stays put.
    """
    manager = model._default_manager
    obj = manager.filter(**lookup).first()
    if obj is None:
        tally.count(True, True)
        return manager.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        auto_now = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
        obj.save(update_fields=changed + auto_now)
    tally.count(False, bool(changed))
    return obj, False


def member_add(
    *,
    organization: Organization,
    user: User,
    role: MemberRole | str,
    actor: User | None,
    team: str = "",
) -> OrganizationMember:
    """Give ``user`` a role in ``organization`` (admin, designer, reviewer).

    Safe to repeat: a role the user already holds is returned unchanged (its
    team updated if another is given). Audited with the actor, because roles
    decide who may author, review and publish the organization's credentials.
    """
    with transaction.atomic():
        member, created = OrganizationMember.objects.get_or_create(
            organization=organization, user=user, role=role, defaults={"team": team}
        )
        if not created and team and member.team != team:
            member.team = team
            member.save(update_fields=["team"])
        if created:
            record(
                actor=actor,
                verb="organization.member_added",
                target=organization,
                data={"user": user.pk, "role": str(role), "team": team},
            )
    return member


def member_remove(
    *, organization: Organization, user: User, role: MemberRole | str, actor: User | None
) -> bool:
    """Take a role away; True if it was held. Safe to repeat (a second call removes nothing)."""
    with transaction.atomic():
        deleted, _ = OrganizationMember.objects.filter(
            organization=organization, user=user, role=role
        ).delete()
        if deleted:
            record(
                actor=actor,
                verb="organization.member_removed",
                target=organization,
                data={"user": user.pk, "role": str(role)},
            )
    return bool(deleted)


# --- the designers' studio: creating and editing a version ---------------------------------


def credential_create(
    *, organization: Organization, actor: User, title: str, summary: str = ""
) -> MicroCredential:
    """Start a new credential (version 1, unpublished) for ``organization``.

    The slug comes from the title and is made unique among credentials (all
    versions of one credential share it). The caller checks that ``actor``
    may design for the organization. Audited.
    """
    base = slugify(title)[:100] or "credential"
    with transaction.atomic():
        slug, number = base, 1
        while MicroCredential.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        credential = MicroCredential.objects.create(
            organization=organization, title=title, slug=slug, summary=summary
        )
        record(
            actor=actor,
            verb="credential.created",
            target=credential,
            after={"title": title, "slug": slug, "version": credential.version},
        )
    return credential


# The credential's own fields a studio save may write.
EDITABLE_FIELDS = (
    "title",
    "summary",
    "overview",
    "competency",
    "key_method",
    "method_components",
    "research",
    "evidence_instructions",
    "estimated_hours",
    "fee_cents",
    "resubmission_fee_cents",
    "validity_months",
)
PROMPT_FIELDS = ("part", "position", "text", "help_text", "word_limit", "required")
REQUIREMENT_FIELDS = ("position", "title", "description", "kind", "required")
CRITERION_FIELDS = ("position", "title", "description")

ItemKind = Literal["prompt", "requirement", "criterion"]


@dataclass
class StudioAction:
    """One change to the shape of a version's lists, done after the save's edits:
    add an item (a prompt to ``part``), remove one, or move one up or down."""

    verb: Literal["add", "remove", "move"]
    kind: ItemKind
    item_id: int | None = None
    part: int | None = None
    direction: Literal["up", "down"] | None = None


@dataclass
class CredentialChanges:
    """What one studio save carries: only the values that arrived and passed
    validation; anything missing keeps its stored value."""

    fields: dict[str, Any] = field(default_factory=dict)
    topics: list[int] | None = None
    prompts: dict[int, dict[str, Any]] = field(default_factory=dict)
    requirements: dict[int, dict[str, Any]] = field(default_factory=dict)
    criteria: dict[int, dict[str, Any]] = field(default_factory=dict)
    action: StudioAction | None = None


@dataclass
class CredentialSaveResult:
    revision: int
    saved_at: datetime.datetime
    changed: list[str]
    added: models.Model | None = None


def _claim_revision(credential: MicroCredential, revision: int) -> int:
    """Take the next revision of an editable version, or say why not."""
    now = timezone.now()
    updated = MicroCredential.objects.filter(
        pk=credential.pk, revision=revision, is_published=False, retired_at__isnull=True
    ).update(revision=models.F("revision") + 1, updated_at=now)
    current = MicroCredential.objects.only("revision", "is_published", "retired_at").get(
        pk=credential.pk
    )
    if not updated:
        if not current.is_editable:
            raise CredentialNotEditable()
        raise CredentialConflict(current.revision)
    credential.revision, credential.updated_at = current.revision, now
    return current.revision


def credential_draft_save(
    *, credential: MicroCredential, actor: User, revision: int, changes: CredentialChanges
) -> CredentialSaveResult:
    """Save a studio page: the credential's fields, topics, prompts, evidence
    requirements and rubric criteria, then the page's action (add, remove, move).

    Requires an unpublished, never retired version (CredentialNotEditable) whose
    revision still equals ``revision``, the number the page was loaded with
    (CredentialConflict otherwise, and nothing changes), so a second tab never
    silently overwrites the first. Only values in ``changes`` are written; rows
    whose values did not change are not saved. Positions are renumbered 1..n
    (per part for prompts). One transaction and one audit event naming what
    changed. The caller checks that ``actor`` may design the credential.
    """
    with transaction.atomic():
        new_revision = _claim_revision(credential, revision)
        changed: list[str] = []
        own = {
            name: value
            for name, value in changes.fields.items()
            if name in EDITABLE_FIELDS and getattr(credential, name) != value
        }
        if own:
            for name, value in own.items():
                setattr(credential, name, value)
            credential.save(update_fields=[*own, "updated_at"])
            changed += list(own)
        if changes.topics is not None:
            wanted = set(changes.topics)
            if set(credential.topics.values_list("pk", flat=True)) != wanted:
                credential.topics.set(wanted)
                changed.append("topics")
        prompts = list(credential.prompts.all())
        requirements = list(credential.evidence_requirements.all())
        criteria = list(credential.rubric_criteria.all())
        dirty: dict[type[models.Model], set[models.Model]] = {
            Prompt: _apply(prompts, changes.prompts, PROMPT_FIELDS),
            EvidenceRequirement: _apply(requirements, changes.requirements, REQUIREMENT_FIELDS),
            RubricCriterion: _apply(criteria, changes.criteria, CRITERION_FIELDS),
        }
        lists: dict[str, list[Any]] = {
            "prompt": prompts,
            "requirement": requirements,
            "criterion": criteria,
        }
        added = None
        if changes.action is not None:
            added = _act(credential, changes.action, lists, dirty)
            changed.append(f"{changes.action.verb}:{changes.action.kind}")
        for group in _position_groups(lists):
            for position, item in enumerate(sorted(group, key=_by_position), start=1):
                if item.position != position:
                    item.position = position
                    dirty[type(item)].add(item)
        for model, rows in dirty.items():
            if rows:
                names = {
                    Prompt: PROMPT_FIELDS,
                    EvidenceRequirement: REQUIREMENT_FIELDS,
                    RubricCriterion: CRITERION_FIELDS,
                }[model]
                model._default_manager.bulk_update(list(rows), list(names))
                changed.append(model._meta.model_name or "")
        if changed:
            record(
                actor=actor,
                verb="credential.edited",
                target=credential,
                data={"revision": new_revision, "changed": sorted(set(changed))},
            )
    return CredentialSaveResult(
        revision=new_revision, saved_at=credential.updated_at, changed=changed, added=added
    )


def _by_position(item: Any) -> tuple[int, int]:
    return (item.position, item.pk)


def _position_groups(lists: Mapping[str, list[Any]]) -> list[list[Any]]:
    """The lists whose positions count from 1: prompts per part, the others whole."""
    parts: dict[int, list[Any]] = {}
    for prompt in lists["prompt"]:
        parts.setdefault(prompt.part, []).append(prompt)
    return [*parts.values(), lists["requirement"], lists["criterion"]]


def _apply(
    rows: list[Any], values: Mapping[int, Mapping[str, Any]], names: tuple[str, ...]
) -> set[models.Model]:
    """Set posted values on loaded rows; the rows that changed."""
    dirty: set[models.Model] = set()
    for row in rows:
        for name, value in values.get(row.pk, {}).items():
            if name in names and getattr(row, name) != value:
                setattr(row, name, value)
                dirty.add(row)
    return dirty


def _act(
    credential: MicroCredential,
    action: StudioAction,
    lists: dict[str, list[Any]],
    dirty: dict[type[models.Model], set[models.Model]],
) -> models.Model | None:
    """Add, remove or move one item of a list (in memory for moves; saved by the caller)."""
    rows = lists[action.kind]
    if action.verb == "add":
        end = max((r.position for r in rows), default=0) + 1
        new: models.Model
        if action.kind == "prompt":
            part = action.part if action.part in Part.values else Part.OVERVIEW
            end = max((r.position for r in rows if r.part == part), default=0) + 1
            new = Prompt.objects.create(credential=credential, part=part, position=end, text="")
        elif action.kind == "requirement":
            new = EvidenceRequirement.objects.create(credential=credential, position=end, title="")
        else:
            new = RubricCriterion.objects.create(
                credential=credential, position=end, title="", description=""
            )
        rows.append(new)
        return new
    item = next((r for r in rows if r.pk == action.item_id), None)
    if item is None:
        return None
    if action.verb == "remove":
        rows.remove(item)
        for group in dirty.values():
            group.discard(item)
        item.delete()
        return None
    siblings = sorted(
        (r for r in rows if action.kind != "prompt" or r.part == item.part), key=_by_position
    )
    index = siblings.index(item)
    other = index - 1 if action.direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, row in enumerate(siblings, start=1):
            if row.position != position:
                row.position = position
                dirty[type(row)].add(row)
    return None
