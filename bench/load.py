"""Load test: many concurrent connections on a mix of public pages against gunicorn on
127.0.0.1, with latency percentiles, errors and the memory of each gunicorn worker.

    .venv/bin/python -m bench.load                       # 64 connections for 60 s
    .venv/bin/python -m bench.load --connections 16 --seconds 20

Uses the database bench.run seeds (plumbing_bench; pass --seed to seed it here). Bounded
by a time limit and a request budget; stops by itself.
"""

import argparse
import os
import sys
import threading
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadgen import percentile, run_load
from bench.measure import size
from bench.server import (
    DEFAULT_DATABASE_URL,
    HOST,
    Gunicorn,
    bench_module,
    collectstatic,
    log,
    plumbing_server,
    seed_when_needed,
)


def mix(resolved: dict[str, str]) -> list[str]:
    component = resolved["component"]
    return [
        "/",
        "/recipes/",
        resolved["recipe"],
        "/components/",
        f"/components/{component}/",
        "/offerings/",
        f"/offerings/?component={component}&hosting=cloud_uk",
        "/standards/",
        "/suppliers/",
        "/councils/",
        "/search/?q=bins",
        "/search/?q=parking+permit",
    ]


class MemorySampler(threading.Thread):
    """Samples each worker's RSS once a second while the load runs; bounded by stop()."""

    def __init__(self, server: Gunicorn):
        super().__init__(daemon=True)
        self.server = server
        self.peak: dict[int, int] = {}
        self.halt = threading.Event()

    def run(self):
        while not self.halt.wait(1.0):
            for pid, values in self.server.worker_memory().items():
                self.peak[pid] = max(self.peak.get(pid, 0), values.get("VmRSS", 0))

    def stop(self):
        self.halt.set()
        self.join(5)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--seed", action="store_true", help="Create and seed the database.")
    parser.add_argument("--port", type=int, default=8021)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=100_000)
    args = parser.parse_args(argv)
    if args.connections > 256 or args.seconds > 600:
        parser.error("At most 256 connections and 600 seconds.")
    if args.seed:
        seed_when_needed(args.database_url, recipes=2000, offerings=50000, suppliers=5000)

    collectstatic(args.database_url)
    resolved = bench_module(args.database_url, "querycount", "resolve")
    paths = mix(resolved)
    # As deployed: the page cache in Redis.
    with plumbing_server(
        args.database_url, mode="cached", port=args.port, workers=args.workers
    ) as server:
        # Pages another engineer has not built yet are left out, not counted as errors.
        missing = [path for path in paths if size(server, path).status == 404]
        paths = [path for path in paths if path not in missing]
        run_load(HOST, args.port, paths, connections=2, seconds=30, max_requests=4 * len(paths))
        before = server.worker_memory()
        sampler = MemorySampler(server)
        sampler.start()
        log(f"Load: {args.connections} connections for {args.seconds:.0f} s…")
        started = time.monotonic()
        result = run_load(
            HOST,
            args.port,
            paths,
            connections=args.connections,
            seconds=args.seconds,
            max_requests=args.max_requests,
            timeout=60.0,
        )
        sampler.stop()
        after = server.worker_memory()
    log(f"  finished in {time.monotonic() - started:.1f} s")

    total = result.total
    header = f"{'path':<58} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    lines = [header, "-" * len(header)]
    for path, stats in [*result.paths.items(), ("ALL", total)]:
        lines.append(
            f"{path:<58} {len(stats.latencies):>8} {sum(stats.errors.values()):>6} "
            f"{percentile(stats.latencies, 0.5) * 1000:>8.1f} "
            f"{percentile(stats.latencies, 0.95) * 1000:>8.1f} "
            f"{percentile(stats.latencies, 0.99) * 1000:>8.1f}"
        )
    lines.append(
        f"1-minute load average at the end: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)"
    )
    lines.append(
        f"{args.connections} connections, {result.elapsed:.1f} s, "
        f"{result.requests_per_second():.1f} req/s, errors: {total.errors or 'none'}"
    )
    for path in missing:
        lines.append(f"left out, missing (404): {path}")
    for pid in sorted(after):
        lines.append(
            f"worker {pid}: RSS {before.get(pid, {}).get('VmRSS', 0) / 1024:.0f} MiB before, "
            f"{after[pid].get('VmRSS', 0) / 1024:.0f} MiB after, "
            f"peak sampled {sampler.peak.get(pid, 0) / 1024:.0f} MiB, "
            f"VmHWM {after[pid].get('VmHWM', 0) / 1024:.0f} MiB"
        )
    print("\n".join(lines))
    if sum(total.errors.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
