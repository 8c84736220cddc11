"""Write a quality framework in its JSON (or CSV) form: docs/quality-framework.md."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quality import selectors
from quality.models import Framework


class Command(BaseCommand):
    help = "Export a quality framework (by name and version) as JSON or CSV to stdout or a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("framework_version")
        parser.add_argument("--organization", help="Organization slug, for its own framework.")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--output", "-o", help="File to write (default: stdout).")

    def handle(self, *args: Any, **options: Any) -> None:
        frameworks = Framework.objects.filter(
            name=options["name"], version=options["framework_version"]
        )
        if options["organization"]:
            frameworks = frameworks.filter(organization__slug=options["organization"])
        else:
            frameworks = frameworks.filter(organization__isnull=True)
        framework = frameworks.first()
        if framework is None:
            raise CommandError("No such framework.")
        if options["format"] == "csv":
            text = selectors.framework_export_csv(framework=framework)
        else:
            text = (
                json.dumps(
                    selectors.framework_export(framework=framework), indent=2, ensure_ascii=False
                )
                + "\n"
            )
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                out.write(text)
        else:
            self.stdout.write(text, ending="")
