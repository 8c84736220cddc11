"""Fingerprints of evidence: a file's SHA-256 and a long answer's MinHash.

Near-duplicate text is found the standard way (Broder's MinHash with
locality-sensitive hashing):

- an answer is normalized (Unicode NFKC, lower case, words only) and cut into
  overlapping word shingles of ``SHINGLE_WORDS`` words;
- ``datasketch.MinHash`` turns the set of shingles into ``PERMUTATIONS`` hash
  values; the share of equal values between two signatures estimates the
  Jaccard similarity of the two shingle sets;
- the signature is cut into ``BANDS`` bands of ``ROWS`` values; each band is
  hashed (BLAKE2b, 8 bytes) with its number into one signed 64-bit key.
  Two answers with Jaccard similarity ``s`` share at least one key with
  probability ``1 - (1 - s**ROWS)**BANDS``: 0.005 at s = 0.05 (unrelated
  answers to one prompt measure 0 to 0.03), 0.68 at s = 0.3, 0.93 at
  s = 0.4, 0.9999 at s = 0.6 (copies with edits measure 0.4 and up).
  The keys go into one indexed column, so candidates are found by SQL
  (``key IN (...)``), never by comparing every pair; a candidate then counts
  only if its estimated similarity reaches ``TEXT_SIMILARITY``.

A file's key is the first 8 bytes of its SHA-256; a candidate counts only when
the whole hash is equal. The figures behind the thresholds (precision and
recall on a labelled set) are in docs/duplicate-evidence.md.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np
from datasketch import MinHash

SHINGLE_WORDS = 3
PERMUTATIONS = 128
ROWS = 3
BANDS = 42  # 42 bands of 3 values use 126 of the 128
# Answers shorter than this are not fingerprinted: short answers repeat by chance.
MIN_WORDS = 40
# Estimated Jaccard similarity of shingles from which two answers are "near-identical".
TEXT_SIMILARITY = 0.3
_SEED = 20261130  # fixed: signatures stored years apart must stay comparable
_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """The answer's words, normalized so case, accents' encoding and punctuation
    do not hide a copy."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(tokens: list[str]) -> set[bytes]:
    """Every run of ``SHINGLE_WORDS`` consecutive words (the whole text when shorter)."""
    if len(tokens) < SHINGLE_WORDS:
        return {" ".join(tokens).encode()} if tokens else set()
    return {
        " ".join(tokens[i : i + SHINGLE_WORDS]).encode()
        for i in range(len(tokens) - SHINGLE_WORDS + 1)
    }


def signature(text: str) -> np.ndarray:
    """The MinHash signature of a text: ``PERMUTATIONS`` unsigned 32-bit values."""
    minhash = MinHash(num_perm=PERMUTATIONS, seed=_SEED)
    minhash.update_batch(sorted(shingles(words(text))))
    return np.asarray(minhash.hashvalues, dtype=np.uint32)


def signature_bytes(values: np.ndarray) -> bytes:
    return values.astype("<u4").tobytes()


def signature_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<u4")


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return float(np.count_nonzero(a == b)) / len(a)


def _signed(digest: bytes) -> int:
    return int.from_bytes(digest[:8], "big", signed=True)


def band_keys(values: np.ndarray) -> list[int]:
    """One signed 64-bit key per band (the band's number is hashed in, so equal
    values in different bands never collide)."""
    data = values.astype("<u4").tobytes()
    size = ROWS * 4
    return [
        _signed(
            hashlib.blake2b(
                bytes([band]) + data[band * size : (band + 1) * size], digest_size=8
            ).digest()
        )
        for band in range(BANDS)
    ]


def file_key(sha256_hex: str) -> int:
    """The indexed key of a file: the first 8 bytes of its SHA-256."""
    return _signed(bytes.fromhex(sha256_hex))
