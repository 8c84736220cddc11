"""Demo data for credentials that travel: the demo district signs its VC-JWTs
with RS256 (its Ed25519 key still makes the Data Integrity proofs), and one
credential is aligned to a state standard (a CASE item) and to a Credential
Engine record, so the badges issued afterwards carry those alignments.

Safe to run again and again: each step checks what is already there.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from badges import services
from badges.models import AchievementAlignment, AlignmentTargetType
from credentials.models import MicroCredential, Organization

ORGANIZATION = "riverside-usd"
CREDENTIAL = "checking-for-understanding"
ALIGNMENTS = [
    {
        "target_type": AlignmentTargetType.CASE_ITEM,
        "target_name": "Uses formative assessment to adjust instruction",
        "target_url": "https://case.example.org/uri/2d7e6a1c-5b8f-4d0e-9c3a-6f1b2e8d4a70",
        "target_code": "TS.4.2",
        "target_framework": "Example State Teaching Standards (demo)",
    },
    {
        "target_type": AlignmentTargetType.CTDL,
        "target_name": "Checking for Understanding (Credential Engine record, demo)",
        "target_url": "https://credentialengineregistry.org/resources/ce-4b1f0c2e-8a7d-4e55-b6a1-0d9c3e7f2a18",
        "target_code": "ce-4b1f0c2e-8a7d-4e55-b6a1-0d9c3e7f2a18",
        "target_framework": "Credential Registry",
    },
]


class Command(BaseCommand):
    help = "Sign the demo district's VC-JWTs with RS256 and align a demo credential (repeatable)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError("seed_demo_badges is for local demo data only.")
        organization = Organization.objects.filter(slug=ORGANIZATION).first()
        credential = MicroCredential.objects.filter(slug=CREDENTIAL).first()
        if organization is None or credential is None:
            raise CommandError("Run `manage.py seed_demo` first.")
        with transaction.atomic():
            services.issuer_key_active(organization=organization)
            rs256 = services.issuer_rs256_set(organization=organization, enabled=True, actor=None)
            added = 0
            for fields in ALIGNMENTS:
                if AchievementAlignment.objects.filter(
                    credential=credential, target_url=fields["target_url"]
                ).exists():
                    continue
                services.alignment_save(
                    alignment=AchievementAlignment(credential=credential, **fields),
                    actor=None,
                    created=True,
                )
                added += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Badges demo ready: {organization.name} "
                f"{'now signs' if rs256 else 'already signs'} its VC-JWTs with RS256; "
                f"{added} alignment(s) added to “{credential.title}”."
            )
        )
        self.stdout.write(
            f"Verify any credential at {settings.SITE_URL}/badges/verify/ "
            "(no new accounts: use the demo learner's award)."
        )
