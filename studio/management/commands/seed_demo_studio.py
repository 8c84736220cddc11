"""Demo data for the studio: the published demo credential of quality review gets a
second version open as a draft, so the designer's studio shows a credential with a
published version and a draft one next to the draft credential of the quality demo.

Runs after ``seed_demo_quality`` (its organization, designer and credentials),
through the credentials services. Safe to repeat: an open draft version is reused.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from credentials.management.commands.seed_demo import DEMO_PASSWORD
from credentials.models import MicroCredential
from credentials.services import CredentialChanges, credential_draft_save, credential_version_open

DESIGNER = "designer@example.org"
PUBLISHED = "questioning-for-deeper-thinking"
REVISED_SUMMARY = (
    "Plan and ask open questions that push students to explain, justify and connect "
    "their thinking, and use wait time so that every student answers."
)


class Command(BaseCommand):
    help = "Open a second version of the demo's published credential (run after seed_demo_quality)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError("seed_demo_studio does not run with production settings.")
        designer = User.objects.filter(email=DESIGNER).first()
        published = MicroCredential.objects.published().filter(slug=PUBLISHED).first()
        if designer is None or published is None:
            raise CommandError(
                "Run seed_demo_quality first: it creates the designer and credential."
            )
        draft = credential_version_open(credential=published, actor=designer)
        if draft.summary != REVISED_SUMMARY:
            credential_draft_save(
                credential=draft,
                actor=designer,
                revision=draft.revision,
                changes=CredentialChanges(fields={"summary": REVISED_SUMMARY}),
            )
        self.stdout.write(self.style.SUCCESS("Studio demo ready."))
        self.stdout.write(f"Open {settings.SITE_URL}/studio/ and log in as:")
        self.stdout.write(f"  designer  {DESIGNER:<24} password: {DEMO_PASSWORD}")
