"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite, offline.

A proof is made as the W3C "Data Integrity EdDSA Cryptosuites v1.0" says:
canonicalize the proof options (without ``proofValue``, with the document's
``@context``) and the document (without ``proof``) with RDF Dataset
Canonicalization (RDFC-1.0, which pyld calls URDNA2015), hash each with
SHA-256, sign ``hash(proof options) + hash(document)`` with Ed25519 and write
the signature as multibase base58btc (``z...``).

JSON-LD contexts are never fetched: the document loader serves the copies
bundled in ``badges/contexts`` (their sources and SHA-256 are in the README
there) and refuses every other URL. A property that no context defines would
be silently left out of the canonical form, and so left unsigned; both
signing and verifying refuse such a document instead.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from pyld import FrozenDocumentLoader
from pyld.jsonld import JsonLdError, JsonLdProcessor

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
# Multicodec prefix of an Ed25519 public key (0xed, varint-encoded).
ED25519_MULTICODEC = b"\xed\x01"

CONTEXTS_DIR = Path(__file__).parent / "contexts"
BUNDLED_CONTEXTS: dict[str, Path] = {
    "https://www.w3.org/ns/credentials/v2": CONTEXTS_DIR / "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": CONTEXTS_DIR
    / "ob-v3p0-context-3.0.3.json",
    "https://w3id.org/security/data-integrity/v1": CONTEXTS_DIR / "data-integrity-v1.jsonld",
    "https://w3id.org/security/data-integrity/v2": CONTEXTS_DIR / "data-integrity-v2.jsonld",
    "https://w3id.org/security/multikey/v1": CONTEXTS_DIR / "multikey-v1.jsonld",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": CONTEXTS_DIR
    / "clr-v2p0-context-2.0.1.json",
}


class ProofError(ValueError):
    """The document or proof cannot be canonicalized, signed or verified; the
    message says why in words fit for a verification report."""


def document_loader(extra: Mapping[str, dict | Path] | None = None) -> FrozenDocumentLoader:
    """A loader serving only the bundled contexts (plus ``extra``, for tests)."""
    return FrozenDocumentLoader(documents={**BUNDLED_CONTEXTS, **(extra or {})})


def canonicalize(document: dict, *, loader: FrozenDocumentLoader | None = None) -> str:
    """RDFC-1.0 N-Quads of ``document``.

    Raises ProofError when a context is not bundled or a property is not
    defined by any context (it would not be signed)."""
    dropped: list[str] = []

    def on_dropped(term: Any, *args: Any, **kwargs: Any) -> None:
        dropped.append(str(term))

    processor = JsonLdProcessor(on_property_dropped=on_dropped)
    try:
        quads = processor.normalize(
            copy.deepcopy(document),
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": loader or document_loader(),
            },
        )
    except JsonLdError as exc:
        url = _refused_url(exc)
        if url:
            raise ProofError(f"Unknown JSON-LD context {url}.") from exc
        raise ProofError("The document is not valid JSON-LD.") from exc
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
        raise ProofError("The document is not valid JSON-LD.") from exc
    if dropped:
        raise ProofError(
            "Terms no context defines would be left unsigned: " + ", ".join(sorted(set(dropped)))
        )
    return quads


def _refused_url(exc: BaseException) -> str | None:
    """The URL a loader refused, found anywhere in a chain of JsonLdErrors."""
    seen: BaseException | None = exc
    while seen is not None:
        details = getattr(seen, "details", None)
        if isinstance(details, dict) and isinstance(details.get("url"), str):
            return details["url"]
        seen = getattr(seen, "cause", None) or seen.__cause__
    return None


def _hash_data(document: dict, proof_options: dict, loader: FrozenDocumentLoader | None) -> bytes:
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {k: v for k, v in proof_options.items() if k != "proofValue"}
    options["@context"] = document.get("@context")
    proof_hash = hashlib.sha256(canonicalize(options, loader=loader).encode()).digest()
    document_hash = hashlib.sha256(canonicalize(unsecured, loader=loader).encode()).digest()
    return proof_hash + document_hash


def multikey(public_key: Ed25519PublicKey) -> str:
    """The Multikey ``publicKeyMultibase`` of an Ed25519 key (``z6Mk...``)."""
    return "z" + base58.b58encode(ED25519_MULTICODEC + public_key.public_bytes_raw()).decode()


def public_key_from_multikey(value: str) -> Ed25519PublicKey:
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError("The key is not a multibase base58btc Multikey.")
    try:
        raw = base58.b58decode(value[1:])
    except ValueError as exc:
        raise ProofError("The key is not valid base58.") from exc
    if len(raw) != 34 or not raw.startswith(ED25519_MULTICODEC):
        raise ProofError("The key is not an Ed25519 Multikey.")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def proof_options(*, verification_method: str, created: str) -> dict:
    return {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }


def sign(
    document: dict,
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    loader: FrozenDocumentLoader | None = None,
) -> dict:
    """``document`` with an embedded ``eddsa-rdfc-2022`` proof (a new dict)."""
    options = proof_options(verification_method=verification_method, created=created)
    signature = private_key.sign(_hash_data(document, options, loader))
    proof = {**options, "proofValue": "z" + base58.b58encode(signature).decode()}
    return {**{k: v for k, v in document.items() if k != "proof"}, "proof": proof}


def proofs_of(document: dict) -> list[dict]:
    proof = document.get("proof")
    if isinstance(proof, dict):
        return [proof]
    if isinstance(proof, list):
        return [p for p in proof if isinstance(p, dict)]
    return []


def verify(
    document: dict,
    proof: dict,
    public_key: Ed25519PublicKey,
    *,
    loader: FrozenDocumentLoader | None = None,
) -> None:
    """Raise ProofError unless ``proof`` is a valid ``eddsa-rdfc-2022`` proof
    of ``document`` by ``public_key``."""
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(
            f"Unsupported proof {proof.get('type')!r} / {proof.get('cryptosuite')!r}; "
            f"only {PROOF_TYPE} with {CRYPTOSUITE} is checked."
        )
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError("The proofValue is not multibase base58btc.")
    try:
        signature = base58.b58decode(value[1:])
    except ValueError as exc:
        raise ProofError("The proofValue is not valid base58.") from exc
    try:
        public_key.verify(signature, _hash_data(document, proof, loader))
    except InvalidSignature as exc:
        raise ProofError("The proof does not match the document.") from exc
