"""Database preparation and a gunicorn server for benchmarks, on 127.0.0.1 only."""

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/plumbing_bench"
DEFAULT_DEMO_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/plumbing_bench_demo"
STATIC_ROOT = Path(tempfile.gettempdir()) / "plumbing-bench-static"


def log(message: str):
    print(message, file=sys.stderr, flush=True)


# A Redis database of the benchmark's own, emptied before each server starts.
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(BENCH_REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def bench_env(database_url: str) -> dict[str, str]:
    """Production settings with a throwaway secret, local hosts only and no HTTPS redirect,
    and Redis for the cache as in docker-compose when one answers on 127.0.0.1."""
    env = dict(os.environ)
    if redis_available():
        env["REDIS_URL"] = BENCH_REDIS_URL
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        BENCH_STATIC_ROOT=str(STATIC_ROOT),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(database_url: str, *args: str, timeout: int = 1200):
    started = time.monotonic()
    env = bench_env(database_url)
    # Data commands run with the development settings, like a developer would.
    env["DJANGO_SETTINGS_MODULE"] = "patterns_site.settings.dev"
    # Arguments come from this module, never from a request: S603 does not apply.
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=timeout)  # noqa: S603
    log(f"  manage.py {' '.join(args)}: {time.monotonic() - started:.1f}s")


def database_create(database_url: str) -> bool:
    """Create the database if it does not exist; True if it was created."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name.startswith("plumbing_bench"):
        raise SystemExit(f"Refusing to create or seed {name!r}: use a plumbing_bench* database.")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    return not exists


def database_seed(database_url: str, *, recipes: int, offerings: int, suppliers: int):
    """Migrate, load the demo data, then replace any synthetic data with a fresh set."""
    database_create(database_url)
    manage(database_url, "migrate", "--noinput", "-v0")
    manage(database_url, "load_demo_data")
    manage(database_url, "seed_scale", "--clear")
    if recipes or offerings or suppliers:
        manage(
            database_url,
            "seed_scale",
            f"--recipes={recipes}",
            f"--offerings={offerings}",
            f"--suppliers={suppliers}",
        )
    # Write the new data out now rather than while pages are being timed.
    with psycopg.connect(database_url, autocommit=True) as connection:
        try:
            connection.execute("CHECKPOINT")
        except psycopg.errors.InsufficientPrivilege:
            log("  CHECKPOINT needs a superuser or pg_checkpoint: skipped")


def demo_database_seed(database_url: str):
    """The demo content only, to compare query counts at demo size."""
    database_create(database_url)
    manage(database_url, "migrate", "--noinput", "-v0")
    manage(database_url, "load_demo_data")
    manage(database_url, "seed_scale", "--clear")


def collectstatic(database_url: str):
    """Production settings use a manifest storage, so templates need collected files."""
    started = time.monotonic()
    subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=bench_env(database_url),
        check=True,
        timeout=300,
    )
    log(f"  collectstatic into {STATIC_ROOT}: {time.monotonic() - started:.1f}s")


class Gunicorn:
    """gunicorn on 127.0.0.1 with a fixed number of sync workers; stops on exit."""

    def __init__(self, database_url: str, *, port: int, workers: int = 2, env: dict | None = None):
        self.database_url, self.port, self.workers = database_url, port, workers
        self.extra_env = env or {}
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        if redis_available():
            import redis

            # Nothing cached by an earlier run: every page starts cold.
            redis.Redis.from_url(BENCH_REDIS_URL).flushdb()
        else:
            log("  no Redis on 127.0.0.1: the page cache is off (see README)")
        self.process = subprocess.Popen(  # noqa: S603
            [
                PYTHON,
                "-m",
                "gunicorn",
                "patterns_site.wsgi:application",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],  # fmt: skip
            cwd=ROOT,
            env={**bench_env(self.database_url), **self.extra_env},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with code {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"http://{HOST}:{self.port}/healthz", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        else:
            self.stop()
            raise SystemExit("gunicorn did not answer /healthz within 60 s")
        # Wait for every worker to have booted, so both take requests from the start.
        while time.monotonic() < deadline and len(self.worker_pids()) < self.workers:
            time.sleep(0.2)
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def worker_pids(self) -> list[int]:
        """Children of the gunicorn master, read from /proc."""
        if not self.process:
            return []
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name may contain spaces; fields after the closing bracket are fixed.
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.process.pid:
                pids.append(int(entry.name))
        return sorted(pids)

    def worker_memory(self) -> dict[int, dict[str, int]]:
        """VmRSS and VmHWM (peak RSS) in KiB for each worker, from /proc/<pid>/status."""
        memory = {}
        for pid in self.worker_pids():
            values = {}
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    key, _, rest = line.partition(":")
                    if key in ("VmRSS", "VmHWM"):
                        values[key] = int(rest.split()[0])
            except OSError:
                continue
            memory[pid] = values
        return memory
