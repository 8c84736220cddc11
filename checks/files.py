"""Does each evidence file open? The checks an assessor would otherwise find by hand.

``check_file(data, content_type)`` looks at a file's bytes, by the type its
content was sniffed as on upload, and returns a ``FileResult``: ``code`` is
``"ok"`` or names the problem (see ``checks.messages`` for the words and the
fix shown to people). Nothing here writes; all of it is safe to repeat.

- empty files are refused, whatever their type;
- PDFs must parse (pypdf), open without a password and have at least one page;
- images must decode completely (Pillow);
- audio and video need a container mutagen reads and a duration above zero;
  WebM, which mutagen does not read, must at least carry its EBML header;
- office documents (docx, xlsx, pptx, and the OpenDocument ones) must be zip
  containers with their main part; an encrypted Office file is a compound
  file instead, which is how a password-protected one is recognised.
"""

from __future__ import annotations

import io
import logging
import warnings
import zipfile
from dataclasses import dataclass

logger = logging.getLogger(__name__)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
# The part each office format cannot be without.
OFFICE_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word/document.xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xl/workbook.xml",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "ppt/presentation.xml"
    ),
    "application/vnd.oasis.opendocument.text": "content.xml",
    "application/vnd.oasis.opendocument.presentation": "content.xml",
    "application/vnd.oasis.opendocument.spreadsheet": "content.xml",
}
# Images Pillow decodes without a plugin; HEIC needs one, so it is not judged here.
DECODABLE_IMAGES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
MAIN_PART_READ_BYTES = 256 * 1024


@dataclass(frozen=True)
class FileResult:
    code: str  # "ok", "empty", "pdf_broken", "pdf_encrypted", "pdf_no_pages", ...
    detail: str = ""  # for logs only, never shown

    @property
    def ok(self) -> bool:
        return self.code in ("ok", "not_checked")


OK = FileResult("ok")


def check_file(data: bytes, content_type: str) -> FileResult:
    """Whether a file of this sniffed type opens; never raises for a bad file."""
    if not data:
        return FileResult("empty")
    try:
        if content_type == "application/pdf":
            return _check_pdf(data)
        if content_type.startswith("image/"):
            return _check_image(data, content_type)
        if content_type.startswith(("audio/", "video/")):
            return _check_media(data, content_type)
        if content_type in OFFICE_PARTS:
            return _check_office(data, content_type)
        if content_type == "application/msword":
            return OK if data.startswith(OLE_MAGIC) else FileResult("office_broken")
    except Exception as exc:  # noqa: BLE001  (a library's error about a bad file is the answer)
        logger.info("File check failed on %s: %r", content_type, exc)
        return FileResult(_broken_code(content_type), repr(exc)[:200])
    return OK


def _broken_code(content_type: str) -> str:
    if content_type == "application/pdf":
        return "pdf_broken"
    if content_type.startswith("image/"):
        return "image_broken"
    if content_type.startswith(("audio/", "video/")):
        return "media_broken"
    return "office_broken"


def _check_pdf(data: bytes) -> FileResult:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.lstrip()[:5].startswith(b"%PDF-"):
        return FileResult("pdf_broken", "no %PDF header")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                # A PDF with only an owner password opens for anyone: that is fine.
                if not reader.decrypt(""):
                    return FileResult("pdf_encrypted")
            pages = len(reader.pages)
        except PdfReadError as exc:
            if "password" in str(exc).lower() or "decrypt" in str(exc).lower():
                return FileResult("pdf_encrypted", str(exc)[:200])
            return FileResult("pdf_broken", str(exc)[:200])
    if pages == 0:
        return FileResult("pdf_no_pages")
    return OK


def _check_image(data: bytes, content_type: str) -> FileResult:
    if content_type not in DECODABLE_IMAGES:
        return FileResult("not_checked")
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.verify()
    # verify() does not decode the pixels; a truncated file fails only on load().
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        if not image.width or not image.height:
            return FileResult("image_broken", "zero size")
    return OK


def _check_media(data: bytes, content_type: str) -> FileResult:
    if content_type == "video/webm":
        return OK if data.startswith(EBML_MAGIC) and len(data) > 64 else FileResult("media_broken")
    import mutagen

    media = mutagen.File(io.BytesIO(data))
    if media is None or media.info is None:
        return FileResult("media_broken", "container not recognised")
    length = getattr(media.info, "length", 0) or 0
    if length <= 0:
        return FileResult("media_no_duration")
    return OK


def _check_office(data: bytes, content_type: str) -> FileResult:
    if data.startswith(OLE_MAGIC):
        # Office saves a password-protected docx/xlsx/pptx as an encrypted compound file.
        return FileResult("office_encrypted")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        return FileResult("office_broken", str(exc)[:200])
    with archive:
        names = set(archive.namelist())
        part = OFFICE_PARTS[content_type]
        if part not in names:
            return FileResult("office_broken", f"missing {part}")
        if (
            content_type.startswith("application/vnd.openxml")
            and "[Content_Types].xml" not in names
        ):
            return FileResult("office_broken", "missing [Content_Types].xml")
        info = archive.getinfo(part)
        if info.flag_bits & 0x1:
            return FileResult("office_encrypted")
        with archive.open(part) as main:
            main.read(MAIN_PART_READ_BYTES)
    return OK
