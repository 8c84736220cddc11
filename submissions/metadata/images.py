"""Photos without EXIF (GPS included), XMP, comments or text chunks.

JPEG, PNG, WebP and GIF are copied segment by segment (chunk, block) through
an allow-list of what draws the picture, so the picture is not re-encoded and
a damaged or unknown part never carries a detail through. A picture whose
EXIF orientation turns it is re-encoded once, upright, since the orientation
leaves with the EXIF. HEIC keeps its layout: every item that is not part of
the picture is blanked in place.
"""

from __future__ import annotations

import io
import struct
import warnings

from PIL import Image, ImageOps

from .common import Cleaned, UnreadableImage

EXIF_ORIENTATION = 0x0112


def _orientation(data: bytes) -> int:
    """The EXIF orientation (1 = upright); 1 when it cannot be read. Pillow's
    warnings about damaged EXIF say nothing the result does not."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as image:
                return int(image.getexif().get(EXIF_ORIENTATION, 1) or 1)
    except (OSError, ValueError, TypeError, SyntaxError, Image.DecompressionBombError):
        return 1


def _upright(data: bytes, fmt: str) -> bytes:
    """Re-encode the picture with its EXIF orientation applied and no metadata
    (keeping only the colour profile)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if getattr(image, "is_animated", False):
                raise UnreadableImage("animated image with a rotation")
            icc = image.info.get("icc_profile")
            upright = ImageOps.exif_transpose(image)
            upright.info = {}  # nothing of the original's comments, EXIF or XMP is written
            options: dict = {"icc_profile": icc} if icc else {}
            if fmt == "JPEG":
                options |= {"quality": 95}
                if upright.mode not in ("RGB", "L", "CMYK"):
                    upright = upright.convert("RGB")
            elif fmt == "WEBP":
                options |= {"quality": 95}
            out = io.BytesIO()
            upright.save(out, fmt, **options)
            return out.getvalue()
    except (
        OSError,
        ValueError,
        TypeError,
        KeyError,
        SyntaxError,
        struct.error,
        Image.DecompressionBombError,
    ) as exc:
        raise UnreadableImage(str(exc)) from exc


def _jpeg_keeps(marker: int, segment: bytes) -> bool:
    """Which JPEG segments carry the picture (an allow-list, so a damaged or
    unknown segment goes too): not EXIF, XMP, IPTC, comments or thumbnails.
    JFIF, the ICC colour profile and Adobe's colour transform stay."""
    body = segment[4:]
    if marker == 0xE0:
        return body.startswith(b"JFIF\x00")
    if marker == 0xE2:
        return body.startswith(b"ICC_PROFILE\x00")
    if marker == 0xEE:
        return body.startswith(b"Adobe")
    # Frames (SOFn), tables (DHT, DAC, DQT), restart interval, scans, line count.
    return 0xC0 <= marker <= 0xCF or marker in (0xDA, 0xDB, 0xDC, 0xDD)


def _strip_jpeg(data: bytes) -> bytes:
    """Copy a JPEG segment by segment, leaving out metadata segments and
    anything after the end-of-image marker (a phone's second picture). A
    damaged or cut tail is dropped and the image ended."""
    if data[:2] != b"\xff\xd8":
        raise UnreadableImage("no JPEG start marker")
    out = bytearray(b"\xff\xd8")
    i, n = 2, len(data)
    try:
        while True:
            if i >= n:  # cut short: end it properly
                return bytes(out + b"\xff\xd9")
            if data[i] != 0xFF:
                i = data.index(b"\xff", i)  # stray bytes between segments
            while data[i + 1] == 0xFF:  # fill bytes
                i += 1
            marker = data[i + 1]
            if marker == 0xD9:
                out += b"\xff\xd9"
                return bytes(out)
            if marker == 0x01 or 0xD0 <= marker <= 0xD7:
                out += data[i : i + 2]
                i += 2
                continue
            (length,) = struct.unpack(">H", data[i + 2 : i + 4])
            segment = data[i : i + 2 + length]
            if len(segment) != 2 + length:
                break
            if _jpeg_keeps(marker, segment):
                out += segment
            i += 2 + length
            if marker == 0xDA:
                # Entropy-coded data runs to the next marker that is not a
                # stuffed 0xFF00 or a restart marker.
                j = i
                while True:
                    j = data.find(b"\xff", j)
                    if j < 0 or j + 1 >= n:
                        return bytes(out + data[i:] + b"\xff\xd9")
                    following = data[j + 1]
                    if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                        j += 1 if following == 0xFF else 2
                        continue
                    break
                out += data[i:j]
                i = j
    except (IndexError, ValueError, struct.error):
        pass
    return bytes(out + b"\xff\xd9")


def clean_jpeg(data: bytes) -> Cleaned:
    if _orientation(data) in range(2, 9):
        data = _upright(data, "JPEG")
    return Cleaned(_strip_jpeg(data))


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The chunks that draw the picture (animation and colour included). Anything
# else goes: text (author, comments, XMP as iTXt), EXIF, times, unknown chunks.
PNG_PICTURE_CHUNKS = {
    b"IHDR",
    b"PLTE",
    b"IDAT",
    b"tRNS",
    b"cHRM",
    b"gAMA",
    b"iCCP",
    b"sBIT",
    b"sRGB",
    b"cICP",
    b"mDCV",
    b"cLLI",
    b"bKGD",
    b"hIST",
    b"pHYs",
    b"sPLT",
    b"acTL",
    b"fcTL",
    b"fdAT",
}


PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"


def _strip_png(data: bytes) -> bytes:
    """Copy a PNG chunk by chunk without its metadata chunks. A damaged or cut
    tail is dropped (it is unreadable to any viewer too) and the image ended."""
    if not data.startswith(PNG_SIGNATURE):
        raise UnreadableImage("no PNG signature")
    out, i = bytearray(PNG_SIGNATURE), len(PNG_SIGNATURE)
    while i + 12 <= len(data):
        (length,) = struct.unpack(">I", data[i : i + 4])
        kind = data[i + 4 : i + 8]
        end = i + 12 + length
        if end > len(data) or not kind.isalpha():
            break
        if kind == b"IEND":
            break
        if kind in PNG_PICTURE_CHUNKS:
            out += data[i:end]
        i = end
    return bytes(out + PNG_END)


def clean_png(data: bytes) -> Cleaned:
    if _orientation(data) in range(2, 9):
        data = _upright(data, "PNG")
    return Cleaned(_strip_png(data))


# Everything else (EXIF, XMP, unknown chunks) goes.
WEBP_PICTURE_CHUNKS = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}


def _strip_webp(data: bytes) -> bytes:
    """Copy a WebP's RIFF chunks without EXIF and XMP (and clear their flags);
    a cut tail is dropped."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise UnreadableImage("not a WebP RIFF file")
    chunks, i = bytearray(), 12
    while i + 8 <= len(data):
        kind = data[i : i + 4]
        (size,) = struct.unpack("<I", data[i + 4 : i + 8])
        end = i + 8 + size + (size & 1)
        if i + 8 + size > len(data):
            break
        chunk = bytearray(data[i:end])
        if kind == b"VP8X" and len(chunk) > 8:
            chunk[8] &= ~0x0C & 0xFF  # no EXIF (0x08) or XMP (0x04) any more
        if kind in WEBP_PICTURE_CHUNKS:
            chunks += chunk
        i = end
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WEBP" + bytes(chunks)


def clean_webp(data: bytes) -> Cleaned:
    if _orientation(data) in range(2, 9):
        data = _upright(data, "WEBP")
    return Cleaned(_strip_webp(data))


# Application extensions that drive animation or colour; any other (XMP, for
# one) goes, as do comments, plain-text blocks and unknown extensions.
GIF_KEPT_APPLICATIONS = (b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012")


def _gif_sub_blocks(data: bytes, i: int) -> int:
    """The index just past a chain of GIF data sub-blocks starting at ``i``."""
    while data[i]:
        i += 1 + data[i]
    return i + 1


def _strip_gif(data: bytes) -> bytes:
    """Copy a GIF block by block without comments and foreign application
    blocks (XMP); a damaged or cut tail is dropped and the image ended."""
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        raise UnreadableImage("no GIF header")
    flags = data[10]
    i = 13 + (3 * 2 ** ((flags & 0x07) + 1) if flags & 0x80 else 0)
    if i > len(data):
        raise UnreadableImage("GIF colour table runs past the end")
    out = bytearray(data[:i])
    try:
        while True:
            block = data[i]
            if block == 0x3B:
                break
            if block == 0x21:
                label = data[i + 1]
                end = _gif_sub_blocks(data, i + 2)
                application = data[i + 3 : i + 3 + data[i + 2]] if label == 0xFF else b""
                if label == 0xF9 or (label == 0xFF and application in GIF_KEPT_APPLICATIONS):
                    out += data[i:end]
                i = end
            elif block == 0x2C:
                local = data[i + 9]
                start = i + 10 + (3 * 2 ** ((local & 0x07) + 1) if local & 0x80 else 0)
                end = _gif_sub_blocks(data, start + 1)
                out += data[i:end]
                i = end
            else:
                break
    except IndexError:
        pass
    return bytes(out + b"\x3b")


def clean_gif(data: bytes) -> Cleaned:
    return Cleaned(_strip_gif(data))


def _boxes(data: bytes, start: int, end: int):
    """(type, payload start, box end) of each ISO base media box in a range."""
    i = start
    while i + 8 <= end:
        size, kind = struct.unpack(">I4s", data[i : i + 8])
        header = 8
        if size == 1:
            (size,) = struct.unpack(">Q", data[i + 8 : i + 16])
            header = 16
        elif size == 0:
            size = end - i
        if size < header or i + size > end:
            raise UnreadableImage("damaged HEIF box")
        yield kind, i + header, i + size
        i += size


def _uint(data: bytes, i: int, size: int) -> int:
    return int.from_bytes(data[i : i + size], "big") if size else 0


# Items that make up the picture; every other item (Exif, XMP and other
# "mime" items, anything unknown or damaged) is blanked.
HEIF_PICTURE_ITEMS = {
    b"hvc1",
    b"hvt1",
    b"av01",
    b"avc1",
    b"vvc1",
    b"jpeg",
    b"j2k1",
    b"unci",
    b"grid",
    b"iden",
    b"iovl",
    b"tmap",
    b"mski",
}


def _heif_picture_items(data: bytes, start: int, end: int) -> set[int]:
    """Ids of the picture items listed in an ``iinf`` box's payload."""
    version = data[start]
    i = start + 4 + (2 if version == 0 else 4)
    items = set()
    for kind, payload, _box_end in _boxes(data, i, end):
        if kind != b"infe" or data[payload] < 2:
            continue
        id_size = 2 if data[payload] == 2 else 4
        item_type = data[payload + 6 + id_size : payload + 10 + id_size]
        if item_type in HEIF_PICTURE_ITEMS:
            items.add(_uint(data, payload + 4, id_size))
    return items


def _heif_extents(data: bytes, start: int, end: int, keep: set[int]) -> list[tuple[int, int, int]]:
    """(construction method, offset, length) of every extent of the items not
    in ``keep``, read from an ``iloc`` box's payload; counts that run past the
    box are damage."""
    version = data[start]
    i = start + 4
    offset_size, length_size = data[i] >> 4, data[i] & 0x0F
    base_size, index_size = data[i + 1] >> 4, (data[i + 1] & 0x0F) if version in (1, 2) else 0
    i += 2
    count_size = 2 if version < 2 else 4
    count, i = _uint(data, i, count_size), i + count_size
    extents = []
    for _ in range(count):
        item_id, i = _uint(data, i, count_size), i + count_size
        method = 0
        if version in (1, 2):
            method, i = _uint(data, i, 2) & 0x0F, i + 2
        i += 2  # data reference index
        base, i = _uint(data, i, base_size), i + base_size
        extent_count, i = _uint(data, i, 2), i + 2
        if i > end:
            raise UnreadableImage("damaged HEIF item locations")
        for _ in range(extent_count):
            i += index_size
            offset, i = _uint(data, i, offset_size), i + offset_size
            length, i = _uint(data, i, length_size), i + length_size
            if i > end:
                raise UnreadableImage("damaged HEIF item locations")
            if item_id not in keep:
                extents.append((method, base + offset, length))
    return extents


def clean_heic(data: bytes) -> Cleaned:
    """Blank every item of a HEIF file that is not part of the picture (EXIF,
    XMP, ...) in place: every offset stays."""
    out = bytearray(data)
    try:
        # Every HEIF image has these boxes: without them its items cannot be found.
        meta = next((b for b in _boxes(data, 0, len(data)) if b[0] == b"meta"), None)
        if meta is None:
            raise UnreadableImage("HEIF without a meta box")
        children = {
            kind: (payload, end) for kind, payload, end in _boxes(data, meta[1] + 4, meta[2])
        }
        if b"iinf" not in children or b"iloc" not in children:
            raise UnreadableImage("HEIF without item information")
        pictures = _heif_picture_items(data, *children[b"iinf"])
        for method, offset, length in _heif_extents(data, *children[b"iloc"], pictures):
            if method == 1 and b"idat" in children:
                offset += children[b"idat"][0]
            elif method != 0:
                raise UnreadableImage("HEIF metadata stored by reference")
            if length == 0 or offset + length > len(data):
                raise UnreadableImage("HEIF metadata outside the file")
            out[offset : offset + length] = bytes(length)
    except (IndexError, struct.error) as exc:
        raise UnreadableImage("damaged HEIF") from exc
    return Cleaned(bytes(out))
