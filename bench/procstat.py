"""What a server costs the machine, read from /proc: the CPU time of its worker processes
and of the PostgreSQL backends that serve their connections, and the workers' memory.

PostgreSQL runs on this machine, so its backends are ordinary processes here: their pids
come from pg_stat_activity and their CPU from /proc/<pid>/stat, like the workers'.
"""

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name, so that index 0 is field 3
    (state) of proc(5). The name may hold spaces and brackets: split after the last ')'."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time the process has used, all its threads included (utime
    and stime, fields 14 and 15); None once it has exited."""
    fields = _stat_fields(pid)
    if fields is None:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def started_after_boot(pid: int) -> float | None:
    """When the process started, in seconds since boot (field 22)."""
    fields = _stat_fields(pid)
    return None if fields is None else int(fields[19]) / CLOCK_TICKS


def children(ppid: int) -> list[int]:
    """Pids whose parent is ppid (field 4)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None and int(fields[1]) == ppid:
                pids.append(int(entry.name))
    return sorted(pids)


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (the peak resident size) in KiB."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    except OSError:
        pass
    return values


def _seconds_since_boot() -> float:
    return time.clock_gettime(time.CLOCK_BOOTTIME)


def postgres_backends(connection, *, database: str, application_name: str) -> list[int]:
    """Client backends connected to `database` under `application_name` (set by the
    server's PGAPPNAME), other than the one asking."""
    rows = connection.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = %s "
        "AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
        [database, application_name],
    ).fetchall()
    return [pid for (pid,) in rows]


@dataclass
class _Tracked:
    base: float
    last: float


@dataclass
class CpuUse:
    """CPU seconds used between start and stop, by the workers and by PostgreSQL."""

    python: float = 0.0
    postgres: float = 0.0
    workers: list[int] = field(default_factory=list)
    backends: list[int] = field(default_factory=list)


class CpuMeter:
    """Measures the CPU a server spends between start() and stop(): its worker processes
    (given by worker_pids) and the PostgreSQL backends serving them.

    Backends come and go (Django closes a connection after CONN_MAX_AGE and opens a new
    one), so a thread looks for them while the load runs and keeps each one's last
    reading: a backend that exits during the run still counts up to its last sample. A
    process started after start() counts from zero.
    """

    def __init__(
        self,
        *,
        worker_pids: Callable[[], list[int]],
        admin_url: str,
        database: str,
        application_name: str,
        interval: float = 0.25,
    ):
        self.worker_pids = worker_pids
        self.admin_url, self.database = admin_url, database
        self.application_name = application_name
        self.interval = interval
        self._workers: dict[int, _Tracked] = {}
        self._backends: dict[int, _Tracked] = {}
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None
        self._connection = None
        self._started = 0.0

    def _track(self, tracked: dict[int, _Tracked], pids: list[int]):
        for pid in pids:
            now = cpu_seconds(pid)
            if now is None:
                continue
            if pid in tracked:
                tracked[pid].last = now
                continue
            born = started_after_boot(pid)
            base = 0.0 if born is not None and born >= self._started else now
            tracked[pid] = _Tracked(base=base, last=now)

    def sample(self):
        self._track(self._workers, self.worker_pids())
        backends = postgres_backends(
            self._connection, database=self.database, application_name=self.application_name
        )
        # Read those found earlier too: one may have left pg_stat_activity but not exited.
        self._track(self._backends, sorted(set(backends) | set(self._backends)))

    def _run(self):
        while not self._halt.wait(self.interval):
            self.sample()

    def start(self) -> "CpuMeter":
        # One connection of the meter's own, to another database so it is never counted.
        self._connection = psycopg.connect(self.admin_url, autocommit=True)
        self._started = _seconds_since_boot()
        self._workers, self._backends = {}, {}
        self.sample()
        self._halt.clear()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> CpuUse:
        self._halt.set()
        if self._thread is not None:
            self._thread.join(5)
        self.sample()
        self._connection.close()
        return CpuUse(
            python=sum(t.last - t.base for t in self._workers.values()),
            postgres=sum(t.last - t.base for t in self._backends.values()),
            workers=sorted(self._workers),
            backends=sorted(self._backends),
        )
