from django.core.management.base import BaseCommand, CommandError

from patterns_site.services import demo_site_load
from recipes.file_format import InterchangeError


class Command(BaseCommand):
    help = (
        "Create the page tree, reference data from fixtures/open_data and the demo catalogue "
        "and recipes from fixtures/demo. Safe to run again: it only creates what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="Also bring existing demo objects back in line with the fixtures.",
        )

    def handle(self, *args, refresh=False, **options):
        try:
            report = demo_site_load(refresh=refresh)
        except InterchangeError as error:
            for message in error.errors:
                self.stderr.write(message)
            raise CommandError(
                f"{len(error.errors)} problem(s) in fixtures/demo; the demo content was not loaded."
            ) from None
        if not report.created and not report.updated:
            self.stdout.write("Demo data already loaded; nothing changed.")
        for kind, count in report.created.items():
            self.stdout.write(f"Created {count} {kind}")
        for kind, count in report.updated.items():
            self.stdout.write(f"Updated {count} {kind}")
