"""Measuring one page on a running server: its size, then requests per second, latency
percentiles and the server CPU each request costs, under a bounded load from 127.0.0.1.

The same code times Plumbing (bench.run) and any other gunicorn-served site, so figures
side by side are taken the same way.
"""

from dataclasses import dataclass, field
from functools import partial

from bench.loadgen import percentile, run_load
from bench.server import HOST, Gunicorn
from bench.transfer import fetch_asset
from bench.visitors import Visitor

# What a browser sends: the server may compress what it sends back.
BROWSER_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Encoding": "gzip, deflate, br",
}


@dataclass
class Budget:
    """How hard to push one page: bounded by a time limit and a request budget."""

    connections: int = 2
    seconds: float = 8.0
    requests: int = 400
    warmup: int = 10
    warmup_seconds: float = 10.0


@dataclass
class Size:
    status: int
    raw_bytes: int
    gzip_bytes: int
    content_encoding: str


@dataclass
class Timing:
    requests: int
    errors: dict[str, int]
    elapsed: float
    rps: float
    p50: float
    p95: float
    p99: float
    cpu_py_ms: float
    cpu_pg_ms: float
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def cpu_ms(self) -> float:
        return self.cpu_py_ms + self.cpu_pg_ms


def size(server: Gunicorn, path: str, headers: dict | None = None) -> Size:
    """Status and size of one response: raw, gzip-compressed (level 6, here), and the
    Content-Encoding the server chose for a browser's Accept-Encoding."""
    asset, _text = fetch_asset(HOST, server.port, path, "html", headers)
    return Size(
        status=asset.status,
        raw_bytes=asset.raw_bytes,
        gzip_bytes=asset.gzip_bytes,
        content_encoding=asset.content_encoding,
    )


def page_cache_state(server: Gunicorn, path: str, headers: dict | None = None) -> str:
    """ "hit" if Plumbing's page cache served the page (its X-Page-Cache header)."""
    visitor_headers = {**BROWSER_HEADERS, **(headers or {})}
    status, response_headers, _body = Visitor(HOST, server.port).request(
        "GET", path, headers=visitor_headers
    )
    return response_headers.get("X-Page-Cache", "")


def timed(
    server: Gunicorn,
    paths: list[str],
    *,
    budget: Budget,
    headers: dict | None = None,
    ok_statuses=frozenset({200}),
    warm: bool = True,
) -> Timing:
    """Warm up, then load `paths` round robin while measuring the CPU the server's
    workers and their PostgreSQL backends use. CPU per request is that CPU divided by
    the requests completed."""
    load = partial(
        run_load,
        HOST,
        server.port,
        paths,
        # As many connections in the warm-up as in the load, so that every worker warms.
        connections=budget.connections,
        ok_statuses=ok_statuses,
        headers={**BROWSER_HEADERS, **(headers or {})},
    )
    if warm and budget.warmup:
        load(seconds=budget.warmup_seconds, max_requests=budget.warmup)
    meter = server.cpu_meter().start()
    result = load(seconds=budget.seconds, max_requests=budget.requests)
    cpu = meter.stop()
    total = result.total
    completed = len(total.latencies)
    per_request = 1000 / completed if completed else 0.0
    return Timing(
        requests=completed,
        errors=dict(total.errors),
        elapsed=result.elapsed,
        rps=result.requests_per_second(),
        p50=percentile(total.latencies, 0.50) * 1000,
        p95=percentile(total.latencies, 0.95) * 1000,
        p99=percentile(total.latencies, 0.99) * 1000,
        cpu_py_ms=cpu.python * per_request,
        cpu_pg_ms=cpu.postgres * per_request,
        statuses=dict(total.statuses),
    )
