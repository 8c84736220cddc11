"""Evidence upload checks: type by content, size, a safe file name, and no
personal metadata.

The browser's content type and the file's extension are both chosen by the
uploader, so neither is trusted: the first bytes decide. Plain text and CSV,
which have no signature, are accepted only if they decode as UTF-8 and carry
no NUL bytes. Photos and documents are stored without their hidden details
(location, author, ...): see ``submissions.metadata``.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.utils.formats import number_format
from django.utils.translation import gettext

from . import metadata
from .exceptions import InvalidUpload

# MIME types sniffed from content that are welcome as evidence, each with the
# extension a file of that type is named by when its own name is not shown.
ALLOWED_MIME = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "audio/mpeg": ".mp3",
    "audio/x-wav": ".wav",
    "audio/x-m4a": ".m4a",
    "audio/ogg": ".ogg",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/webm": ".webm",
    "video/x-m4v": ".m4v",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.presentation": ".odp",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/msword": ".doc",
    "application/rtf": ".rtf",
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
    size: int  # of ``file``, as stored
    sha256: str
    # What to store: the upload itself, or a copy without its metadata.
    file: File
    # Said to the learner: a file was added, but metadata may remain in it.
    notices: tuple[str, ...] = field(default=())


def evidence_extension(content_type: str, name: str) -> str:
    """The extension that names a file of this (sniffed) type: its own, when
    that is one a text file may have, else the type's usual one."""
    if content_type == "text/plain":
        suffix = PurePath(name).suffix.lower()
        return suffix if suffix in TEXT_EXTENSIONS else ".txt"
    return ALLOWED_MIME.get(content_type, "")


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
        raise InvalidUpload(gettext("“%(name)s” is empty.") % {"name": name})
    max_file = settings.EVIDENCE_MAX_FILE_BYTES
    if size > max_file:
        raise InvalidUpload(
            gettext(
                "“%(name)s” is %(size)s MB; each file may be at most %(limit)s MB. "
                "Share larger videos as a link instead."
            )
            % {
                "name": name,
                "size": number_format(size / 1048576, decimal_pos=1),
                "limit": number_format(max_file / 1048576, decimal_pos=0),
            }
        )
    max_total = settings.EVIDENCE_MAX_TOTAL_BYTES
    if existing_total + size > max_total:
        raise InvalidUpload(
            gettext(
                "“%(name)s” would bring your evidence to more than %(limit)s MB in total. "
                "Remove a file or share large media as a link."
            )
            % {"name": name, "limit": number_format(max_total / 1048576, decimal_pos=0)}
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    mime = _sniff(head, name)
    if mime is None:
        raise InvalidUpload(
            gettext(
                "“%(name)s” is not a file type we accept (its content is not a document, PDF, "
                "image, audio or video file, whatever its name says)."
            )
            % {"name": name}
        )
    stored, notices = _without_metadata(upload, name, mime)
    digest = hashlib.sha256()
    stored.seek(0)
    for chunk in stored.chunks():
        digest.update(chunk)
    stored.seek(0)
    return CheckedUpload(
        name=name,
        content_type=mime,
        size=stored.size,
        sha256=digest.hexdigest(),
        file=stored,
        notices=notices,
    )


def _without_metadata(upload, name: str, mime: str) -> tuple[File, tuple[str, ...]]:
    """The file to store with its personal metadata removed, and what the
    learner must hear about metadata that could not be."""
    if mime not in metadata.CLEANERS:
        return upload, ()
    upload.seek(0)
    original = upload.read()
    try:
        cleaned = metadata.clean(original, mime)
    except metadata.UnreadableImage:
        raise InvalidUpload(
            gettext(
                "“%(name)s” could not be read as an image, so the details a photo can carry "
                "(such as where it was taken) could not be removed. Open it, save a copy "
                "and upload that."
            )
            % {"name": name}
        ) from None
    notices = tuple(
        gettext("“%(name)s” was added, but %(notice)s.") % {"name": name, "notice": notice}
        for notice in cleaned.notices
    )
    if cleaned.data == original:
        upload.seek(0)
        return upload, notices
    return ContentFile(cleaned.data, name=name), notices
