"""Benchmark the public pages on a seeded PostgreSQL database with gunicorn.

    .venv/bin/python -m bench.run --seed          # create and seed plumbing_bench first
    .venv/bin/python -m bench.run                 # reuse the seeded database

Starts gunicorn (production settings, 2 sync workers) on 127.0.0.1 twice: with the page
cache on, as deployed ("cached"), and off, so every request renders ("rendered"). For
each page it warms up, then measures requests per second and p50/p95/p99 latency with a
bounded load generator; then it runs 50 different searches with no warm-up, as varied
visitors would. It counts SQL queries and HTML bytes per page in-process at demo size and
at scale size, and prints a table. Every load is bounded by a request budget and a time
limit.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote_plus

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
# What council staff type, misspellings and plurals included: each is asked for once per
# round, so with the page cache on most are misses, as on a live site.
DISTINCT_SEARCHES = [
    "garden waste subscription", "bulky waste", "missed bins", "council tax",
    "single person discount", "blue badge", "blu bagde", "parking permits",
    "resident parking", "fly tipping", "flytipping report", "housing repairs", "repair",
    "foi request", "freedom of information", "case management", "crm",
    "open referral uk", "service directory", "gov.uk notify", "text message",
    "email notifications", "payments", "take payments online", "gov.uk pay", "sign in",
    "login", "one login", "identity verification", "postcode lookup", "address", "uprn",
    "form builder", "online forms", "school admissions", "planning application",
    "licensing", "register a death", "appointment booking", "library",
    "adult social care", "waste", "recycling", "noise complaint", "pothole",
    "street lighting", "benefits", "housing benefit", "homelessness", "chatbot",
]  # fmt: skip
# Targets on a 2-core machine with 2 gunicorn workers at 50,000 offerings.
RECIPE_DETAIL_P50_MS = 25
SEARCH_P95_MS = 150
# "cached": the site as deployed, anonymous pages replayed from the page cache after the
# first request. "rendered": the page cache off, so every request renders the page.
MODES = {"cached": {}, "rendered": {"PAGE_CACHE_SECONDS": "0"}}


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


def distinct_search_paths() -> list[str]:
    return [f"/search/?q={quote_plus(q)}" for q in DISTINCT_SEARCHES]


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


def timings(result, paths: list[str]) -> dict:
    latencies = [value for path in paths for value in result.paths[path].latencies]
    return {
        "requests": len(latencies),
        "errors": sum(sum(result.paths[path].errors.values()) for path in paths),
        "rps": len(latencies) / result.elapsed if result.elapsed else 0.0,
        "p50": percentile(latencies, 0.50) * 1000,
        "p95": percentile(latencies, 0.95) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
    }


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
    for name, path in page_list:
        counted = scale_counts[path]
        rows.append(
            {
                "name": name,
                "path": path,
                "status": counted["status"],
                "queries_scale": counted["queries"],
                "queries_demo": demo_counts.get(path, {}).get("queries"),
                "bytes": counted["bytes"],
                "missing": counted["status"] == 404,
            }
        )
    distinct = {"name": f"{len(DISTINCT_SEARCHES)} distinct searches", "status": 200}
    load_before = os.getloadavg()[0]
    memory = {}
    for mode in args.modes:
        log(f"Measuring with the page cache {'on' if mode == 'cached' else 'off'} ({mode})…")
        with Gunicorn(
            args.database_url, port=args.port, workers=args.workers, env=MODES[mode]
        ) as server:
            for row in rows:
                if row["missing"]:
                    continue
                path, ok = row["path"], frozenset({row["status"]})
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
                row[mode] = timings(result, [path])
                log(f"  {row['name']}: {row[mode]['rps']:.1f} req/s, p50 {row[mode]['p50']:.1f} ms")
            if not args.only or args.only in distinct["name"]:
                # No warm-up: a search nobody has run since the last change is the point.
                search_paths = distinct_search_paths()
                result = run_load(
                    HOST,
                    args.port,
                    search_paths,
                    connections=args.connections,
                    seconds=args.seconds * 4,
                    max_requests=len(search_paths) * 2,
                )
                distinct[mode] = timings(result, search_paths)
                log(f"  {distinct['name']}: p95 {distinct[mode]['p95']:.1f} ms")
            memory = server.worker_memory()
    if any(mode in distinct for mode in args.modes):
        rows.append(distinct)
    return {
        "resolved": resolved,
        "modes": args.modes,
        "rows": rows,
        "worker_memory_kib": memory,
        # Other processes on the machine skew latency: say how busy it was.
        "load_average": [load_before, os.getloadavg()[0]],
    }


def verdict(row: dict, modes: list[str]) -> str:
    if row.get("missing"):
        return "missing (404)"
    checks = []
    if row["name"] == "recipe detail":
        checks.append(("p50", RECIPE_DETAIL_P50_MS))
    if row["name"].startswith("search") or row["name"].endswith("searches"):
        checks.append(("p95", SEARCH_P95_MS))
    notes = []
    for stat, limit in checks:
        results = [
            f"{mode} {'ok' if row[mode][stat] <= limit else 'MISS'}"
            for mode in modes
            if mode in row
        ]
        notes.append(f"{stat}<={limit}ms: {', '.join(results)}")
    demo, scale = row.get("queries_demo"), row.get("queries_scale")
    if demo is not None and demo != scale:
        notes.append("queries differ from demo size")
    errors = sum(row[mode]["errors"] for mode in modes if mode in row)
    if errors:
        notes.append(f"{errors} errors")
    return "; ".join(notes)


def table(report: dict) -> str:
    modes = report["modes"]
    header = f"{'page':<26} {'status':>6}"
    for mode in modes:
        header += f" | {mode + ' req/s':>14} {'p50':>6} {'p95':>6} {'p99':>6}"
    header += f" | {'SQL demo':>8} {'SQL scale':>9} {'HTML KB':>7}  target"
    lines = [header, "-" * len(header)]
    for row in report["rows"]:
        line = f"{row['name']:<26} {row['status']:>6}"
        for mode in modes:
            if mode in row:
                t = row[mode]
                line += f" | {t['rps']:>14.1f} {t['p50']:>6.1f} {t['p95']:>6.1f} {t['p99']:>6.1f}"
            else:
                line += f" | {'':>14} {'':>6} {'':>6} {'':>6}"
        demo = row.get("queries_demo")
        scale = row.get("queries_scale")
        size = row.get("bytes")
        line += (
            f" | {'-' if demo is None else demo:>8} {'-' if scale is None else scale:>9} "
            f"{'-' if size is None else f'{size / 1024:.1f}':>7}  {verdict(row, modes)}"
        )
        lines.append(line)
    lines.append("Times in ms. " + "; ".join(f"{mode}: {MODE_NOTES[mode]}" for mode in modes))
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


MODE_NOTES = {
    "cached": "page cache on, as deployed (repeat visits are replays)",
    "rendered": "page cache off, every request rendered, as for visitors with a session",
}


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
    parser.add_argument(
        "--modes",
        type=lambda value: value.split(","),
        default=list(MODES),
        help="cached, rendered or both (the default), comma-separated.",
    )
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
