"""The benchmark's printed report: what was measured, how, on what, and the figures.

.venv/bin/python -m bench.report figures.json     # print a run saved with --json
"""

import json
import sys
from pathlib import Path

from bench.server import BENCH_REDIS_URL
from bench.transfer import Transfer

KIB = 1024
MODE_NOTES = {
    "uncached": "every cache off: page cache, content-data cache and Redis; each request "
    "renders the page and reads its data",
    "cached": f"as deployed, page cache and data cache in Redis ({BENCH_REDIS_URL})",
}
STATIC_NAME = "static CSS file"


def _kb(value) -> str:
    return "-" if value is None else f"{value / KIB:.1f}"


def _rate(value: float) -> str:
    """Requests per second: two decimals below 1, so a page of one request a minute does
    not read 0.0."""
    return f"{value:.2f}" if value < 1 else f"{value:.1f}"


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 1000 else f"{value:.0f}"


def _count(value) -> str:
    return "-" if value is None else str(value)


def transfer_dict(transfer: Transfer) -> dict:
    return {
        "page": transfer.page,
        "html_encoding": transfer.html.content_encoding,
        "total_raw": transfer.total("raw_bytes"),
        "total_gzip": transfer.total("gzip_bytes"),
        "total_served": transfer.total("served_bytes"),
        "assets": [
            {
                "url": asset.url,
                "kind": asset.kind,
                "status": asset.status,
                "raw_bytes": asset.raw_bytes,
                "gzip_bytes": asset.gzip_bytes,
                "served_bytes": asset.served_bytes,
                "content_encoding": asset.content_encoding,
                "max_age": asset.max_age,
                "problems": asset.problems,
            }
            for asset in transfer.assets
        ],
    }


def settings_line(settings: dict) -> str:
    caches = ", ".join(
        f"{alias}={backend.rsplit('.', 1)[-1]}"
        + (" (each worker's own memory)" if backend.endswith("LocMemCache") else "")
        for alias, backend in settings["caches"].items()
    )
    seconds = ", ".join(
        f"{name}={value}" for name, value in sorted(settings["cache_seconds"].items())
    )
    return (
        f"in force: caches {caches}; {seconds}; "
        f"Redis {'used' if settings['redis'] else 'not used'}; "
        f"DEBUG {'on' if settings['debug'] else 'off'}"
    )


def _timing_table(mode: str, rows: list[dict]) -> list[str]:
    static = next((r for r in rows if r["name"] == STATIC_NAME and "timing" in r), None)
    static_rps = static["timing"]["rps"] if static else 0
    share = mode == "cached" and static_rps
    header = (
        f"{'page':<36} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7}   {'CPU ms = py + pg':<22}"
    )
    if share:
        header += f" {'% static':>8}  page cache"
    lines = [header, "-" * len(header)]
    for row in rows:
        name = row["name"]
        if "timing" not in row:
            lines.append(f"{name:<36} n/a: {row.get('missing', 'not measured')}")
            continue
        t = row["timing"]
        cpu = f"{_ms(t['cpu_ms'])} = {_ms(t['cpu_py_ms'])} + {_ms(t['cpu_pg_ms'])}"
        line = (
            f"{name:<36} {_rate(t['rps']):>7} {_ms(t['p50']):>7} {_ms(t['p95']):>7} "
            f"{_ms(t['p99']):>7}   {cpu:<22}"
        )
        if share and row.get("visitor") == "anonymous" and name != STATIC_NAME:
            line += f" {100 * t['rps'] / static_rps:>7.0f}%"
            if "page_cache" in row:
                line += f"  {row['page_cache'] or 'rendered'}"
        errors = sum(t["errors"].values())
        if errors:
            line += f"  {errors} errors: {t['errors']}"
        lines.append(line)
    return lines


def _memory_lines(memory: dict) -> list[str]:
    return [
        f"  worker {pid}: RSS {values.get('VmRSS', 0) / KIB:.0f} MiB, "
        f"peak {values.get('VmHWM', 0) / KIB:.0f} MiB"
        for pid, values in sorted(memory.items())
    ]


def _size_table(report: dict) -> list[str]:
    first_mode = next(iter(report["modes"].values()), {"rows": []})
    counts = report["counts"]
    header = (
        f"{'page':<36} {'status':>6} {'SQL demo':>8} {'SQL scale':>9} "
        f"{'KB raw':>8} {'KB gzip':>8}  sent as"
    )
    lines = [header, "-" * len(header)]
    for row in first_mode["rows"]:
        if row["name"] == STATIC_NAME or "timing" not in row and "missing" not in row:
            continue
        name = row["name"]
        demo = counts.get("demo", {}).get(name, {})
        scale = counts.get("scale", {}).get(name, {})
        size = row.get("size") or {}
        status = size.get("status") or "n/a"
        line = (
            f"{name:<36} {status!s:>6} {_count(demo.get('queries')):>8} "
            f"{_count(scale.get('queries')):>9} {_kb(size.get('raw_bytes')):>8} "
            f"{_kb(size.get('gzip_bytes')):>8}  "
        )
        line += (size.get("content_encoding") or "uncompressed") if size else ""
        if None not in (demo.get("queries"), scale.get("queries")) and (
            demo["queries"] != scale["queries"]
        ):
            line += "  (queries differ with the data size)"
        lines.append(line)
    return lines


def _transfer_lines(transfer: dict) -> list[str]:
    lines = [
        f"What a browser downloads for {transfer['page']} (Accept-Encoding: gzip, br):",
        f"  HTML sent {transfer['html_encoding'] or 'uncompressed'}; "
        f"HTML + CSS + JS: {_kb(transfer['total_raw'])} KB raw, "
        f"{_kb(transfer['total_gzip'])} KB gzip-compressed, "
        f"{_kb(transfer['total_served'])} KB as sent (fonts and images not counted)",
    ]
    header = f"  {'file':<64} {'kind':<5} {'KB raw':>7} {'KB sent':>7} {'enc':<5} {'max-age':>10}"
    lines += [header, "  " + "-" * (len(header) - 2)]
    for asset in transfer["assets"]:
        path = asset["url"].split("//", 1)[-1].split("/", 1)[-1]
        line = (
            f"  /{path:<63} {asset['kind']:<5} {_kb(asset['raw_bytes']):>7} "
            f"{_kb(asset['served_bytes']):>7} {asset['content_encoding'] or '-':<5} "
            f"{asset['max_age']:>10}"
        )
        if asset["problems"]:
            line += "  FLAG: " + ", ".join(asset["problems"])
        lines.append(line)
    flagged = [a for a in transfer["assets"] if a["problems"] and a["kind"] != "html"]
    lines.append(
        f"  {len(flagged)} of {len(transfer['assets']) - 1} static files flagged "
        "(not hashed, or cached for less than a year)"
        if flagged
        else "  Every static file has a hashed name and a cache lifetime of a year or more."
    )
    return lines


def text(report: dict) -> str:
    data = report["data"]
    budget = report["budget"]
    load = report["load_average"]
    lines = [
        f"Plumbing benchmark {'(quick smoke run) ' if report['quick'] else ''}"
        f"on {report['date']}, commit {report['commit']}, {report['cpus']} CPUs",
        f"Data: {report['database']} with {data['recipes']:,} synthetic recipes, "
        f"{data['offerings']:,} synthetic offerings and {data['suppliers']:,} synthetic "
        "suppliers beside the demo content"
        + (
            f"; demo-size query counts from {report['demo_database']}"
            if report["demo_database"]
            else ""
        ),
        "Seeding: "
        + (
            "; ".join(
                f"{kind} {'not needed' if seconds is None else f'took {seconds:.0f} s'}"
                for kind, seconds in report["seeding_seconds"].items()
            )
            or "not checked"
        ),
        f"Load: gunicorn with {budget['workers']} sync workers, {budget['connections']} "
        f"connections, per page {budget['warmup']} warm-up requests then up to "
        f"{budget['requests']} requests or {budget['seconds']:g} s",
        "Load average (1, 5, 15 min): before "
        + " ".join(f"{v:.2f}" for v in load["before"])
        + ", after "
        + " ".join(f"{v:.2f}" for v in load["after"])
        + f" (on {report['cpus']} CPUs; above 1 per CPU the machine was busy)",
        "Times in ms. CPU ms per request = gunicorn workers (py) + their PostgreSQL "
        "backends (pg), from /proc, divided by the requests completed.",
    ]
    for mode, measured in report["modes"].items():
        lines += [
            "",
            f"== Mode {mode}: {MODE_NOTES[mode]}",
            f"   {settings_line(report['settings'][mode])}",
        ]
        lines += _timing_table(mode, measured["rows"])
        lines.append(f"Worker memory at the end of the {mode} run:")
        lines += _memory_lines(measured["memory_kib"])
    lines += [
        "",
        "Status, SQL queries (counted in-process, every cache off) and size of each page:",
    ]
    lines += _size_table(report)
    transfer = next((m["transfer"] for m in report["modes"].values() if m.get("transfer")), None)
    if transfer:
        lines += [""] + _transfer_lines(transfer)
    lines.append(f"\nThe whole run took {report['elapsed_seconds'] / 60:.1f} min.")
    return "\n".join(lines)


if __name__ == "__main__":
    print(text(json.loads(Path(sys.argv[1]).read_text())))
