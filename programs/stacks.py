"""Reading stacks: which members a learner has earned and what is next.

Progress for any number of stacks costs a fixed number of queries: the stacks
with their members, the learner's awarded lineages, their accepted external
achievements and their stack awards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from assessments.models import Award
from badges import kept

from . import stack_versions
from .models import ExternalAchievement, MemberKind, Stack, StackAward, StackMember, StackRule


@dataclass
class Progress:
    """How far one learner is in one stack."""

    stack: Stack
    earned: list[StackMember] = field(default_factory=list)
    missing: list[StackMember] = field(default_factory=list)
    needed: int = 0
    counted: int = 0
    award: StackAward | None = None

    @property
    def complete(self) -> bool:
        return self.counted >= self.needed

    @property
    def next_member(self) -> StackMember | None:
        """The member to earn next: a missing required one first."""
        if self.complete:
            return None
        required = [m for m in self.missing if m.required]
        candidates = required or self.missing
        return candidates[0] if candidates else None


def evaluate(stack: Stack, members: list[StackMember], earned: set[StackMember]) -> Progress:
    """Apply the stack's rule to the members a learner has earned."""
    progress = Progress(stack=stack)
    progress.earned = [m for m in members if m in earned]
    progress.missing = [m for m in members if m not in earned]
    if stack.rule == StackRule.N_OF_M:
        progress.needed = min(stack.count, len(members)) if stack.count else len(members)
        progress.counted = min(len(progress.earned), progress.needed)
    elif stack.rule == StackRule.REQUIRED_ELECTIVES:
        required = [m for m in members if m.required]
        electives = [m for m in members if not m.required]
        elective_need = min(stack.count, len(electives))
        progress.needed = len(required) + elective_need
        progress.counted = len([m for m in required if m in earned]) + min(
            len([m for m in electives if m in earned]), elective_need
        )
        # The required ones count fully only when all of them are earned.
        if any(m not in earned for m in required):
            progress.counted = min(progress.counted, progress.needed - 1)
    else:
        progress.needed = len(members)
        progress.counted = len(progress.earned)
    return progress


def published_stacks() -> QuerySet[Stack]:
    """Published stacks with their members (and each member's credential)."""
    return (
        Stack.objects.filter(is_published=True)
        .select_related("organization")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=StackMember.objects.select_related("credential"),
            )
        )
    )


def earned_lineages(user) -> set[uuid.UUID]:
    """The lineages of the credentials the learner holds (a badge not revoked)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Award.objects.filter(
            learner=user, badge__isnull=False, badge__revoked_at__isnull=True
        ).values_list("credential__lineage", flat=True)
    )


def external_ids(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        ExternalAchievement.objects.filter(learner=user).values_list("achievement_id", flat=True)
    )


class LearnerReads:
    """What progress reads of one learner, from the database each time
    (``templatetags.stack_tags`` keeps them in the cache for the pages that
    only show progress)."""

    def __init__(self, user) -> None:
        self.user = user

    def lineages(self) -> set[uuid.UUID]:
        return earned_lineages(self.user)

    def externals(self) -> set[str]:
        return external_ids(self.user)

    def awards(self, stack_ids: list[int]) -> dict[int, StackAward]:
        """The learner's awards of these stacks, by stack."""
        rows = StackAward.objects.filter(learner=self.user, stack__in=stack_ids)
        return {a.stack_id: a for a in rows}


def progress_for(
    user,
    stacks: Iterable[Stack],
    members_of: dict[int, list[StackMember]] | None = None,
    *,
    reads: LearnerReads | None = None,
) -> list[Progress]:
    """The learner's progress in each stack (stacks with members prefetched,
    or their members given in ``members_of``). Reads the learner's awards
    only when a stack counts credentials, their external achievements only
    when one counts those, and their stack awards only when one is complete."""
    stacks = list(stacks)
    reads = reads or LearnerReads(user)
    if members_of is None:
        members_of = {s.pk: list(s.members.all()) for s in stacks}
    kinds = {m.kind for members in members_of.values() for m in members}
    lineages = reads.lineages() if MemberKind.CREDENTIAL in kinds else set()
    externals = reads.externals() if MemberKind.EXTERNAL in kinds else set()
    result = []
    for stack in stacks:
        members = members_of.get(stack.pk, [])
        earned = {
            m
            for m in members
            if (m.kind == MemberKind.CREDENTIAL and m.lineage in lineages)
            or (m.kind == MemberKind.EXTERNAL and m.achievement_id in externals)
        }
        result.append(evaluate(stack, members, earned))
    complete = [p.stack.pk for p in result if p.complete]
    if complete and getattr(user, "is_authenticated", False):
        awards = reads.awards(complete)
        for progress in result:
            progress.award = awards.get(progress.stack.pk)
    return result


ALL_PROGRESS_FIELDS = (
    "stack_id",
    "kind",
    "credential_id",
    "lineage",
    "achievement_id",
    "external_name",
    "required",
    "position",
    "stack__title",
    "stack__slug",
    "stack__rule",
    "stack__count",
    "stack__is_published",
    "credential__title",
)


def published_members() -> list[StackMember]:
    """Every member of the published stacks with its stack and credential (what
    progress lines show and the rules read, no long text): one query, kept
    while no stack, member or credential changed (``stack_versions.STACKS``),
    since every signed-in page with stack progress reads them."""
    key = f"kept:stack-members:{kept.stamp(stack_versions.STACKS)}"
    found = cache.get(key)
    if found is None:
        found = list(
            StackMember.objects.filter(stack__is_published=True)
            .select_related("stack", "credential")
            .only(*ALL_PROGRESS_FIELDS)
            .order_by("stack__title", "stack_id", "position", "id")
        )
        cache.set(key, found, kept.KEPT_SECONDS)
    return found


def all_progress(user, *, reads: LearnerReads | None = None) -> list[Progress]:
    """The learner's progress in every published stack: the stacks and their
    members (``published_members``), then what ``progress_for`` reads of the
    learner."""
    stacks: dict[int, Stack] = {}
    members_of: dict[int, list[StackMember]] = {}
    for member in published_members():
        stack = stacks.setdefault(member.stack_id, member.stack)
        member.stack = stack
        members_of.setdefault(stack.pk, []).append(member)
    return progress_for(user, stacks.values(), members_of, reads=reads)


def stacks_with_lineage(lineage: uuid.UUID) -> list[Stack]:
    """Published stacks that count a credential of this lineage."""
    return list(published_stacks().filter(members__lineage=lineage).distinct())


def stack_get(*, slug: str) -> Stack:
    stack = published_stacks().filter(slug=slug).first()
    if stack is None:
        raise Http404
    return stack


def award_get_public(*, award_uuid: uuid.UUID) -> StackAward:
    award = (
        StackAward.objects.select_related("stack", "stack__organization", "learner")
        .filter(uuid=award_uuid)
        .first()
    )
    if award is None:
        raise Http404
    return award
