"""Production settings for local benchmarks: static files collected into a directory of the
benchmark's choosing (BENCH_STATIC_ROOT), so a run never writes into the project tree."""

import os

from patterns_site.settings.production import *  # noqa: F403

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
