"""Import recipes from a JSON document written by export_recipes on any Plumbing site.

The whole file is validated first against the format (recipes.file_format); every problem
is reported with its location, and an invalid file changes nothing. `--dry-run` only
validates and reports.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from recipes.file_format import InterchangeError, document_load
from recipes.interchange import recipes_import


class Command(BaseCommand):
    help = "Import recipes from an export_recipes JSON file. Saved as drafts unless --publish."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON file to import.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report, but change nothing."
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publish the recipes and new offerings."
        )
        parser.add_argument(
            "--change-summary",
            default="Imported from another Plumbing site.",
            help="The 'What changed' text for each imported recipe's change log.",
        )

    def handle(self, *args, file, dry_run, publish, change_summary, **options):
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        try:
            report = recipes_import(
                document_load(text),
                publish=publish,
                dry_run=dry_run,
                change_summary=change_summary,
            )
        except InterchangeError as error:
            for message in error.errors:
                self.stderr.write(message)
            raise CommandError(
                f"{len(error.errors)} problem(s) in {file}; nothing was imported."
            ) from None
        for label, counts in (
            ("Created", report.created),
            ("Updated", report.updated),
            ("Already here, left unchanged", report.kept),
        ):
            if counts:
                summary = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
                self.stdout.write(f"{label}: {summary}")
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
        elif not publish:
            self.stdout.write("Recipes are saved as drafts: publish them in the admin.")
