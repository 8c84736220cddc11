"""Real evidence files carrying the personal details cameras and office
programs write into them, built with Pillow and the standard library."""

import io
import struct
import zipfile

from PIL import Image

LEARNER_NAME = "Lena Alvarez"
# Somewhere in Manhattan, as a phone writes it: degrees, minutes, seconds.
GPS = {1: "N", 2: (40.0, 42.0, 46.0), 3: "W", 4: (74.0, 0.0, 21.0)}
XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="40,42.77N">'
    b"<dc:creator><rdf:Seq><rdf:li>Lena Alvarez</rdf:li></rdf:Seq></dc:creator>"
    b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    b'<?xpacket end="w"?>'
)


def picture(size=(40, 20)) -> Image.Image:
    """Left half red, right half blue: which way up it is can be told."""
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    return image


def camera_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x013B] = LEARNER_NAME  # Artist
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = GPS  # GPSInfo
    if orientation:
        exif[0x0112] = orientation
    return exif


def jpeg_with_metadata(*, orientation: int | None = None, size=(40, 20)) -> bytes:
    out = io.BytesIO()
    picture(size).save(
        out,
        "JPEG",
        quality=90,
        exif=camera_exif(orientation),
        xmp=XMP,
        comment=b"Lena Alvarez, room 12",
    )
    return out.getvalue()


def png_with_metadata() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", LEARNER_NAME)
    info.add_text("Comment", "Lena Alvarez, room 12", zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    out = io.BytesIO()
    picture().save(out, "PNG", pnginfo=info, exif=camera_exif())
    return out.getvalue()


def webp_with_metadata() -> bytes:
    out = io.BytesIO()
    picture().save(out, "WEBP", lossless=True, exif=camera_exif(), xmp=XMP)
    return out.getvalue()


def gif_with_comment() -> bytes:
    out = io.BytesIO()
    picture().convert("P").save(out, "GIF", comment=b"Lena Alvarez, room 12")
    return out.getvalue()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def heic_with_exif() -> tuple[bytes, bytes]:
    """A HEIF file's structure (ftyp, meta with iinf and iloc, mdat) whose Exif
    item holds the camera's EXIF; returns the file and that EXIF."""
    exif = b"\x00\x00\x00\x00" + camera_exif().tobytes()
    ftyp = _box(b"ftyp", b"heic" + b"\x00\x00\x00\x00" + b"mif1heic")
    infe = _box(b"infe", b"\x02\x00\x00\x00" + struct.pack(">HH", 1, 0) + b"Exif" + b"\x00")
    iinf = _box(b"iinf", b"\x00\x00\x00\x00" + struct.pack(">H", 1) + infe)

    def meta(offset: int) -> bytes:
        # iloc version 0: offset and length 4 bytes, no base offset.
        iloc = _box(
            b"iloc",
            b"\x00\x00\x00\x00"
            + bytes([0x44, 0x00])
            + struct.pack(">HHHHII", 1, 1, 0, 1, offset, len(exif)),
        )
        return _box(b"meta", b"\x00\x00\x00\x00" + iinf + iloc)

    head = ftyp + meta(0)
    offset = len(head) + 8  # the Exif item starts right after mdat's header
    data = ftyp + meta(offset) + _box(b"mdat", exif)
    assert data[offset : offset + len(exif)] == exif
    return data, exif


def pdf_with_author() -> bytes:
    """A one-page PDF whose document information names its author."""
    out = io.BytesIO()
    picture().save(
        out,
        "PDF",
        author=LEARNER_NAME,
        title="Lena_Alvarez_task_plan",
        creator="Lena Alvarez's laptop",
        subject="Task plan by Lena Alvarez",
    )
    return out.getvalue()


def pdf_with_xmp() -> bytes:
    """A PDF whose uncompressed XMP metadata stream names its author."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Metadata 3 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n" % len(XMP)
        + XMP
        + b"\nendstream",
    ]
    body, offsets = b"%PDF-1.7\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 4\n0000000000 65535 f \n"
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return body


def pdf_with_compressed_info() -> bytes:
    """A PDF whose document information sits in a compressed object stream,
    where it cannot be blanked in place."""
    return (
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
        b"5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length 2 >>\n"
        b"stream\nxx\nendstream\nendobj\n"
        b"trailer\n<< /Size 8 /Root 1 0 R /Info 7 0 R >>\n%%EOF\n"
    )


def _zip(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for index, (name, body) in enumerate(entries):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            package.writestr(name, body, compress_type=method)
    return out.getvalue()


DOCX_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    b"<dc:title>Lena_Alvarez_task_plan</dc:title><dc:creator>Lena Alvarez</dc:creator>"
    b"<cp:lastModifiedBy>Lena Alvarez</cp:lastModifiedBy><cp:revision>3</cp:revision>"
    b"</cp:coreProperties>"
)
DOCX_DOCUMENT = (
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>My task plan</w:t></w:r></w:p></w:body></w:document>"
)


def docx_with_properties() -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", DOCX_DOCUMENT),
            (
                "word/comments.xml",
                b'<w:comments><w:comment w:id="0" w:author="Lena Alvarez" w:initials="LA">'
                b"<w:p><w:r><w:t>check</w:t></w:r></w:p></w:comment></w:comments>",
            ),
            ("docProps/core.xml", DOCX_CORE),
            ("docProps/app.xml", b"<Properties><Company>Lincoln Elementary</Company></Properties>"),
        ]
    )


def odt_with_properties() -> bytes:
    return _zip(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", b"<office:document-content/>"),
            (
                "meta.xml",
                b"<office:document-meta><office:meta>"
                b"<meta:initial-creator>Lena Alvarez</meta:initial-creator>"
                b"<dc:creator>Lena Alvarez</dc:creator><meta:editing-cycles>2</meta:editing-cycles>"
                b"</office:meta></office:document-meta>",
            ),
        ],
        stored_first=True,
    )


def old_word_document() -> bytes:
    """The start of a Word 97-2003 file: an OLE compound file with Word's marker."""
    data = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    data[512:516] = b"\xec\xa5\xc1\x00"
    return bytes(data) + b"Lena Alvarez"


def rtf_with_author() -> bytes:
    return (
        b"{\\rtf1\\ansi{\\info{\\title Lena_Alvarez_task_plan}{\\author Lena Alvarez}"
        b"{\\operator Lena Alvarez}{\\creatim\\yr2026}}My task plan\\par}"
    )
