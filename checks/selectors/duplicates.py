"""Duplicate-evidence flags as the staff queue and the review page read them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import AnyUser
from submissions.models import Submission

from ..models import DuplicateFlag, FlagStatus


def can_see_flags(user: AnyUser) -> bool:
    """Staff whose groups give them the flag queue."""
    return bool(user.is_authenticated and user.has_perm("checks.view_duplicateflag"))


def flag_queue(*, status: str = FlagStatus.OPEN) -> QuerySet[DuplicateFlag]:
    """Flags with one status (all when empty), newest first, with both applications
    and their learners and credentials: a fixed number of queries per page."""
    flags = DuplicateFlag.objects.select_related(
        "submission__learner",
        "submission__credential",
        "other__learner",
        "other__credential",
        "decided_by",
    )
    if status:
        flags = flags.filter(status=status)
    return flags.order_by("-created_at", "-id")


def flag_get_for_staff(*, uuid: Any, user: AnyUser) -> DuplicateFlag:
    """One flag for staff allowed to see flags; 404 for anyone else."""
    if not can_see_flags(user):
        raise Http404("No such flag.")
    flag = flag_queue(status="").filter(uuid=uuid).first()
    if flag is None:
        raise Http404("No such flag.")
    return flag


@dataclass
class FlagView:
    """A flag as the reader of one of its two applications sees it."""

    flag: DuplicateFlag
    matches: list[dict[str, Any]]  # this application's side first ("part", "label")
    other: Submission


def flags_for_submission(submission: Submission) -> list[FlagView]:
    """Every flag naming this application, from its side (one query)."""
    flags = DuplicateFlag.objects.filter(
        Q(submission_id=submission.pk) | Q(other_id=submission.pk)
    ).select_related("submission__learner", "other__learner")
    views = []
    for flag in flags:
        if flag.submission_id == submission.pk:
            views.append(FlagView(flag=flag, matches=flag.matches, other=flag.other))
        else:
            flipped = [
                {
                    **m,
                    "part": m["other_part"],
                    "label": m["other_label"],
                    "other_part": m["part"],
                    "other_label": m["label"],
                }
                for m in flag.matches
            ]
            views.append(FlagView(flag=flag, matches=flipped, other=flag.submission))
    return views
