"""Load a quality framework from its JSON (or CSV) form: docs/quality-framework.md."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quality import services
from quality.exceptions import QualityError


class Command(BaseCommand):
    help = (
        "Import a quality framework from a JSON file (or a CSV with --name and --version), "
        "or the platform's default framework with --default. Safe to repeat."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="A .json or .csv file.")
        parser.add_argument("--default", action="store_true", help="Load the default framework.")
        parser.add_argument("--name", help="Framework name (CSV only).")
        parser.add_argument("--framework-version", dest="framework_version", help="(CSV only).")
        parser.add_argument("--description", default="", help="(CSV only).")
        parser.add_argument("--organization", help="Organization slug (CSV only).")
        parser.add_argument("--base-name", help="Base framework name (CSV only).")
        parser.add_argument("--base-version", help="Base framework version (CSV only).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["default"]:
                framework = services.framework_import_default()
            elif not options["path"]:
                raise CommandError("Give a file to import, or --default.")
            else:
                path = Path(options["path"])
                text = path.read_text(encoding="utf-8")
                if path.suffix.lower() == ".csv":
                    if not options["name"] or not options["framework_version"]:
                        raise CommandError("A CSV import needs --name and --framework-version.")
                    base = (
                        {"name": options["base_name"], "version": options["base_version"]}
                        if options["base_name"]
                        else None
                    )
                    data = services.framework_data_from_csv(
                        text=text,
                        name=options["name"],
                        version=options["framework_version"],
                        description=options["description"],
                        organization=options["organization"],
                        base=base,
                    )
                else:
                    data = json.loads(text)
                framework = services.framework_import(data=data)
        except (QualityError, ValueError, OSError) as error:
            raise CommandError(str(error)) from error
        count = framework.standards.count()
        self.stdout.write(self.style.SUCCESS(f"Imported {framework} ({count} standards)."))
