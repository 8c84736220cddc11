"""Which saves retire the quality pages' kept fragments (``core.fragment_cache``).

``FRAMEWORKS``: the wording of frameworks, standards and components, which a
closed round's findings table shows; an admin edit of a component's title
renders every table that names it afresh.
"""

from __future__ import annotations

from core import fragment_cache

FRAMEWORKS = "quality-frameworks"


def connect() -> None:
    """Listen for changes to what the kept fragments show (called once at start-up)."""
    from .models import Component, Framework, Standard

    fragment_cache.listen(
        (Framework, Standard, Component), lambda instance: (FRAMEWORKS,), uid="quality-fragments"
    )
