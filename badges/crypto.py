"""Signing keys and VC-JWT signatures, through `cryptography` and `joserfc`.

Private keys exist in plain form only in memory while signing; at rest they
are PKCS#8 PEM encrypted with the Fernet key in BADGES_KEY_ENCRYPTION_KEY.

Credentials are signed with ``alg: EdDSA`` (Ed25519), the identifier Open
Badges 3.0 verifiers understand today; joserfc flags it as superseded by the
fully specified ``Ed25519`` identifier of RFC 9864, which verifiers do not
accept yet, so that warning is silenced here and only here.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from dataclasses import dataclass

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from joserfc import jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import OKPKey

ALGORITHM = "EdDSA"


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


def generate_key_pair() -> NewKeyPair:
    """A fresh Ed25519 key pair: its thumbprint, public JWK and encrypted private key."""
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key = OKPKey.import_key(pem)
    return NewKeyPair(
        key_id=key.thumbprint(),
        public_jwk=public_jwk(key),
        private_key_encrypted=_fernet().encrypt(pem).decode(),
    )


def public_jwk(key: OKPKey) -> dict:
    """The public half as a JWK (never containing ``d``)."""
    data = key.as_dict(private=False)
    return {"kty": data["kty"], "crv": data["crv"], "x": data["x"]}


def load_private_key(private_key_encrypted: str) -> OKPKey:
    return OKPKey.import_key(_fernet().decrypt(private_key_encrypted.encode()))


def load_public_key(jwk: dict) -> OKPKey:
    return OKPKey.import_key({k: jwk[k] for k in ("kty", "crv", "x")})


def sign_jwt(*, claims: dict, private_key_encrypted: str, kid: str) -> str:
    """A compact JWS over ``claims`` with the header Open Badges 3.0 allows:
    alg, kid (a URL resolving to the public JWK) and typ JWT."""
    key = load_private_key(private_key_encrypted)
    header = {"alg": ALGORITHM, "kid": kid, "typ": "JWT"}
    with eddsa_allowed():
        return jwt.encode(header, claims, key, algorithms=[ALGORITHM])


def verify_jwt(token: str, jwk: dict) -> jwt.Token:
    """Decode ``token`` checking its signature with the public ``jwk``.

    Raises a joserfc error (or ValueError) when the token is malformed or the
    signature does not match.
    """
    with eddsa_allowed():
        return jwt.decode(token, load_public_key(jwk), algorithms=[ALGORITHM])
