"""Documents without their author, last editor, title or company.

PDF is blanked in place, byte for byte, so every offset in the file stays
valid; OOXML and OpenDocument packages are rewritten with their properties
emptied; RTF loses its information group's names. What cannot be cleaned
without a heavier toolkit is kept and reported with a notice.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .common import Cleaned

# A notice names what may remain; the caller adds the file name.
NOTICE_OLD_OFFICE = _(
    "files in this older Office format keep the author's name in their properties, and we "
    "cannot remove it. Save it as PDF or in the current format (.docx, .pptx, .xlsx) and "
    "upload that instead, or remove the name under File > Properties"
)
NOTICE_PDF = _(
    "this PDF keeps its properties (such as the author's name) in a form we cannot edit. "
    "If they name you or anyone else, remove them in your PDF program's document "
    "properties, or print it to a new PDF, and upload that instead"
)
NOTICE_OFFICE_UNREADABLE = _(
    "we could not read this document's properties (such as the author's name) to remove "
    "them. If they name you or anyone else, remove them under File > Properties and upload "
    "the file again"
)


PDF_WHITESPACE = b" \t\r\n\f\x00"


def _pdf_string_end(data: bytes, i: int) -> int:
    """The index just past the PDF string starting at ``data[i]`` ("(" or "<")."""
    if data[i : i + 1] == b"<":
        return data.index(b">", i) + 1
    depth, j = 0, i
    while True:
        byte = data[j]
        if byte == 0x5C:  # backslash escapes the next byte
            j += 2
            continue
        if byte == 0x28:
            depth += 1
        elif byte == 0x29:
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1


def _pdf_blank_string(out: bytearray, start: int, end: int) -> None:
    """Overwrite a string's contents with spaces, keeping its length."""
    if out[start : start + 1] == b"<":
        width = end - start - 2
        out[start + 1 : end - 1] = (b"20" * width)[:width]
    else:
        out[start + 1 : end - 1] = b" " * (end - start - 2)


_PDF_INFO_REF = re.compile(rb"/Info\s+(\d+)\s+(\d+)\s+R")
# Keys only the document information uses: blanked wherever they stand.
_PDF_PERSONAL_KEY = re.compile(rb"/(?:Author|Creator|Subject|Keywords)(?![A-Za-z0-9])")
# /Title also names bookmarks, so it is blanked only inside the information itself.
_PDF_INFO_KEY = re.compile(rb"/(?:Author|Creator|Title|Subject|Keywords)(?![A-Za-z0-9])")
_PDF_REFERENCE = re.compile(rb"\d+\s+\d+\s+R")


def _pdf_blank_values(data: bytes, out: bytearray, keys: re.Pattern, start: int, end: int) -> bool:
    """Blank the string values of ``keys`` between ``start`` and ``end``; False
    when a value is held by reference elsewhere (it may stay)."""
    complete = True
    for key in keys.finditer(data, start, end):
        j = key.end()
        while j < end and data[j] in PDF_WHITESPACE:
            j += 1
        if data[j : j + 1] in (b"(", b"<") and data[j : j + 2] != b"<<":
            _pdf_blank_string(out, j, _pdf_string_end(data, j))
        elif _PDF_REFERENCE.match(data, j):
            complete = False
    return complete


def _pdf_blank_info(data: bytes, out: bytearray) -> bool:
    """Blank the document information (one dictionary per incremental update)
    and the keys only it uses anywhere else; False when something may remain:
    information in a compressed object stream, or a value held elsewhere."""
    complete = _pdf_blank_values(data, out, _PDF_PERSONAL_KEY, 0, len(data))
    references = set(_PDF_INFO_REF.findall(data))
    if not references and b"/ObjStm" in data:
        complete = False  # the reference itself may sit in a compressed stream
    for number, generation in references:
        header = re.compile(rb"(?<![0-9])" + number + rb"\s+" + generation + rb"\s+obj\b")
        objects = list(header.finditer(data))
        complete = complete and bool(objects)
        for match in objects:
            end = data.find(b"endobj", match.end())
            end = len(data) if end < 0 else end
            complete = _pdf_blank_values(data, out, _PDF_INFO_KEY, match.end(), end) and complete
    return complete


XMP_PERSONAL = (
    r"dc:creator|dc:title|dc:description|dc:subject|dc:rights|dc:contributor|dc:publisher"
    r"|pdf:Author|pdf:Keywords|xmp:CreatorTool|xmp:Author|xmpRights:Owner|photoshop:Credit"
    r"|photoshop:AuthorsPosition|photoshop:City|photoshop:State|photoshop:Country"
    r"|Iptc4xmpCore:Location|Iptc4xmpCore:CreatorContactInfo|exif:GPS\w*"
)
_XMP_ELEMENT = re.compile(rb"<(" + XMP_PERSONAL.encode() + rb")\b[^>]*>(.*?)</\1\s*>", re.DOTALL)
_XMP_ATTRIBUTE = re.compile(rb"\b(" + XMP_PERSONAL.encode() + rb')\s*=\s*"([^"]*)"')
_XML_TEXT = re.compile(rb"[^<>]+(?=<|$)")


def _blank(out: bytearray, start: int, end: int) -> None:
    out[start:end] = b" " * (end - start)


def _blank_xmp(data: bytes, out: bytearray) -> None:
    """Blank, in place, the text of personal XMP properties (element and
    attribute forms), keeping every tag and so every length."""
    for match in _XMP_ELEMENT.finditer(data):
        for text in _XML_TEXT.finditer(data, match.start(2), match.end(2)):
            if data[text.start() - 1 : text.start()] == b">":
                _blank(out, text.start(), text.end())
    for match in _XMP_ATTRIBUTE.finditer(data):
        _blank(out, match.start(2), match.end(2))


def clean_pdf(data: bytes) -> Cleaned:
    out = bytearray(data)
    notices: list[str | Promise] = []
    try:
        complete = _pdf_blank_info(data, out)
    except (ValueError, IndexError):
        complete = False
    _blank_xmp(data, out)
    encrypted = re.search(rb"/Encrypt\s+\d+\s+\d+\s+R", data) is not None
    compressed_xmp = re.search(
        rb"/Type\s*/Metadata\b[^>]*/Filter|/Filter[^>]*/Type\s*/Metadata", data
    )
    if not complete or encrypted or compressed_xmp:
        notices.append(NOTICE_PDF)
    return Cleaned(bytes(out), notices)


OOXML_PROPERTIES = re.compile(
    rb"<((?:dc|cp):(?:creator|lastModifiedBy|title|subject|description|keywords))\b([^>]*)>"
    rb".*?</\1>",
    re.DOTALL,
)
OOXML_APP_PROPERTIES = re.compile(rb"<(Company|Manager)>.*?</\1>", re.DOTALL)
# Authors of Word comments and tracked changes, and the people list (with emails).
WORD_AUTHORS = re.compile(rb'\b(w:author|w:initials|w15:author|w15:userId|w15:providerId)="[^"]*"')
ODF_PROPERTIES = re.compile(
    rb"<((?:meta:initial-creator|dc:creator|dc:title|dc:subject|dc:description"
    rb"|meta:keyword|meta:printed-by))\b([^>]*)>.*?</\1>",
    re.DOTALL,
)
# Larger than this, uncompressed, and a document is not rewritten but reported.
MAX_UNPACKED_BYTES = 300 * 1024 * 1024


def _clean_zip_part(name: str, body: bytes) -> bytes:
    if name == "docProps/core.xml":
        return OOXML_PROPERTIES.sub(rb"<\1\2></\1>", body)
    if name == "docProps/app.xml":
        return OOXML_APP_PROPERTIES.sub(rb"<\1></\1>", body)
    if name.startswith("word/") and name.endswith(".xml"):
        return WORD_AUTHORS.sub(rb'\1=""', body)
    if name == "meta.xml":
        return ODF_PROPERTIES.sub(rb"<\1\2></\1>", body)
    return body


def clean_zip_document(data: bytes) -> Cleaned:
    """Rewrite an OOXML or OpenDocument package with its properties emptied,
    keeping each part's order and compression (ODF's ``mimetype`` stays first
    and stored)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            infos = source.infolist()
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                return Cleaned(data, [NOTICE_OFFICE_UNREADABLE])
            out = io.BytesIO()
            changed = False
            with zipfile.ZipFile(out, "w") as target:
                for info in infos:
                    body = source.read(info)
                    cleaned = _clean_zip_part(info.filename, body)
                    changed = changed or cleaned != body
                    copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                    copy.compress_type = info.compress_type
                    copy.external_attr = info.external_attr
                    copy.create_system = info.create_system
                    target.writestr(copy, cleaned)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        NotImplementedError,
        RuntimeError,
        OSError,
        ValueError,
        EOFError,
        struct.error,
    ):
        return Cleaned(data, [NOTICE_OFFICE_UNREADABLE])
    return Cleaned(out.getvalue() if changed else data)


RTF_INFO = re.compile(
    rb"(\{\\(?:author|operator|title|subject|keywords|company|manager|doccomm)\b)[^{}]*\}"
)


def clean_rtf(data: bytes) -> Cleaned:
    return Cleaned(RTF_INFO.sub(rb"\1 }", data))


def flag_old_office(data: bytes) -> Cleaned:
    return Cleaned(data, [NOTICE_OLD_OFFICE])
