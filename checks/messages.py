"""What each check result says to people: the problem and exactly what to change.

Results are stored as codes (``checks.models.Precheck.findings``) and turned
into sentences here when a page is drawn, so each reader gets them in their
own language.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .links import BOX, DROPBOX, GOOGLE_DOCS, GOOGLE_DRIVE, MICROSOFT, OTHER, VIMEO, YOUTUBE

PROVIDER_NAMES: dict[str, Promise] = {
    GOOGLE_DRIVE: _("Google Drive"),
    GOOGLE_DOCS: _("Google Docs"),
    MICROSOFT: _("OneDrive or SharePoint"),
    DROPBOX: _("Dropbox"),
    BOX: _("Box"),
    YOUTUBE: _("YouTube"),
    VIMEO: _("Vimeo"),
    OTHER: _("the site"),
}

# How to let anyone with the link view it, per service.
SHARING_FIXES: dict[str, Promise] = {
    GOOGLE_DRIVE: _(
        "In Google Drive, open Share, and under General access choose “Anyone with the link” "
        "with the role Viewer. Then copy the link again."
    ),
    GOOGLE_DOCS: _(
        "In Google Docs, click Share, and under General access choose “Anyone with the link” "
        "with the role Viewer (or Commenter). Then copy the link again."
    ),
    MICROSOFT: _(
        "In OneDrive or SharePoint, choose Share, then the link settings, and pick “Anyone with "
        "the link can view” (if your school does not allow it, upload the file here instead)."
    ),
    DROPBOX: _(
        "In Dropbox, choose Share, then “Copy link” with “Anyone with this link can view”, and "
        "paste that link here."
    ),
    BOX: _(
        "In Box, choose Share, turn on the shared link, and set it to “People with the link” "
        "can view."
    ),
    YOUTUBE: _(
        "In YouTube Studio, open the video's Details and set Visibility to Unlisted (or "
        "Public). Private videos cannot be watched by the assessor."
    ),
    VIMEO: _(
        "In Vimeo, open the video's settings and set Privacy to “Anyone” or “Unlisted” (anyone "
        "with the link). “Only me” and password-protected videos cannot be watched."
    ),
    OTHER: _(
        "Change the sharing setting so that anyone with the link can view it without signing "
        "in, or upload the file here instead."
    ),
}

LINK_PROBLEMS: dict[str, Promise] = {
    "needs_permission": _(
        "The assessor cannot open this link: %(provider)s asks for permission or a sign-in."
    ),
    "sign_in": _("The assessor cannot open this link: the page asks visitors to sign in."),
    "not_found": _("This link leads to a page that does not exist (error %(status)s)."),
    "server_error": _("The site did not answer properly (error %(status)s) when we checked."),
    "unreachable": _("This link could not be opened: %(detail)s"),
    "refused": _("This link cannot be checked: %(detail)s"),
}
LINK_FIXES: dict[str, Promise] = {
    "not_found": _("Open the link yourself in a private browser window and paste the right one."),
    "server_error": _("Try again later; if it keeps failing, use another link or upload the file."),
    "unreachable": _("Check the address for typing mistakes, or upload the file instead."),
    "refused": _("Use a public web address (https://...), or upload the file instead."),
}

FILE_PROBLEMS: dict[str, Promise] = {
    "empty": _("This file is empty."),
    "pdf_broken": _("This PDF cannot be opened: it looks damaged."),
    "pdf_encrypted": _("This PDF is protected by a password, so the assessor cannot open it."),
    "pdf_no_pages": _("This PDF has no pages."),
    "image_broken": _("This image cannot be opened: it looks damaged or cut short."),
    "media_broken": _("This recording cannot be played: its format could not be read."),
    "media_no_duration": _("This recording has no length: it is empty or was cut off."),
    "office_broken": _("This document cannot be opened: it looks damaged."),
    "office_encrypted": _(
        "This document is protected by a password, so the assessor cannot open it."
    ),
    "missing": _("This file could not be read from storage."),
}
FILE_FIXES: dict[str, Promise] = {
    "empty": _("Remove it and upload the file again."),
    "pdf_encrypted": _(
        "Save a copy without a password (File › Properties › Security) and upload that."
    ),
    "office_encrypted": _(
        "Remove the password (File › Info › Protect Document) and upload the file again."
    ),
    "media_no_duration": _("Export the recording again, check that it plays, and upload it."),
    "missing": _("Remove it and upload the file again."),
}
FILE_FIX_DEFAULT = _("Open the file on your computer to check it, then upload it again.")
OK_LINK = _("Opens without signing in.")
OK_FILE = _("Opens.")
NOT_CHECKED = _("This type of file is not checked automatically.")


def describe(finding: dict) -> tuple[str, str]:
    """The (problem, fix) sentences for one stored finding; ("", "") when it passed."""
    code = finding.get("code", "ok")
    if finding.get("kind") == "link":
        if code == "ok":
            return "", ""
        provider = finding.get("provider") or OTHER
        params = {
            "provider": PROVIDER_NAMES.get(provider, PROVIDER_NAMES[OTHER]),
            "status": finding.get("status") or "",
            "detail": finding.get("detail") or "",
        }
        problem = str(LINK_PROBLEMS.get(code, LINK_PROBLEMS["sign_in"])) % params
        if code in ("needs_permission", "sign_in"):
            fix: Promise = SHARING_FIXES.get(provider, SHARING_FIXES[OTHER])
        else:
            fix = LINK_FIXES.get(code, SHARING_FIXES[OTHER])
        return problem, str(fix)
    if code in ("ok", "not_checked"):
        return "", ""
    file_problem = FILE_PROBLEMS.get(code, FILE_PROBLEMS["office_broken"])
    return str(file_problem), str(FILE_FIXES.get(code, FILE_FIX_DEFAULT))
