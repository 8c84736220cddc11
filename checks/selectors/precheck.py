"""Reads of pre-check results, shaped for the application and review pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from submissions.downloads import neutral_name
from submissions.models import Submission
from submissions.selectors import PRECHECK_RUNS, page_rows

from ..messages import NOT_CHECKED, OK_FILE, OK_LINK, describe
from ..models import Precheck


@dataclass(frozen=True)
class ItemResult:
    """One file or link as the page shows it."""

    kind: str  # "file" or "link"
    label: str
    url: str  # the link's address ("" for a file)
    ok: bool
    problem: str
    fix: str
    note: str = ""  # what a passing item says ("Opens.")
    anchor: str = ""


@dataclass(frozen=True)
class PrecheckView:
    """The latest finished pre-check of an application, ready for a page."""

    latest: Precheck | None
    pending: Precheck | None
    items: list[ItemResult] = field(default_factory=list)

    @property
    def problems(self) -> list[ItemResult]:
        return [item for item in self.items if not item.ok]


def precheck_latest(*, submission: Submission) -> tuple[Precheck | None, Precheck | None]:
    """(the latest finished pre-check or None, a newer one still running or None);
    one query, none for the draft page, whose own query read the runs
    (``precheck_rows``, with the draft and at the same moment)."""
    rows = getattr(submission, "precheck_rows", None)
    if rows is None:
        runs = list(
            Precheck.objects.filter(submission_id=submission.pk).order_by("-requested_at", "-id")[
                :PRECHECK_RUNS
            ]
        )
    else:
        runs = page_rows(Precheck, rows)
    finished = next((run for run in runs if run.is_finished), None)
    pending = next((run for run in runs if not run.is_finished), None)
    if (
        pending is not None
        and finished is not None
        and pending.requested_at < finished.requested_at
    ):
        pending = None
    return finished, pending


def precheck_view(*, submission: Submission, file_names: bool = True) -> PrecheckView:
    """The latest results, item by item, for the files and links the application has now.

    ``file_names`` False shows files by their neutral names (blind review). A
    file or link added since the check ran is not listed (the next check
    covers it); one removed since is left out.
    """
    latest, pending = precheck_latest(submission=submission)
    if latest is None:
        return PrecheckView(latest=None, pending=pending)
    by_ref: dict[tuple[str, str], dict[str, Any]] = {
        (f.get("kind", ""), str(f.get("ref", ""))): f for f in latest.findings
    }
    items: list[ItemResult] = []
    for n, attachment in enumerate(submission.attachments.all(), start=1):
        found = by_ref.get(("file", str(attachment.uuid)))
        if found is None:
            continue
        problem, fix = describe(found)
        name = attachment.original_name if file_names else neutral_name(attachment, n)
        note = str(NOT_CHECKED) if found.get("code") == "not_checked" else str(OK_FILE)
        items.append(ItemResult("file", name, "", not problem, problem, fix, note))
    for link in submission.links.all():
        found = by_ref.get(("link", str(link.pk)))
        if found is None or found.get("url") != link.url:
            continue
        problem, fix = describe(found)
        items.append(
            ItemResult("link", link.title, link.url, not problem, problem, fix, str(OK_LINK))
        )
    return PrecheckView(latest=latest, pending=pending, items=items)
