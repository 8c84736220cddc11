"""Demo data for the earner profile and the Open Badges API: the demo learner's
profile is public (at /earner/p/demo-learner/) with their award and one
credential imported from another issuer (signed here with a did:key, so it
verifies offline), and a demo app is connected to their account.

Safe to run again and again: each step checks what is already there.
"""

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from joserfc import jwt
from joserfc.jwk import OKPKey

from accounts.models import User
from badges import data_integrity, documents
from credentials.management.commands.seed_demo import DEMO_PASSWORD
from obapi import selectors, services
from obapi.openapi import CREDENTIAL_READ, PROFILE_READ

LEARNER = "learner@example.org"
HANDLE = "demo-learner"
IMPORTED_ID = "urn:uuid:5b0e7c1a-3d2f-4e8a-9c61-2a7f0d4b8e19"
CLIENT = "Demo Backpack"


def elsewhere_credential(email: str = LEARNER) -> str:
    """A VC-JWT from "Lakeside Summer Institute", signed with a fresh did:key,
    issued to ``email`` (named by its salted hash, as Open Badges 3.0 does)."""
    salt = "lakeside-demo"
    private = Ed25519PrivateKey.generate()
    issuer = "did:key:" + data_integrity.multikey(private.public_key())
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": IMPORTED_ID,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Lakeside Summer Institute"},
        "validFrom": "2025-07-18T00:00:00Z",
        "name": "Project-Based Learning Design",
        "credentialSubject": {
            "id": "did:example:demo-learner",
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "identityHash": documents.identity_hash(email, salt),
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": {
                "id": "https://lakeside.example/achievements/pbl-design",
                "type": ["Achievement"],
                "name": "Project-Based Learning Design",
                "description": "Designs a standards-aligned project with public products.",
                "criteria": {"narrative": "Completed the summer institute's design studio."},
            },
        },
    }
    claims = {**document, "iss": issuer, "jti": IMPORTED_ID, "sub": "did:example:demo-learner"}
    pem = private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    key = OKPKey.import_key(pem)
    header = {"alg": "EdDSA", "typ": "JWT", "kid": f"{issuer}#{issuer[8:]}"}
    return jwt.encode(header, claims, key, algorithms=["EdDSA"])


class Command(BaseCommand):
    help = "Publish the demo learner's earner profile, import a credential, connect an app."

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError("seed_demo_obapi is for local demo data only.")
        learner = User.objects.filter(email=LEARNER).first()
        if learner is None:
            raise CommandError("Run `manage.py seed_demo` first.")
        services.profile_update(
            user=learner,
            actor=learner,
            published=True,
            handle=HANDLE,
            display_name=learner.name,
            description="Grade 5 teacher. Credentials earned here and elsewhere.",
        )
        if not selectors.imported_of(user=learner).filter(key=IMPORTED_ID).exists():
            imported, _created = services.credential_import(
                owner=learner,
                text=elsewhere_credential(learner.email),
                filename="pbl-design.jwt",
                actor=learner,
            )
            if not imported.is_theirs:
                # Their address is not verified here: they confirm it is theirs.
                services.imported_credential_confirm_holder(imported=imported, actor=learner)
        services.demo_client_connect(
            user=learner,
            name=CLIENT,
            redirect_uri="http://127.0.0.1:9000/callback",
            scopes=[CREDENTIAL_READ, PROFILE_READ],
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Earner profile demo ready: {settings.SITE_URL}/earner/p/{HANDLE}/ "
                f"({LEARNER}: one award, one imported credential; “{CLIENT}” connected)."
            )
        )
        self.stdout.write(
            f"  learner   {LEARNER:<22} password: {DEMO_PASSWORD}  (Earner profile, Connected apps)"
        )
