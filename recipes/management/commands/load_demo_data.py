from django.core.management.base import BaseCommand

from recipes.demo_data import demo_data_load


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
        report = demo_data_load(refresh=refresh)
        if not report.created and not report.updated:
            self.stdout.write("Demo data already loaded; nothing changed.")
        for kind, count in report.created.items():
            self.stdout.write(f"Created {count} {kind}")
        for kind, count in report.updated.items():
            self.stdout.write(f"Updated {count} {kind}")
