"""Baking: Open Badges data carried inside a PNG or SVG badge image.

An ``iTXt`` chunk with the keyword ``openbadges`` holds the Open Badges 2.0
assertion JSON (Badge Baking spec: uncompressed, at most once). A second
``iTXt`` chunk with the keyword ``openbadgecredential`` holds the Open Badges
3.0 credential as its compact VC-JWT, for 3.0 readers. Both go right after
IHDR, so a reader that stops at the first match does not scan image data.
"""

import base64
import struct
import zlib
from html import escape

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB2_KEYWORD = "openbadges"
OB3_KEYWORD = "openbadgecredential"


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def itxt_chunk(keyword: str, text: str) -> bytes:
    """An uncompressed iTXt chunk: keyword, flag 0, method 0, no language or
    translated keyword, then the UTF-8 text."""
    data = keyword.encode("latin-1") + b"\x00" + b"\x00\x00" + b"\x00" + b"\x00" + text.encode()
    return chunk(b"iTXt", data)


def iter_chunks(png: bytes):
    """(type, data) for each chunk; raises ValueError on a malformed PNG."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("Not a PNG file.")
    offset = len(PNG_SIGNATURE)
    while offset + 8 <= len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind = png[offset + 4 : offset + 8]
        data = png[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", png[offset + 8 + length : offset + 12 + length])
        if len(data) != length or zlib.crc32(kind + data) != crc:
            raise ValueError(f"Corrupt {kind!r} chunk.")
        yield kind, data
        offset += 12 + length
        if kind == b"IEND":
            return


def bake(png: bytes, texts: dict[str, str]) -> bytes:
    """``png`` with one iTXt chunk per keyword in ``texts`` after IHDR; any
    existing chunk with one of those keywords is replaced."""
    out = [PNG_SIGNATURE]
    for kind, data in iter_chunks(png):
        if kind == b"iTXt" and data.split(b"\x00", 1)[0].decode("latin-1") in texts:
            continue
        out.append(chunk(kind, data))
        if kind == b"IHDR":
            out.extend(itxt_chunk(keyword, text) for keyword, text in texts.items())
    return b"".join(out)


# --- SVG ---------------------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
OB2_SVG_NS = "http://openbadges.org"
OB3_SVG_NS = "https://purl.imsglobal.org/ob/v3p0"


def _cdata(text: str) -> str:
    # "]]>" would end the section early: split it across two sections.
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _svg(namespace: str, element: str, png: bytes, size: int) -> str:
    image = base64.b64encode(png).decode()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="{SVG_NS}" xmlns:openbadges="{namespace}" '
        f'width="{size}" height="{size}" viewBox="0 0 {size} {size}">\n'
        f"{element}\n"
        f'<image width="{size}" height="{size}" href="data:image/png;base64,{image}"/>\n'
        "</svg>\n"
    )


def bake_svg_ob3(png: bytes, credential: str, size: int) -> bytes:
    """An SVG badge (the PNG drawn inside) carrying an Open Badges 3.0
    credential (a VC-JWT or JSON) in ``<openbadges:credential>``, as the Open
    Badges 3.0 baking section describes."""
    element = f"<openbadges:credential>{_cdata(credential)}</openbadges:credential>"
    return _svg(OB3_SVG_NS, element, png, size).encode()


def bake_svg_ob2(png: bytes, assertion_json: str, assertion_url: str, size: int) -> bytes:
    """An SVG badge carrying an Open Badges 2.0 assertion: the hosted URL in
    ``verify`` and the assertion itself in CDATA (Badge Baking 2.0)."""
    element = (
        f'<openbadges:assertion verify="{escape(assertion_url, quote=True)}">'
        f"{_cdata(assertion_json)}</openbadges:assertion>"
    )
    return _svg(OB2_SVG_NS, element, png, size).encode()
