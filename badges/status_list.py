"""Bitstring Status List encoding (W3C Bitstring Status List v1.0).

The list is a bitstring where bit ``i`` (counted from the most significant
bit of the first byte) is 1 when the credential at status index ``i`` is
revoked. It is published GZIP-compressed and multibase base64url encoded
(prefix ``u``, no padding).
"""

import base64
import gzip
from collections.abc import Iterable


def encode(size: int, revoked: Iterable[int]) -> str:
    bits = bytearray((size + 7) // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0: the same list always encodes to the same text.
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("Expected a multibase base64url string (prefix 'u').")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def is_set(bits: bytes, index: int) -> bool:
    if index < 0 or index // 8 >= len(bits):
        raise IndexError(index)
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
