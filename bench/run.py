"""Benchmark the public pages on a seeded PostgreSQL database with gunicorn.

    .venv/bin/python -m bench.run --seed          # create and seed plumbing_bench first
    .venv/bin/python -m bench.run                 # reuse the seeded database

Starts gunicorn (production settings, 2 sync workers) on 127.0.0.1, warms each page up,
then measures requests per second and p50/p95/p99 latency with a bounded load generator;
counts SQL queries and HTML bytes per page in-process at demo size and at scale size,
and prints a table. Every load is bounded by a request budget and a time limit.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadgen import percentile, run_load
from bench.server import (
    DEFAULT_DATABASE_URL,
    DEFAULT_DEMO_DATABASE_URL,
    HOST,
    PYTHON,
    ROOT,
    Gunicorn,
    bench_env,
    collectstatic,
    database_seed,
    demo_database_seed,
    log,
)

SEARCHES = ["bins", "parking+permit", "address+lookup", "open+referral", "notify"]
# Targets on a 2-core machine with 2 gunicorn workers at 50,000 offerings.
RECIPE_DETAIL_P50_MS = 25
SEARCH_P95_MS = 150


def pages(resolved: dict[str, str]) -> list[tuple[str, str]]:
    component = resolved["component"]
    return [
        ("home", "/"),
        ("recipe list", "/recipes/"),
        ("recipe detail", f"/recipes/{resolved['recipe']}/"),
        ("offering list, 2 filters", f"/offerings/?component={component}&hosting=cloud_uk"),
        ("component detail", f"/components/{component}/"),
        *[(f"search {q.replace('+', ' ')!r}", f"/search/?q={q}") for q in SEARCHES],
    ]


def querycount(database_url: str, *args: str) -> dict:
    env = bench_env(database_url)
    # Count the work a page does, not a replay from the page cache (which makes none).
    env["PAGE_CACHE_SECONDS"] = "0"
    result = subprocess.run(  # noqa: S603
        [PYTHON, "-m", "bench.querycount", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=600,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(result.stdout)


def measure(args) -> dict:
    collectstatic(args.database_url)
    log("Choosing pages and counting queries in-process…")
    resolved = querycount(args.database_url, "--resolve")["resolved"]
    page_list = [(n, p) for n, p in pages(resolved) if not args.only or args.only in n]
    paths = [path for _name, path in page_list]
    scale_counts = querycount(args.database_url, *paths)["pages"]
    demo_counts = {}
    if args.demo_database_url != "none":
        try:
            demo_counts = querycount(args.demo_database_url, *paths)["pages"]
        except subprocess.CalledProcessError as error:
            log(f"  demo-size counts skipped: {error}")

    rows = []
    load_before = os.getloadavg()[0]
    with Gunicorn(args.database_url, port=args.port, workers=args.workers) as server:
        for name, path in page_list:
            counted = scale_counts[path]
            row = {
                "name": name,
                "path": path,
                "status": counted["status"],
                "queries_scale": counted["queries"],
                "queries_demo": demo_counts.get(path, {}).get("queries"),
                "bytes": counted["bytes"],
            }
            rows.append(row)
            if counted["status"] == 404:
                row["missing"] = True
                continue
            ok = frozenset({counted["status"]})
            run_load(HOST, args.port, [path], connections=1, seconds=10,
                     max_requests=args.warmup, ok_statuses=ok)  # fmt: skip
            result = run_load(
                HOST,
                args.port,
                [path],
                connections=args.connections,
                seconds=args.seconds,
                max_requests=args.requests,
                ok_statuses=ok,
            )
            stats = result.paths[path]
            row.update(
                requests=len(stats.latencies),
                errors=sum(stats.errors.values()),
                rps=result.requests_per_second(path),
                p50=percentile(stats.latencies, 0.50) * 1000,
                p95=percentile(stats.latencies, 0.95) * 1000,
                p99=percentile(stats.latencies, 0.99) * 1000,
            )
            log(f"  {name}: {row['rps']:.1f} req/s, p50 {row['p50']:.1f} ms")
        memory = server.worker_memory()
    return {
        "resolved": resolved,
        "rows": rows,
        "worker_memory_kib": memory,
        # Other processes on the machine skew latency: say how busy it was.
        "load_average": [load_before, os.getloadavg()[0]],
    }


def verdict(row: dict) -> str:
    notes = []
    if row.get("missing"):
        return "missing (404)"
    if row["name"] == "recipe detail":
        ok = row["p50"] <= RECIPE_DETAIL_P50_MS
        notes.append(f"p50<={RECIPE_DETAIL_P50_MS}ms {'ok' if ok else 'MISS'}")
    if row["name"].startswith("search"):
        ok = row["p95"] <= SEARCH_P95_MS
        notes.append(f"p95<={SEARCH_P95_MS}ms {'ok' if ok else 'MISS'}")
    if row["queries_demo"] is not None and row["queries_demo"] != row["queries_scale"]:
        notes.append("queries grow with data")
    if row.get("errors"):
        notes.append(f"{row['errors']} errors")
    return ", ".join(notes)


def table(report: dict) -> str:
    header = (
        f"{'page':<26} {'status':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'SQL demo':>8} {'SQL scale':>9} {'HTML KB':>8}  target"
    )
    lines = [header, "-" * len(header)]
    for row in report["rows"]:
        demo = "-" if row["queries_demo"] is None else str(row["queries_demo"])
        if row.get("missing"):
            timing = f"{'':>7} {'':>7} {'':>7} {'':>7}"
        else:
            timing = f"{row['rps']:>7.1f} {row['p50']:>7.1f} {row['p95']:>7.1f} {row['p99']:>7.1f}"
        lines.append(
            f"{row['name']:<26} {row['status']:>6} {timing} {demo:>8} "
            f"{row['queries_scale']:>9} {row['bytes'] / 1024:>8.1f}  {verdict(row)}"
        )
    lines.append(
        "1-minute load average before and after: "
        + " and ".join(f"{value:.1f}" for value in report["load_average"])
        + f" ({os.cpu_count()} CPUs)"
    )
    for pid, values in report["worker_memory_kib"].items():
        lines.append(
            f"worker {pid}: RSS {values.get('VmRSS', 0) / 1024:.0f} MiB, "
            f"peak {values.get('VmHWM', 0) / 1024:.0f} MiB"
        )
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument(
        "--demo-database-url",
        default=DEFAULT_DEMO_DATABASE_URL,
        help="A demo-size database to compare query counts with, or 'none'.",
    )
    parser.add_argument("--seed", action="store_true", help="Create and seed both databases.")
    parser.add_argument("--recipes", type=int, default=2000)
    parser.add_argument("--offerings", type=int, default=50000)
    parser.add_argument("--suppliers", type=int, default=5000)
    parser.add_argument("--port", type=int, default=8020)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=2, help="Concurrent connections.")
    parser.add_argument("--seconds", type=float, default=8.0, help="Time limit per page.")
    parser.add_argument("--requests", type=int, default=400, help="Request budget per page.")
    parser.add_argument("--warmup", type=int, default=10, help="Warm-up requests per page.")
    parser.add_argument("--only", help="Only the pages whose name contains this, like search.")
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    return parser


def main(argv=None):
    args = parser().parse_args(argv)
    if args.seed:
        log(f"Seeding {args.database_url}…")
        database_seed(
            args.database_url,
            recipes=args.recipes,
            offerings=args.offerings,
            suppliers=args.suppliers,
        )
        if args.demo_database_url != "none":
            log(f"Seeding {args.demo_database_url} (demo size)…")
            demo_database_seed(args.demo_database_url)
    report = measure(args)
    print(table(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
