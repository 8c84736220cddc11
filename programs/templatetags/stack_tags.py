"""Stack progress for pages of lower apps (catalog cards, credential details,
the dashboard), loaded by their templates: ``{% load stack_tags %}``.

The learner's progress in every published stack is read once per request
and kept on the request, so a page of twenty cards costs the same as one:
one query for the stacks and their members, and what they ask of the
learner (her earned credentials, external achievements, stack awards) from
the cache while it is unchanged (``programs.stack_versions``), so a long
history is not read again on every page."""

from __future__ import annotations

from django import template
from django.core.cache import cache

from badges import kept
from programs import stack_versions, stacks
from programs.models import StackAward

register = template.Library()

_CACHE = "_stack_progress"


class _KeptReads(stacks.LearnerReads):
    """A learner's earned lineages, external achievements and stack awards from
    the cache, read again when they changed (``badges.kept`` and
    ``programs.stack_versions``). Only what a stack asks for is read: with no
    published stack, nothing."""

    def __init__(self, user) -> None:
        super().__init__(user)
        awards, own = kept.versions(
            kept.learner_awards(user.pk), stack_versions.learner_stacks(user.pk)
        )
        self.prefix = f"kept:stack-reads:{user.pk}:{awards}.{own}"

    def _kept(self, name: str, compute):
        key = f"{self.prefix}:{name}"
        found = cache.get(key)
        if found is None:
            found = compute()
            cache.set(key, found, kept.KEPT_SECONDS)
        return found

    def lineages(self):
        return self._kept("lineages", super().lineages)

    def externals(self):
        return self._kept("externals", super().externals)

    def awards(self, stack_ids):
        every = self._kept(
            "awards",
            lambda: {a.stack_id: a for a in StackAward.objects.filter(learner=self.user)},
        )
        return {pk: award for pk, award in every.items() if pk in stack_ids}


def _all_progress(context) -> list[stacks.Progress]:
    """Every published stack's progress for the signed-in learner, once per
    request; nothing (and no query) for a visitor."""
    request = getattr(context, "request", None) or context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(request, _CACHE, None) if request is not None else None
    if cached is None:
        cached = stacks.all_progress(user, reads=_KeptReads(user))
        if request is not None:
            setattr(request, _CACHE, cached)
    return cached


@register.inclusion_tag("programs/_stack_progress.html", takes_context=True)
def stack_progress(context, credential=None, compact=False):
    """The stacks counting ``credential`` (every stack the learner has
    started when None) with "2 of 3 earned; next: ..." for each."""
    progress = _all_progress(context)
    if credential is not None:
        lineage = credential.lineage
        shown = [p for p in progress if any(m.lineage == lineage for m in p.earned + p.missing)]
    else:
        shown = [p for p in progress if p.earned]
    return {"progress": shown, "compact": compact}
