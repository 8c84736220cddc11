"""The completeness pre-check: does every file open and every link open for anyone?

``gather_findings(submission)`` reads each attachment from storage and runs
``checks.files.check_file`` on it, and fetches each link with
``checks.links.check_link``; it returns the findings as stored on a
``Precheck`` (plain data, codes rather than sentences). It writes nothing
and may take seconds (one fetch per link), so it runs outside any
transaction, in the background task (``checks.tasks.run_precheck``).

Written answers (required prompts answered, within their word limits) are
checked where they always were, ``submissions.services.submission_problems``;
the pages show those beside these.
"""

from __future__ import annotations

import logging
from typing import Any

from submissions.models import Submission

from .files import check_file
from .links import check_link

logger = logging.getLogger(__name__)


def _read(attachment: Any) -> bytes | None:
    try:
        with attachment.file.open("rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        logger.warning("Evidence file %s could not be read", attachment.uuid)
        return None


def gather_findings(submission: Submission) -> list[dict[str, Any]]:
    """One finding per file and per link of ``submission``, in page order."""
    findings: list[dict[str, Any]] = []
    for attachment in submission.attachments.order_by("uploaded_at", "id"):
        data = _read(attachment)
        if data is None:
            code, detail = "missing", ""
        else:
            result = check_file(data, attachment.content_type)
            code, detail = result.code, result.detail
        findings.append({"kind": "file", "ref": str(attachment.uuid), "code": code})
        if detail:
            logger.info("File %s: %s (%s)", attachment.uuid, code, detail)
    for link in submission.links.order_by("added_at", "id"):
        checked = check_link(link.url)
        findings.append(
            {
                "kind": "link",
                "ref": str(link.pk),
                "url": link.url,
                "code": checked.code,
                "provider": checked.provider,
                "status": checked.status,
                "detail": checked.detail,
            }
        )
    return findings


def is_problem(finding: dict[str, Any]) -> bool:
    return finding.get("code") not in ("ok", "not_checked")
