"""Credentials from another issuer, signed here with jwcrypto and a did:key."""

import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jwt as jwcrypto_jwt

from badges import data_integrity

VC = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def foreign_credential(issuer_id: str, ident="urn:uuid:2f9e1b40-4c8a-4c1e-9a51-0d6f2b7c1a11"):
    return {
        "@context": [VC, OB3],
        "id": ident,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": "Elsewhere College"},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": "Teamwork",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://elsewhere.example/achievements/teamwork",
                "type": ["Achievement"],
                "name": "Teamwork",
                "description": "Works well in a team.",
                "criteria": {"narrative": "Nominated by peers."},
            },
        },
    }


def signed_jwt(ident="urn:uuid:2f9e1b40-4c8a-4c1e-9a51-0d6f2b7c1a11") -> str:
    """A VC-JWT from another issuer that verifies (EdDSA, did:key)."""
    private = Ed25519PrivateKey.generate()
    issuer = "did:key:" + data_integrity.multikey(private.public_key())
    document = foreign_credential(issuer, ident)
    claims = {**document, "iss": issuer, "jti": document["id"], "sub": "did:example:learner"}
    token = jwcrypto_jwt.JWT(
        header={"alg": "EdDSA", "typ": "JWT", "kid": f"{issuer}#{issuer[8:]}"}, claims=claims
    )
    token.make_signed_token(jwcrypto_jwk.JWK.from_pyca(private))
    return token.serialize()


def unsigned_json(ident="urn:uuid:7d1c0d7e-0000-4000-8000-00000000beef") -> str:
    """A credential with no proof at all: readable, never verified."""
    return json.dumps(foreign_credential("https://elsewhere.example/issuer", ident))
