"""Evidence upload checks: type by content, size, and a safe file name.

The browser's content type and the file's extension are both chosen by the
uploader, so neither is trusted: the first bytes decide. Plain text and CSV,
which have no signature, are accepted only if they decode as UTF-8 and carry
no NUL bytes.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings

from .exceptions import InvalidUpload

# MIME types sniffed from content that are welcome as evidence.
ALLOWED_MIME = {
    "application/pdf": "PDF",
    "image/jpeg": "image",
    "image/png": "image",
    "image/gif": "image",
    "image/webp": "image",
    "image/heic": "image",
    "audio/mpeg": "audio",
    "audio/x-wav": "audio",
    "audio/x-m4a": "audio",
    "audio/ogg": "audio",
    "video/mp4": "video",
    "video/quicktime": "video",
    "video/webm": "video",
    "video/x-m4v": "video",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "document",
    "application/vnd.oasis.opendocument.text": "document",
    "application/vnd.oasis.opendocument.presentation": "document",
    "application/vnd.oasis.opendocument.spreadsheet": "document",
    "application/msword": "document",
    "application/rtf": "document",
}
TEXT_EXTENSIONS = {".txt", ".csv", ".md"}
ACCEPT_ATTRIBUTE = (
    ".pdf,.doc,.docx,.odt,.rtf,.ppt,.pptx,.odp,.xlsx,.ods,.txt,.csv,.md,image/*,audio/*,video/*"
)
HEAD_BYTES = 8192


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str


def safe_filename(name: str) -> str:
    """Keep a readable, portable base name: no paths, no control or shell characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9._ -]+", "_", base).strip(" ._")
    base = re.sub(r"\s+", "_", base)
    if not base:
        base = "evidence"
    stem, dot, ext = base.rpartition(".")
    if dot and len(ext) <= 8:
        return f"{stem[:100]}.{ext.lower()}"
    return base[:100]


def _sniff(head: bytes, name: str) -> str | None:
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime if kind.mime in ALLOWED_MIME else None
    if PurePath(name).suffix.lower() in TEXT_EXTENSIONS and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character may be cut at the end of the sample.
            if exc.start < len(head) - 4:
                return None
        return "text/plain"
    return None


def check_upload(upload, *, existing_total: int = 0) -> CheckedUpload:
    """Validate one uploaded file; raise InvalidUpload with a message for the learner."""
    name = safe_filename(upload.name or "")
    size = upload.size or 0
    if size == 0:
        raise InvalidUpload(f"“{name}” is empty.")
    max_file = settings.EVIDENCE_MAX_FILE_BYTES
    if size > max_file:
        raise InvalidUpload(
            f"“{name}” is {size / 1048576:.1f} MB; each file may be at most "
            f"{max_file / 1048576:.0f} MB. Share larger videos as a link instead."
        )
    max_total = settings.EVIDENCE_MAX_TOTAL_BYTES
    if existing_total + size > max_total:
        raise InvalidUpload(
            f"“{name}” would bring your evidence to more than {max_total / 1048576:.0f} MB "
            "in total. Remove a file or share large media as a link."
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    mime = _sniff(head, name)
    if mime is None:
        raise InvalidUpload(
            f"“{name}” is not a file type we accept (its content is not a document, PDF, "
            "image, audio or video file, whatever its name says)."
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(name=name, content_type=mime, size=size, sha256=digest.hexdigest())
