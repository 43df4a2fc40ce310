"""A small, bounded HTTP load generator: threads with keep-alive http.client connections,
to 127.0.0.1 only. Every run stops at a request budget or a deadline, whichever comes
first."""

import http.client
import itertools
import threading
import time
from dataclasses import dataclass, field

ALLOWED_HOSTS = {"127.0.0.1"}
# How long one response may take, for the client and for gunicorn (bench.server): at
# scale, on a busy machine, the basket has taken over a minute.
RESPONSE_TIMEOUT = 300.0


@dataclass
class PathStats:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    bytes: int = 0

    def merge(self, other: "PathStats"):
        self.latencies += other.latencies
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count
        for error, count in other.errors.items():
            self.errors[error] = self.errors.get(error, 0) + count
        self.bytes = max(self.bytes, other.bytes)


@dataclass
class LoadResult:
    elapsed: float
    paths: dict[str, PathStats]

    @property
    def total(self) -> PathStats:
        total = PathStats()
        for stats in self.paths.values():
            total.merge(stats)
        return total

    def requests_per_second(self, path: str | None = None) -> float:
        stats = self.total if path is None else self.paths[path]
        return len(stats.latencies) / self.elapsed if self.elapsed else 0.0


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of a list of seconds; 0 for an empty list."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def _worker(host, port, paths, offset, stop, budget, results, timeout, ok_statuses, headers):
    local = {path: PathStats() for path in paths}
    connection = None
    cycle = itertools.islice(itertools.cycle(paths), offset, None)
    while not stop.is_set():
        if next(budget) is None:
            break
        path = next(cycle)
        stats = local[path]
        started = time.perf_counter()
        try:
            if connection is None:
                connection = http.client.HTTPConnection(host, port, timeout=timeout)
            connection.request("GET", path, headers={"Host": f"{host}:{port}", **headers})
            response = connection.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - started
            stats.latencies.append(elapsed)
            stats.statuses[response.status] = stats.statuses.get(response.status, 0) + 1
            stats.bytes = max(stats.bytes, len(body))
            if response.status not in ok_statuses:
                key = f"HTTP {response.status}"
                stats.errors[key] = stats.errors.get(key, 0) + 1
            # gunicorn's sync workers close after each response: reconnect when told to.
            if response.will_close:
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException) as error:
            key = type(error).__name__
            stats.errors[key] = stats.errors.get(key, 0) + 1
            if connection is not None:
                connection.close()
            connection = None
    if connection is not None:
        connection.close()
    results.append(local)


class _Budget:
    """A shared request counter: next() gives a ticket until the budget is spent."""

    def __init__(self, limit: int):
        self.limit = limit
        self.lock = threading.Lock()
        self.issued = 0

    def __next__(self):
        with self.lock:
            if self.issued >= self.limit:
                return None
            self.issued += 1
            return self.issued


def run_load(
    host: str,
    port: int,
    paths: list[str],
    *,
    connections: int,
    seconds: float,
    max_requests: int,
    timeout: float = RESPONSE_TIMEOUT,
    ok_statuses=frozenset({200}),
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """Send GET requests for paths, round robin, from `connections` threads, until
    `max_requests` have been sent or `seconds` have passed. `headers` go with every
    request (a visitor's Cookie, the Accept-Encoding of a browser)."""
    if host not in ALLOWED_HOSTS:
        raise ValueError(f"Load may only target {', '.join(sorted(ALLOWED_HOSTS))}")
    if connections < 1 or seconds <= 0 or max_requests < 1:
        raise ValueError("connections, seconds and max_requests must be positive")
    stop = threading.Event()
    budget = _Budget(max_requests)
    results: list[dict[str, PathStats]] = []
    threads = [
        threading.Thread(
            target=_worker,
            args=(host, port, paths, n, stop, budget, results, timeout, ok_statuses, headers or {}),
            daemon=True,
        )
        for n in range(connections)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    deadline = started + seconds
    for thread in threads:
        thread.join(max(0.0, deadline - time.perf_counter()))
    stop.set()
    # Requests in flight get the request timeout to finish; then the threads are abandoned
    # (they are daemons) so the run always ends.
    for thread in threads:
        thread.join(timeout + 1)
    elapsed = time.perf_counter() - started
    merged = {path: PathStats() for path in paths}
    for local in results:
        for path, stats in local.items():
            merged[path].merge(stats)
    return LoadResult(elapsed=elapsed, paths=merged)
