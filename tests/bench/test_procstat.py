"""The benchmark's CPU and memory accounting from /proc: a process's own CPU, and the
PostgreSQL backends of one server's connections, told apart from everyone else's."""

import os
import subprocess
import sys
import time
import uuid

import psycopg
import pytest
from django.db import connection

from bench import procstat

BUSY = "sum(i * i for i in range(3_000_000)); import time; time.sleep(30)"


@pytest.fixture
def busy_child(tmp_path):
    """A Python child that works for a moment, then sleeps, under a command name with
    spaces and brackets, as /proc/<pid>/stat shows it (the name is not quoted there)."""
    odd_name = tmp_path / "py) (bench x"
    odd_name.symlink_to(sys.executable)
    child = subprocess.Popen([str(odd_name), "-c", BUSY])  # noqa: S603 (our own interpreter)
    yield child
    child.kill()
    child.wait()


def wait_for_cpu(pid, at_least, limit=30.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if (procstat.cpu_seconds(pid) or 0) >= at_least:
            return
        time.sleep(0.05)


def test_bench_reads_cpu_and_memory_of_a_process_with_an_awkward_name(busy_child):
    """The parser reads past the last bracket of the name, finds the child under its
    parent, and reports its CPU and resident memory."""
    wait_for_cpu(busy_child.pid, 0.05)
    assert busy_child.pid in procstat.children(os.getpid())
    assert procstat.cpu_seconds(busy_child.pid) >= 0.05
    memory = procstat.memory_kib(busy_child.pid)
    assert memory["VmRSS"] > 1000
    assert memory["VmHWM"] >= memory["VmRSS"]


def test_bench_cpu_of_an_exited_process_is_none():
    """A pid that has gone answers None rather than raising in the middle of a run."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert procstat.cpu_seconds(child.pid) is None
    assert procstat.memory_kib(child.pid) == {}


def _connect(application_name):
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        application_name=application_name,
        autocommit=True,
    )


def _admin_url():
    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    return f"postgres://{settings['USER']}@{host}:{port}/postgres"


WORK = "SELECT count(*) FROM generate_series(1, 3000000)"


@pytest.mark.django_db
def test_bench_meter_counts_only_the_backends_of_its_own_server():
    """CPU spent by a backend whose connection carries the server's application name is
    counted, a backend of another connection to the same database is not, and a backend
    that connected after the start and closed before the end still counts."""
    name = f"bench-test-{uuid.uuid4().hex[:8]}"
    meter = procstat.CpuMeter(
        worker_pids=lambda: [],
        admin_url=_admin_url(),
        database=connection.settings_dict["NAME"],
        application_name=name,
        interval=0.05,
    ).start()
    with _connect(f"{name}-other") as other:
        other_pid = other.execute("SELECT pg_backend_pid()").fetchone()[0]
        other.execute(WORK)
    with _connect(name) as ours:
        our_pid = ours.execute("SELECT pg_backend_pid()").fetchone()[0]
        for _ in range(3):
            ours.execute(WORK)
        # Give the meter's thread a sample after the work, as it gets during a load.
        time.sleep(0.5)
    use = meter.stop()
    assert use.backends == [our_pid]
    assert other_pid not in use.backends
    assert use.postgres > 0
    assert use.python == 0
