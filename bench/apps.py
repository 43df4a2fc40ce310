from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmark tooling as a Django app, for its seed_scale command. Installed by the
    development and test settings only: production has no use for synthetic data."""

    name = "bench"
    verbose_name = "Benchmark data"
