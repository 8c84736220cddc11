"""Signing keys and VC-JWT signatures, through `cryptography` and `joserfc`.

Private keys exist in plain form only in memory while signing; at rest they
are PKCS#8 PEM encrypted with the Fernet key in BADGES_KEY_ENCRYPTION_KEY.

Credentials are signed with ``alg: EdDSA`` (Ed25519), the identifier Open
Badges 3.0 verifiers understand today; joserfc flags it as superseded by the
fully specified ``Ed25519`` identifier of RFC 9864, which verifiers do not
accept yet, so that warning is silenced here and only here. An organization
may also sign its VC-JWTs with ``RS256`` (RSA 2048), the one algorithm Open
Badges 3.0 requires every verifier to support; its Ed25519 key still makes
the embedded Data Integrity proof, which only that curve can.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from dataclasses import dataclass

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from joserfc import jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import OKPKey, RSAKey
from joserfc.jws import JWSRegistry

EDDSA = "EdDSA"
RS256 = "RS256"
ALGORITHM = EDDSA  # the default, and the key that makes Data Integrity proofs
ALGORITHMS = (EDDSA, RS256)
RSA_BITS = 2048
MAX_HEADER_BYTES = 8 * 1024
MAX_PAYLOAD_BYTES = 2 * 1024 * 1024


@contextmanager
def eddsa_allowed():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=SecurityWarning, message=".*EdDSA.*")
        yield


def _fernet() -> Fernet:
    return Fernet(settings.BADGES_KEY_ENCRYPTION_KEY)


@dataclass(frozen=True)
class NewKeyPair:
    key_id: str
    public_jwk: dict
    private_key_encrypted: str


def generate_key_pair(algorithm: str = EDDSA) -> NewKeyPair:
    """A fresh key pair (Ed25519, or RSA 2048 for RS256): its thumbprint,
    public JWK and encrypted private key."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"Unsupported algorithm {algorithm!r}.")
    private: Ed25519PrivateKey | rsa.RSAPrivateKey = (
        Ed25519PrivateKey.generate()
        if algorithm == EDDSA
        else rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    )
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key = _import_private(pem, algorithm)
    return NewKeyPair(
        key_id=key.thumbprint(),
        public_jwk=public_jwk(key),
        private_key_encrypted=_fernet().encrypt(pem).decode(),
    )


def _import_private(pem: bytes, algorithm: str) -> OKPKey | RSAKey:
    return OKPKey.import_key(pem) if algorithm == EDDSA else RSAKey.import_key(pem)


def public_jwk(key: OKPKey | RSAKey) -> dict:
    """The public half as a JWK (never containing a private member)."""
    data = key.as_dict(private=False)
    if data["kty"] == "RSA":
        return {"kty": "RSA", "n": data["n"], "e": data["e"]}
    return {"kty": data["kty"], "crv": data["crv"], "x": data["x"]}


def algorithm_of(jwk: dict) -> str:
    return RS256 if jwk.get("kty") == "RSA" else EDDSA


def load_private_key(private_key_encrypted: str, algorithm: str = EDDSA) -> OKPKey | RSAKey:
    return _import_private(_fernet().decrypt(private_key_encrypted.encode()), algorithm)


def ed25519_private_key(private_key_encrypted: str) -> Ed25519PrivateKey:
    """The Ed25519 private key itself, for Data Integrity proofs."""
    key = serialization.load_pem_private_key(
        _fernet().decrypt(private_key_encrypted.encode()), password=None
    )
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("Not an Ed25519 key.")
    return key


def load_public_key(jwk: dict) -> OKPKey | RSAKey:
    if jwk.get("kty") == "RSA":
        return RSAKey.import_key({k: jwk[k] for k in ("kty", "n", "e")})
    return OKPKey.import_key({k: jwk[k] for k in ("kty", "crv", "x")})


def sign_jwt(*, claims: dict, private_key_encrypted: str, kid: str, algorithm: str = EDDSA) -> str:
    """A compact JWS over ``claims`` with the header Open Badges 3.0 allows:
    alg, kid (a URL resolving to the public JWK) and typ JWT."""
    key = load_private_key(private_key_encrypted, algorithm)
    header = {"alg": algorithm, "kid": kid, "typ": "JWT"}
    with eddsa_allowed():
        return jwt.encode(header, claims, key, algorithms=[algorithm])


def verify_jwt(token: str, jwk: dict) -> jwt.Token:
    """Decode ``token`` checking its signature with the public ``jwk``; the
    algorithm is the key's own (EdDSA for OKP, RS256 for RSA), never the
    token's say-so.

    Raises a joserfc error (or ValueError) when the token is malformed or the
    signature does not match.
    """
    registry = JWSRegistry(algorithms=[algorithm_of(jwk)])
    # Other issuers may embed their public key (``jwk``) in the header; an RSA
    # one alone exceeds joserfc's default 512-byte header limit.
    registry.max_header_length = MAX_HEADER_BYTES
    registry.max_payload_length = MAX_PAYLOAD_BYTES
    with eddsa_allowed():
        return jwt.decode(token, load_public_key(jwk), registry=registry)
