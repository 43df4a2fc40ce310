"""Benchmark Plumbing's pages under gunicorn (production settings, 2 sync workers) on a
seeded PostgreSQL database, on 127.0.0.1.

    .venv/bin/python -m bench.run                      # seeds when needed, then both modes
    .venv/bin/python -m bench.run --modes uncached --pages search,basket
    .venv/bin/python -m bench.run --quick              # demo data only, under a minute

Two modes, each with its own server: "uncached" turns every cache off (bench/settings.py)
and "cached" is the site as deployed, with the page cache in Redis. For each page it
prints requests per second, p50/p95/p99 latency and the server CPU per request (gunicorn
workers + their PostgreSQL backends, from /proc); SQL queries at demo size and at scale,
counted with every cache off; the HTML size raw and gzip-compressed; in the cached mode
each page's rate as a share of the rate the same server sends a static CSS file; what a
browser downloads for a recipe page; and each worker's memory. Every load is bounded by a
request budget and a time limit.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import report
from bench.measure import Budget, page_cache_state, size, timed
from bench.pages import (
    BASKETS,
    DISTINCT_NAME,
    Page,
    distinct_search_paths,
    page_path,
    plumbing_pages,
    selected,
    visitor_specs,
)
from bench.server import (
    DEFAULT_DATABASE_URL,
    DEFAULT_DEMO_DATABASE_URL,
    HOST,
    MODES,
    ROOT,
    bench_module,
    collectstatic,
    database_name,
    log,
    plumbing_server,
    prepare,
    seed_when_needed,
)
from bench.transfer import PageAssets, page_transfer
from bench.visitors import SessionProblem, Visitor, basket_fill, sign_in


def commit() -> str:
    def git(*args):
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    dirty = " with uncommitted changes" if git("status", "--porcelain") else ""
    return f"{git('rev-parse', '--short', 'HEAD') or 'unknown'}{dirty}"


def build_visitors(port: int, resolved: dict, account: dict) -> dict:
    """Sessions built over HTTP on the running server; a problem instead of a Visitor
    when a page or form is not there."""
    visitors = {"anonymous": Visitor(HOST, port)}
    specs = visitor_specs(resolved, account)
    for kind in [*BASKETS, "supplier"]:
        visitor = Visitor(HOST, port)
        try:
            if kind not in specs:
                raise SessionProblem("not enough demo recipes")
            if kind in BASKETS:
                basket_fill(visitor.fetch, specs[kind]["recipes"])
            else:
                spec = specs[kind]
                sign_in(
                    visitor.fetch,
                    path=spec["sign_in"],
                    email=spec["email"],
                    password=spec["password"],
                )
            visitors[kind] = visitor
        except SessionProblem as problem:
            visitors[kind] = str(problem)
    return visitors


def stylesheet(port: int) -> str | None:
    """The first stylesheet the home page links to: a hashed file served by WhiteNoise."""
    status, _headers, body = Visitor(HOST, port).request("GET", "/")
    parser = PageAssets()
    parser.feed(body.decode("utf-8", "replace"))
    return next((href for href, kind in parser.found if kind == "css"), None)


def measure_mode(args, mode: str, pages: list[Page], resolved: dict, account: dict) -> dict:
    budget = Budget(args.connections, args.seconds, args.requests, args.warmup, args.warmup_s)
    rows = []
    with plumbing_server(
        args.database_url, mode=mode, port=args.port, workers=args.workers
    ) as server:
        visitors = build_visitors(args.port, resolved, account)
        css = stylesheet(args.port)
        for page in [*pages, Page(report.STATIC_NAME, css, missing="" if css else "no stylesheet")]:
            row = {"name": page.name, "path": page_path(page, account), "visitor": page.visitor}
            rows.append(row)
            visitor = visitors[page.visitor]
            if not row["path"] or isinstance(visitor, str):
                row["missing"] = page.missing or visitor
                log(f"  {page.name}: n/a ({row['missing']})")
                continue
            headers = visitor.cookie_header()
            probed = time.monotonic()
            probe = size(server, row["path"], headers)
            probe_seconds = time.monotonic() - probed
            if probe.status == 404:
                row["missing"] = "HTTP 404, not built yet"
                log(f"  {page.name}: n/a (404)")
                continue
            timing = timed(
                server,
                [row["path"]],
                budget=budget,
                headers=headers,
                ok_statuses=frozenset({probe.status}),
                # A page slower than the whole warm-up has warmed a worker by itself, and
                # warming both would cost minutes.
                warm=probe_seconds < budget.warmup_seconds,
            )
            row["size"] = asdict(probe)
            if mode == "cached" and page.visitor == "anonymous":
                # After the warm-up and the load: a replay by now if the page cache keeps it.
                row["page_cache"] = page_cache_state(server, row["path"], headers)
            row["timing"] = asdict(timing) | {"cpu_ms": timing.cpu_ms}
            log(
                f"  {page.name}: {timing.rps:.1f} req/s, p50 {timing.p50:.1f} ms, "
                f"CPU {timing.cpu_py_ms:.1f} + {timing.cpu_pg_ms:.1f} ms"
            )
        if selected([Page(DISTINCT_NAME, None)], args.pages):
            paths = distinct_search_paths()
            # No warm-up: a search nobody has run since the last change is the point.
            distinct_budget = Budget(
                args.connections, args.seconds * 4, len(paths) * args.distinct_rounds, 0
            )
            timing = timed(server, paths, budget=distinct_budget, warm=False)
            rows.append(
                {
                    "name": DISTINCT_NAME,
                    "visitor": "anonymous",
                    "timing": asdict(timing) | {"cpu_ms": timing.cpu_ms},
                }
            )
            log(f"  {DISTINCT_NAME}: p95 {timing.p95:.1f} ms")
        transfer = None
        if args.transfer and resolved["recipe"]:
            transfer = report.transfer_dict(page_transfer(HOST, args.port, resolved["recipe"]))
        memory = server.worker_memory()
    return {"rows": rows, "memory_kib": memory, "transfer": transfer}


def run(args) -> dict:
    started = time.monotonic()
    load_before = os.getloadavg()
    measured_commit = commit()
    seeding = {}
    if args.seed != "never":
        if not args.quick:
            seeding["scale"] = seed_when_needed(
                args.database_url,
                recipes=args.recipes,
                offerings=args.offerings,
                suppliers=args.suppliers,
                force=args.seed == "always",
            )
        if args.demo_database_url != "none":
            seeding["demo"] = seed_when_needed(
                args.demo_database_url,
                recipes=0,
                offerings=0,
                suppliers=0,
                force=args.seed == "always",
            )
    collectstatic(args.database_url)
    log("Choosing pages, counting queries in-process with every cache off…")
    with ThreadPoolExecutor(max_workers=2) as pool:
        # The cached mode's settings, read by a process of its own while the counting runs.
        cached_settings = (
            pool.submit(bench_module, args.database_url, "querycount", "settings", mode="cached")
            if "cached" in args.modes
            else None
        )
        prepared = prepare(args.database_url, pages=args.pages)
        resolved, account = prepared["resolved"], prepared["account"]
        counts = {"demo" if args.quick else "scale": prepared["counts"]}
        if not args.quick and args.demo_database_url != "none":
            # The same pages as at scale, so the two counts compare.
            demo = prepare(args.demo_database_url, resolved=resolved, pages=args.pages)
            counts["demo"] = demo["counts"]
        settings = {"uncached": prepared["settings"]}
        if cached_settings:
            settings["cached"] = cached_settings.result()
    pages = selected(plumbing_pages(resolved), args.pages)
    state = prepared["state"]
    modes = {}
    for mode in args.modes:
        log(f"Measuring in the {mode} mode…")
        modes[mode] = measure_mode(args, mode, pages, resolved, account)
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": measured_commit,
        "cpus": os.cpu_count(),
        "database": database_name(args.database_url),
        "demo_database": None if args.quick else database_name(args.demo_database_url),
        "data": state,
        "quick": args.quick,
        "seeding_seconds": seeding,
        "settings": settings,
        "counts": counts,
        "modes": modes,
        "budget": {
            "connections": args.connections,
            "seconds": args.seconds,
            "requests": args.requests,
            "warmup": args.warmup,
            "workers": args.workers,
        },
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "elapsed_seconds": time.monotonic() - started,
    }


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="The database at scale (env BENCH_DATABASE_URL).",
    )
    parser.add_argument(
        "--demo-database-url",
        default=DEFAULT_DEMO_DATABASE_URL,
        help="A demo-size database to compare query counts with, or 'none' "
        "(env BENCH_DEMO_DATABASE_URL).",
    )
    parser.add_argument(
        "--seed",
        choices=["auto", "always", "never"],
        default="auto",
        help="auto (default): seed a database unless it holds the data asked for.",
    )
    parser.add_argument("--recipes", type=int, default=2000)
    parser.add_argument("--offerings", type=int, default=50000)
    parser.add_argument("--suppliers", type=int, default=5000)
    parser.add_argument(
        "--modes",
        type=lambda v: v.split(","),
        default=list(MODES),
        help="uncached, cached or both (the default), comma-separated.",
    )
    parser.add_argument(
        "--pages",
        type=lambda v: v.split(","),
        help="Only pages whose name contains one of these, like search,basket.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="A smoke run on the demo database only, with short loads.",
    )
    parser.add_argument(
        "--uncached-cache",
        choices=["locmem", "dummy"],
        default="locmem",
        help="Django's cache in the uncached mode: each worker's memory (default), or "
        "a dummy that stores nothing, so even Wagtail's site root paths are read each time.",
    )
    parser.add_argument("--port", type=int, default=8020)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=2, help="Concurrent connections.")
    parser.add_argument("--seconds", type=float, default=8.0, help="Time limit per page.")
    parser.add_argument("--requests", type=int, default=400, help="Request budget per page.")
    parser.add_argument("--warmup", type=int, default=5, help="Warm-up requests per page.")
    parser.add_argument("--warmup-s", type=float, default=5.0, help="Warm-up time limit.")
    parser.add_argument(
        "--distinct-rounds", type=int, default=2, help=f"Rounds of the {DISTINCT_NAME}."
    )
    parser.add_argument(
        "--no-transfer",
        dest="transfer",
        action="store_false",
        help="Skip what a browser downloads for a recipe page.",
    )
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    return parser


def main(argv=None):
    parser_ = parser()
    args = parser_.parse_args(argv)
    unknown = set(args.modes) - set(MODES)
    if unknown:
        parser_.error(f"unknown mode {', '.join(sorted(unknown))}: use {', '.join(MODES)}")
    if args.connections > 16 or args.seconds > 120 or args.requests > 10_000:
        parser_.error("At most 16 connections, 120 seconds and 10,000 requests per page.")
    # Read by bench/settings.py in every process the benchmark starts.
    os.environ["BENCH_UNCACHED_CACHE"] = args.uncached_cache
    if args.quick:
        # The demo database is the one measured: its query counts are the demo column.
        args.database_url = args.demo_database_url
        args.seconds, args.requests, args.warmup, args.warmup_s = 0.25, 20, 2, 1.0
        args.distinct_rounds = 1
    report_ = run(args)
    print(report.text(report_))
    if args.json:
        args.json.write_text(json.dumps(report_, indent=2))


if __name__ == "__main__":
    main()
