import time

from django.core.management.base import BaseCommand

from catalogue.services import component_price_summary_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the per-component price summary and shortlist ranks that recipe pages and "
        "the basket read, from every public offering, in bulk."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = component_price_summary_rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"Price summary rebuilt: {rows:,} rows in {time.perf_counter() - started:.1f}s"
            )
        )
