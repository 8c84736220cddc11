"""What every cleaner returns or raises."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise


class UnreadableImage(Exception):
    """An image whose metadata cannot be removed because it cannot be read."""


@dataclass
class Cleaned:
    """The bytes to store, and what the learner should be told about them."""

    data: bytes
    notices: list[str | Promise] = field(default_factory=list)  # translated when shown
