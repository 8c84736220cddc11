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
    request = context.get("request")
    cached = getattr(request, _CACHE, None) if request is not None else None
    if cached is None:
        user = context.get("user") or getattr(request, "user", None)
        cached = stacks.progress_for(user, stacks.published_stacks())
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
        shown = [p for p in progress if any(m.lineage == lineage for m in p.stack.members.all())]
    else:
        shown = [p for p in progress if p.earned]
    return {"progress": shown, "compact": compact}
