"""Can an assessor open each evidence link without signing in?

``check_link(url)`` fetches the address as an anonymous visitor through
``core.safe_fetch`` (no cookies; private addresses refused) and reads what
came back the way a person would: a "You need access" page from Google
Drive, a Microsoft sign-in, Dropbox's "You don't have access", Box's
"unavailable to you", a private YouTube or Vimeo video. It returns a
``LinkResult``: ``code`` says what is wrong (or ``"ok"``) and ``provider``
which service it is, so ``checks.messages`` can say exactly what to change
there ("In Google Drive, set General access to Anyone with the link").

The provider comes from the link's host, the host it redirected to, and the
page's own markings (its site name and title), in that order; the page's
text decides whether it asks for permission. Nothing is stored; safe to repeat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.safe_fetch import FetchError, FetchRefused, FetchResult, safe_fetch

GOOGLE_DRIVE = "google_drive"
GOOGLE_DOCS = "google_docs"
MICROSOFT = "microsoft"
DROPBOX = "dropbox"
BOX = "box"
YOUTUBE = "youtube"
VIMEO = "vimeo"
OTHER = "other"

# Host suffix -> provider (the link's own host or a host it redirected to).
HOSTS: tuple[tuple[str, str], ...] = (
    ("drive.google.com", GOOGLE_DRIVE),
    ("docs.google.com", GOOGLE_DOCS),
    ("accounts.google.com", GOOGLE_DRIVE),
    ("sharepoint.com", MICROSOFT),
    ("onedrive.live.com", MICROSOFT),
    ("1drv.ms", MICROSOFT),
    ("login.microsoftonline.com", MICROSOFT),
    ("login.live.com", MICROSOFT),
    ("dropbox.com", DROPBOX),
    ("db.tt", DROPBOX),
    ("box.com", BOX),
    ("youtube.com", YOUTUBE),
    ("youtu.be", YOUTUBE),
    ("vimeo.com", VIMEO),
)
# Page markings -> provider, for a page whose host says nothing (a custom domain).
MARKS: tuple[tuple[str, str], ...] = (
    ("google docs", GOOGLE_DOCS),
    ("google sheets", GOOGLE_DOCS),
    ("google slides", GOOGLE_DOCS),
    ("google drive", GOOGLE_DRIVE),
    ("google accounts", GOOGLE_DRIVE),
    ("onedrive", MICROSOFT),
    ("sharepoint", MICROSOFT),
    ("microsoft", MICROSOFT),
    ("dropbox", DROPBOX),
    ("youtube", YOUTUBE),
    ("vimeo", VIMEO),
    ("box |", BOX),
    ('alt="box"', BOX),
)
# Phrases of the pages that keep an anonymous visitor out, per provider.
PERMISSION_PHRASES: dict[str, tuple[str, ...]] = {
    GOOGLE_DRIVE: ("you need access", "ask for access", "request access", "sign in - google"),
    GOOGLE_DOCS: ("you need access", "ask for access", "request access", "sign in - google"),
    MICROSOFT: (
        "you need permission to access this item",
        "sign in to your account",
        "request access",
    ),
    DROPBOX: ("you don't have access", "you don\u2019t have access", "request access"),
    BOX: ("unavailable to you", "sign in to access this content", "box | login"),
    YOUTUBE: ("this video is private", "private video", "login_required"),
    VIMEO: ("this video is private", "private video", "because of its privacy settings"),
}
PASSWORD_FIELD = re.compile(r"<input[^>]+type\s*=\s*[\"']?password", re.IGNORECASE)
TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
SITE_NAME = re.compile(
    r"<meta[^>]+property\s*=\s*[\"']og:site_name[\"'][^>]*content\s*=\s*[\"']([^\"']*)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LinkResult:
    code: str  # ok, needs_permission, sign_in, not_found, server_error, unreachable, refused
    provider: str = OTHER
    status: int | None = None
    final_url: str = ""
    detail: str = ""  # the fetcher's own sentence for unreachable/refused

    @property
    def ok(self) -> bool:
        return self.code == "ok"


def provider_for_host(host: str) -> str:
    host = host.lower().rstrip(".")
    for suffix, provider in HOSTS:
        if host == suffix or host.endswith("." + suffix):
            return provider
    return OTHER


def _provider(url: str, page: FetchResult | None, text: str) -> str:
    provider = provider_for_host(urlsplit(url).hostname or "")
    if provider != OTHER:
        return provider
    if page is not None:
        for hop in (*page.redirects, page.url):
            provider = provider_for_host(urlsplit(hop).hostname or "")
            if provider != OTHER:
                return provider
    marks = " ".join(TITLE.findall(text) + SITE_NAME.findall(text)).lower()
    marks += " " + text[:4000].lower()
    for mark, provider in MARKS:
        if mark in marks:
            return provider
    return OTHER


def read_page(url: str, page: FetchResult) -> LinkResult:
    """What a fetched page means for an anonymous visitor."""
    text = page.text() if page.content_type in ("", "text/html", "application/xhtml+xml") else ""
    provider = _provider(url, page, text)
    lowered = text.lower()
    if provider != OTHER and any(p in lowered for p in PERMISSION_PHRASES[provider]):
        code = "needs_permission"
    elif page.status in (401, 403):
        code = "needs_permission"
    elif page.status >= 500:
        code = "server_error"
    elif page.status >= 400:
        code = "not_found"
    elif PASSWORD_FIELD.search(text):
        code = "sign_in"
    else:
        code = "ok"
    return LinkResult(code, provider=provider, status=page.status, final_url=page.url)


def check_link(url: str) -> LinkResult:
    """Fetch ``url`` as an anonymous visitor and say whether it opens; never raises."""
    try:
        page = safe_fetch(url)
    except FetchRefused as refused:
        return LinkResult("refused", _provider(url, None, ""), detail=str(refused))
    except FetchError as failed:
        return LinkResult("unreachable", _provider(url, None, ""), detail=str(failed))
    return read_page(url, page)
