"""Issue badges for awards that have none (for example, made before badges existed)."""

from django.core.management.base import BaseCommand

from badges.services import badge_issue_missing


class Command(BaseCommand):
    help = "Issue the verifiable badge of every award that has none. Safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None)

    def handle(self, *args, limit=None, **options):
        count = badge_issue_missing(limit=limit)
        self.stdout.write(self.style.SUCCESS(f"{count} badge(s) issued."))
