"""Removing what evidence files say about the people behind them.

Cameras and phones write where and when a photo was taken (EXIF, GPS, XMP)
and who took it; office programs write the author, whoever saved last and the
company; PDF writers copy them into the document information. None of that
is evidence, and a photo of a classroom must not carry its location. So every
upload is cleaned before it is stored, for every reader:

- JPEG, PNG, WebP and GIF lose their metadata segments and chunks losslessly
  (the picture's bytes are copied, not re-encoded). A JPEG, PNG or WebP whose
  EXIF orientation turns the picture is re-encoded once, upright, because the
  orientation is lost with the EXIF.
- HEIC keeps its structure; every item that is not part of the picture (EXIF,
  XMP) is blanked in place.
- PDF: the document information (Author, Creator, Title, Subject, Keywords)
  and an uncompressed XMP packet are blanked in place, byte for byte, so every
  offset in the file stays valid.
- Word, PowerPoint, Excel (OOXML) and OpenDocument files are rewritten with
  their document properties emptied and Word's comment and revision authors
  removed; RTF loses its information group's names.

What cannot be cleaned without a heavier toolkit (older binary Office files,
PDF properties inside compressed or encrypted objects) is stored as uploaded
and reported, so the learner is told before submitting.
"""

from __future__ import annotations

from collections.abc import Callable

from . import documents, images
from .common import Cleaned, UnreadableImage

__all__ = ["CLEANERS", "Cleaned", "UnreadableImage", "clean"]


def clean(data: bytes, mime: str) -> Cleaned:
    """Remove personal metadata from a file whose type was sniffed as ``mime``.

    Raises UnreadableImage for an image that cannot be parsed (its location
    could not be guaranteed gone). Types without metadata come back unchanged.
    """
    cleaner = CLEANERS.get(mime)
    if cleaner is None:
        return Cleaned(data)
    return cleaner(data)


# Office Open XML and OpenDocument files: ZIP packages with properties parts.
PACKAGES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.presentation",
    "application/vnd.oasis.opendocument.spreadsheet",
)

CLEANERS: dict[str, Callable[[bytes], Cleaned]] = {
    "image/jpeg": images.clean_jpeg,
    "image/png": images.clean_png,
    "image/webp": images.clean_webp,
    "image/gif": images.clean_gif,
    "image/heic": images.clean_heic,
    "application/pdf": documents.clean_pdf,
    "application/rtf": documents.clean_rtf,
    "application/msword": documents.flag_old_office,
    **dict.fromkeys(PACKAGES, documents.clean_zip_document),
}
