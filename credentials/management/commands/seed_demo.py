"""Demo data for a local run: the catalog in ``credentials/fixtures/demo_catalog.toml``
(two issuers, topics, credentials) and the demo accounts, loaded through services.

Safe to run again and again: rows are found by slug or email and only the
fields that differ from the data file are written, so a second run changes
nothing and creates no duplicates.
"""

import tomllib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.services import account_ensure
from credentials import services

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105  (published demo accounts, local only)
CATALOG = Path(__file__).resolve().parents[2] / "fixtures" / "demo_catalog.toml"


def demo_catalog() -> dict[str, Any]:
    """The demo catalog as the data file describes it."""
    with CATALOG.open("rb") as file:
        return tomllib.load(file)


class Command(BaseCommand):
    help = "Create or refresh demo organizations, credentials and accounts (safe to repeat)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError(
                "seed_demo creates accounts with a published password; "
                "it does not run with production settings."
            )
        catalog = demo_catalog()
        with transaction.atomic():
            tally = services.catalog_load(catalog=catalog)
            # The assessor's scopes are granted by seed_demo_activity: assessments
            # sits above credentials, so this app does not call its services.
            for account in catalog["accounts"]:
                ensured = account_ensure(
                    email=account["email"],
                    name=account["name"],
                    password=DEMO_PASSWORD,
                    is_staff=account["staff"],
                )
                tally.count(ensured.created, ensured.changed)

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {tally.created} rows created, {tally.updated} updated."
            )
        )
        self.stdout.write("")
        # SITE_URL follows `make run PORT=...` (config.settings.local).
        self.stdout.write(f"Open {settings.SITE_URL} and log in with one of these accounts:")
        for account in catalog["accounts"]:
            self.stdout.write(
                f"  {account['role']:<9} {account['email']:<22} password: {DEMO_PASSWORD}"
            )
        self.stdout.write(f"Admin: {settings.SITE_URL}/admin/ (staff account)")
