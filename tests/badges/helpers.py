"""Independent readers for what badges publish: URL paths, PNG chunks, status lists.

None of this uses the badges app's own code, so tests check the published
bytes the way an outside verifier would.
"""

import base64
import gzip
import json
import struct
import zlib
from urllib.parse import urlsplit

from django.conf import settings


def path_of(url: str) -> str:
    """The test-client path of an absolute URL on SITE_URL."""
    assert url.startswith(settings.SITE_URL + "/"), url
    split = urlsplit(url)
    return split.path + (f"?{split.query}" if split.query else "")


def b64url_json(segment: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """Every (type, data) chunk of a PNG, checking the signature and each CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r}"
        chunks.append((kind, body))
        offset += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    return chunks


def itxt_texts(data: bytes) -> dict[str, list[str]]:
    """keyword -> texts of every iTXt chunk, asserting they are uncompressed."""
    found: dict[str, list[str]] = {}
    for kind, body in png_chunks(data):
        if kind != b"iTXt":
            continue
        keyword, rest = body.split(b"\x00", 1)
        compressed, method = rest[0], rest[1]
        assert (compressed, method) == (0, 0)
        language, rest = rest[2:].split(b"\x00", 1)
        translated, text = rest.split(b"\x00", 1)
        found.setdefault(keyword.decode("latin-1"), []).append(text.decode("utf-8"))
    return found


def status_bit(encoded_list: str, index: int) -> bool:
    """Bit ``index`` of a Bitstring Status List (multibase base64url, GZIP)."""
    assert encoded_list.startswith("u")
    body = encoded_list[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    assert len(bits) >= 16 * 1024
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
