"""Stack progress for pages of lower apps (catalog cards, credential details,
the dashboard), loaded by their templates: ``{% load stack_tags %}``.

The learner's progress in every published stack is read once per request
(a fixed number of queries) and kept on the request, so a page of twenty
cards costs the same as one."""

from __future__ import annotations

from django import template

from programs import stacks

register = template.Library()

_CACHE = "_stack_progress"


def _all_progress(context) -> list[stacks.Progress]:
    """Every published stack's progress for the signed-in learner, once per
    request; nothing (and no query) for a visitor."""
    request = getattr(context, "request", None) or context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(request, _CACHE, None) if request is not None else None
    if cached is None:
        cached = stacks.all_progress(user)
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
