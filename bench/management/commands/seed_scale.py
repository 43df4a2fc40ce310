from django.core.management.base import BaseCommand, CommandError

from bench.scale_data import scale_clear, scale_seed


class Command(BaseCommand):
    help = (
        "Add synthetic suppliers, components, offerings and recipes at scale for load tests, "
        "with bulk inserts. Everything created is named '[Synthetic] …', has a slug starting "
        "'synthetic-' and is labelled sample data; --clear removes exactly that."
    )

    def add_arguments(self, parser):
        parser.add_argument("--recipes", type=int, default=2000, help="Recipe pages (2000)")
        parser.add_argument("--offerings", type=int, default=50000, help="Offerings (50000)")
        parser.add_argument("--suppliers", type=int, default=5000, help="Suppliers (5000)")
        parser.add_argument("--components", type=int, default=40, help="Synthetic components (40)")
        parser.add_argument(
            "--adoptions", type=int, default=3, help="Average adoptions per recipe (3)"
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (1)")
        parser.add_argument("--batch-size", type=int, default=1000, help="Rows per INSERT")
        parser.add_argument(
            "--clear", action="store_true", help="Delete every synthetic object, then stop."
        )

    def handle(self, *args, **options):
        if options["clear"]:
            scale_clear(write=self.stdout.write)
            return
        for name in ("recipes", "offerings", "suppliers", "components", "adoptions"):
            if options[name] < 0:
                raise CommandError(f"--{name} must be 0 or more")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be 1 or more")
        try:
            report = scale_seed(
                recipes=options["recipes"],
                offerings=options["offerings"],
                suppliers=options["suppliers"],
                components=options["components"],
                adoptions=options["adoptions"],
                seed=options["seed"],
                batch_size=options["batch_size"],
                write=self.stdout.write,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("Created " + ", ".join(f"{n:,} {k}" for k, n in report.counts.items()))
        for step, seconds in report.timings.items():
            self.stdout.write(f"  {step}: {seconds:.1f}s")
        self.stdout.write(self.style.SUCCESS(f"Done in {report.timings['total']:.1f}s"))
