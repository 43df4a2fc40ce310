from django.core.management.base import BaseCommand

from catalogue.reference_data import reference_data_load


class Command(BaseCommand):
    help = (
        "Load councils, service areas and the Local Government Service List "
        "from fixtures/open_data."
    )

    def handle(self, *args, **options):
        counts = reference_data_load()
        for name, count in counts.items():
            self.stdout.write(f"{count} {name}")
