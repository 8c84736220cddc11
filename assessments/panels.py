"""The review page's panels, kept rendered under versioned keys (``core.fragment_cache``).

The submission's content, the pre-check results, the duplicate-evidence flags
and the related submissions are the same on every visit until what they show
changes, so each is kept as HTML, beside the versions it was rendered under,
and all four are read with those versions in one cache round trip. A panel
is kept under what it shows and how this reader may see it, and read back
only while each version it depends on is still the current one:

- content and pre-check: the submission's content as it stands
  (``selectors.content_key``: never kept while the learner can still edit),
  whether the reader sees the learner's file names (``shows_file_names``,
  asked on every request), language and time zone; the pre-check also the
  version of the submission's pre-checks, bumped by every save and delete of
  one (a request, a finished run);
- duplicate flags: the version of the flags naming the submission (bumped by
  each save and delete of a flag, for both of its applications) and whether
  the review is blind. A panel that names another learner (not blind, a flag
  shown) is never kept: her name is read afresh;
- related submissions: the version of the learner's attempts, bumped when one
  of her submissions is saved or deleted (a status move, a new attempt in the
  chain) and when a review of hers is decided (or a decided one saved or
  deleted, or one of its criterion scores); an open review's saved progress,
  which the panel never shows, bumps nothing. The panel names no learner.

Versions are bumped at once and again when the transaction commits, so a
panel rendered from rows about to change is never read again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from checks.selectors.duplicates import flags_for_submission
from checks.selectors.precheck import precheck_view
from core import fragment_cache
from credentials.models import Part
from submissions.downloads import neutral_name, shows_file_names
from submissions.kept import learner_attempts
from submissions.models import Submission

from . import selectors
from .models import CriterionScore, Review, ReviewState

PRECHECKS = "assessments-prechecks:{}"  # a submission's pre-checks
FLAGS = "assessments-flags:{}"  # the duplicate flags naming a submission

# Images the download view serves inline (?inline=1), previewed on the review page.
INLINE_IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}


@dataclass
class ReviewPanels:
    content: SafeString
    precheck: SafeString
    duplicates: SafeString
    related: SafeString


def _parts(content: selectors.SubmissionContent) -> list[dict]:
    """Responses grouped by part, with Part 2 carrying the files and links."""
    return [
        {
            "number": value,
            "label": label,
            "responses": [r for r in content.responses if r.part == value],
            "is_evidence": value == Part.EVIDENCE,
        }
        for value, label in Part.choices
    ]


def _named_files(attachments: list, own_names: bool) -> list[tuple]:
    """Each file with the name this reader sees: neutral under blind review,
    numbered in the order listed, like its download name."""
    return [
        (attachment, attachment.original_name if own_names else neutral_name(attachment, n))
        for n, attachment in enumerate(attachments, start=1)
    ]


def _content_html(content: selectors.SubmissionContent, own_names: bool) -> SafeString:
    return render_to_string(
        "assessments/_submission_content.html",
        {
            "parts": _parts(content),
            "attachments": _named_files(content.attachments, own_names),
            "inline_image_types": INLINE_IMAGE_TYPES,
            "links": content.links,
            "attestations": content.attestations,
        },
    )


def _content_key(submission: Submission, own_names: bool) -> str | None:
    key = selectors.content_key(submission)
    if key is None:
        return None
    return ":".join(
        [
            key,
            "names" if own_names else "blind",
            get_language() or "",
            timezone.get_current_timezone_name(),
        ]
    )


def content_html(*, submission: Submission, reader: Any) -> SafeString:
    """The answers, files, links and attestations alone (the scoring page)."""
    own_names = shows_file_names(submission, reader)
    key = _content_key(submission, own_names)
    if key:
        html = cache.get(key)
        if isinstance(html, str):
            return SafeString(html)
    html = _content_html(selectors.submission_content(submission), own_names)
    if key:
        cache.set(key, str(html), selectors.CONTENT_TIMEOUT)
    return html


def review_panels(*, submission: Submission, reader: Any, blind: bool) -> ReviewPanels:
    """The four panels of the review page for ``reader``: kept ones read back,
    the others rendered (and kept where the rules above allow).

    The versions and the panels are read in one cache round trip: a panel is
    kept beside the version it was rendered under (the content under its own
    stamp) and read back only while that version is still the current one."""
    own_names = shows_file_names(submission, reader)
    names = "names" if own_names else "blind"
    language, zone = get_language() or "", timezone.get_current_timezone_name()
    depends = {
        "related": learner_attempts(submission.learner_id),
        "precheck": PRECHECKS.format(submission.pk),
        "duplicates": FLAGS.format(submission.pk),
    }
    content_key = selectors.content_key(submission)
    keys: dict[str, str] = {
        # The reader is never the learner here (the page is 404 for her), so
        # the attempts are never links.
        "related": _key("review-related", language, zone, submission.pk),
        "duplicates": _key("review-flags", language, submission.pk, "blind" if blind else "names"),
    }
    if content_key:
        keys["content"] = _content_key(submission, own_names) or ""
        keys["precheck"] = _key("review-precheck", language, zone, content_key, names)
    version_keys = [fragment_cache.PREFIX + name for name in depends.values()]
    found = cache.get_many([*version_keys, *keys.values()])
    if any(found.get(key) is None for key in version_keys):
        # An emptied cache: the versions start afresh (and no panel kept matches them).
        current = dict(zip(depends, fragment_cache.versions(*depends.values()), strict=True))
    else:
        current = {name: int(found[key]) for name, key in zip(depends, version_keys, strict=True)}
    html: dict[str, SafeString] = {}
    for name, key in keys.items():
        value = found.get(key)
        if name == "content":
            if isinstance(value, str):
                html[name] = SafeString(value)
        elif (
            isinstance(value, tuple)
            and len(value) == 2
            and value[0] == current[name]
            and isinstance(value[1], str)
        ):
            html[name] = SafeString(value[1])
    kept: dict[str, str] = {}
    if "content" not in html or "precheck" not in html:
        # Also leaves the files and links prefetched on the submission for the pre-check.
        content = selectors.submission_content(submission)
        if "content" not in html:
            html["content"] = _content_html(content, own_names)
            kept["content"] = html["content"]
        if "precheck" not in html:
            html["precheck"] = render_to_string(
                "checks/_precheck_review.html",
                {"view": precheck_view(submission=submission, file_names=own_names)},
            )
            kept["precheck"] = html["precheck"]
    if "duplicates" not in html:
        shown = flags_for_submission(submission)
        html["duplicates"] = render_to_string(
            "checks/_duplicate_flags.html", {"flags": shown, "blind": blind}
        )
        if blind or not shown:
            kept["duplicates"] = html["duplicates"]
    if "related" not in html:
        html["related"] = render_to_string(
            "assessments/_related_submissions.html",
            {
                "submission": submission,
                "related": selectors.related_submissions(submission=submission),
                "link_attempts": False,
            },
        )
        kept["related"] = html["related"]
    stored: dict[str, Any] = {
        keys[name]: str(value) if name == "content" else (current[name], str(value))
        for name, value in kept.items()
        if name in keys
    }
    if stored:
        cache.set_many(stored, fragment_cache.FRAGMENT_SECONDS)
    return ReviewPanels(
        content=SafeString(html["content"]),
        precheck=SafeString(html["precheck"]),
        duplicates=SafeString(html["duplicates"]),
        related=SafeString(html["related"]),
    )


def _key(kind: str, *parts: Any) -> str:
    return ":".join(["assessments", kind, *(str(part) for part in parts)])


# --- what bumps the versions ----------------------------------------------------------


def _learner_of_review(review: Review) -> int | None:
    if Review.submission.is_cached(review):
        return review.submission.learner_id
    return (
        Submission.objects.filter(pk=review.submission_id)
        .values_list("learner_id", flat=True)
        .first()
    )


def _submission_changed(instance: Submission, *, update_fields: Any) -> Iterable[str]:
    return (learner_attempts(instance.learner_id),)


_DECISION_FIELDS = {"state", "outcome", "comment"}


def _review_changed(instance: Review, *, update_fields: Any) -> Iterable[str]:
    """A review shows in the panel once decided: its decision (or a later save
    of a decided review's outcome or comment) and its deletion bump; progress
    saved on an open review does not."""
    if instance.state != ReviewState.DECIDED:
        return ()
    if update_fields is not None and not _DECISION_FIELDS & set(update_fields):
        return ()
    learner = _learner_of_review(instance)
    return () if learner is None else (learner_attempts(learner),)


def _score_changed(instance: CriterionScore, *, update_fields: Any) -> Iterable[str]:
    # Scores are written in bulk while a review is open (no signal); one saved
    # on its own (a fix in a shell, a test) may be a decided review's.
    learner = (
        Review.objects.filter(pk=instance.review_id)
        .values_list("submission__learner_id", flat=True)
        .first()
    )
    return () if learner is None else (learner_attempts(learner),)


def _precheck_changed(instance: Model, *, update_fields: Any) -> Iterable[str]:
    return (PRECHECKS.format(instance.submission_id),)  # type: ignore[attr-defined]


def _flag_changed(instance: Model, *, update_fields: Any) -> Iterable[str]:
    return (
        FLAGS.format(instance.submission_id),  # type: ignore[attr-defined]
        FLAGS.format(instance.other_id),  # type: ignore[attr-defined]
    )


def connect() -> None:
    """Listen for changes to what the kept panels show (called once at start-up)."""
    from django.db.models.signals import post_delete, post_save

    from checks.models import DuplicateFlag, Precheck

    def listen(model: type[Model], names: Any) -> None:
        def saved(sender: Any, *, instance: Model, raw: bool = False, **kwargs: Any) -> None:
            if raw:  # fixture loading: nothing is kept then
                return
            for name in names(instance, update_fields=kwargs.get("update_fields")):
                fragment_cache.changed(name)

        def deleted(sender: Any, *, instance: Model, **kwargs: Any) -> None:
            for name in names(instance, update_fields=None):
                fragment_cache.changed(name)

        label = model._meta.label_lower
        uid = f"assessments.panels:{label}"
        post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{uid}:save")
        post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"{uid}:delete")

    listen(Submission, _submission_changed)
    listen(Review, _review_changed)
    listen(CriterionScore, _score_changed)
    listen(Precheck, _precheck_changed)
    listen(DuplicateFlag, _flag_changed)
