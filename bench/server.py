"""Databases and gunicorn servers for benchmarks, on 127.0.0.1 only.

Plumbing is served in one of two modes (see bench/settings.py): "uncached", every cache
off, and "cached", as deployed with Redis. Gunicorn serves any WSGI project, so the same
measuring code can time a reference site beside Plumbing.
"""

import json
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

from bench import procstat
from bench.loadgen import RESPONSE_TIMEOUT

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
DEFAULT_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/plumbing_bench"
)
DEFAULT_DEMO_DATABASE_URL = os.environ.get(
    "BENCH_DEMO_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/plumbing_bench_demo"
)
WORK_DIR = Path(tempfile.gettempdir()) / "plumbing-bench"
STATIC_ROOT = WORK_DIR / "static"
# A Redis database of the benchmark's own, emptied before each cached server starts.
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
MODES = ("uncached", "cached")


_STARTED = time.monotonic()


def log(message: str):
    """Progress on stderr, with the seconds since the benchmark started."""
    print(f"[{time.monotonic() - _STARTED:5.0f}s] {message}", file=sys.stderr, flush=True)


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(BENCH_REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def bench_env(database_url: str, mode: str = "uncached") -> dict[str, str]:
    """Production settings with a throwaway secret, local hosts only and no HTTPS redirect.
    "uncached" leaves Redis out entirely; "cached" uses the benchmark's Redis database."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    if mode == "cached":
        if not redis_available():
            raise SystemExit(f"The cached mode needs Redis at {BENCH_REDIS_URL}.")
        env["REDIS_URL"] = BENCH_REDIS_URL
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        BENCH_MODE=mode,
        BENCH_STATIC_ROOT=str(STATIC_ROOT),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        PYTHONPATH=str(ROOT),
    )
    return env


def database_name(database_url: str) -> str:
    return urlsplit(database_url).path.lstrip("/")


def admin_url(database_url: str) -> str:
    """The same server's maintenance database, for connections that must not be counted."""
    return urlunsplit(urlsplit(database_url)._replace(path="/postgres"))


def manage(database_url: str, *args: str, timeout: int = 1200, env: dict | None = None):
    started = time.monotonic()
    # Progress lines, not a log line for every page published.
    env = {**bench_env(database_url), "LOG_LEVEL": "WARNING", **(env or {})}
    # Data commands run with the development settings, like a developer would.
    env["DJANGO_SETTINGS_MODULE"] = "patterns_site.settings.dev"
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=timeout)
    log(f"  manage.py {' '.join(args)}: {time.monotonic() - started:.1f}s")


def bench_module(
    database_url: str,
    module: str,
    *args: str,
    env: dict | None = None,
    stdin: str | None = None,
    mode: str = "uncached",
):
    """Run `python -m bench.<module> ARGS` against a database and return its JSON."""
    result = subprocess.run(
        [PYTHON, "-m", f"bench.{module}", *args],
        cwd=ROOT,
        env={
            **bench_env(database_url, mode),
            "LOG_LEVEL": "WARNING",
            "REQUEST_LOG_LEVEL": "WARNING",
            **(env or {}),
        },
        check=True,
        timeout=1200,
        input=stdin,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(result.stdout)


def database_exists(database_url: str) -> bool:
    with psycopg.connect(admin_url(database_url), autocommit=True) as connection:
        return bool(
            connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [database_name(database_url)]
            ).fetchone()
        )


def database_create(database_url: str) -> bool:
    """Create the database if it does not exist; True if it was created."""
    name = database_name(database_url)
    if not name.startswith("plumbing_bench"):
        raise SystemExit(f"Refusing to create or seed {name!r}: use a plumbing_bench* database.")
    if database_exists(database_url):
        return False
    with psycopg.connect(admin_url(database_url), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return True


def database_state(database_url: str) -> dict | None:
    """Synthetic objects per kind, or None if the database is missing."""
    if not database_exists(database_url):
        return None
    return bench_module(database_url, "fixtures", "state")


def database_seed(database_url: str, *, recipes: int, offerings: int, suppliers: int) -> float:
    """Migrate, load the demo data, then replace any synthetic data with a fresh set.
    Returns how long it took, in seconds."""
    started = time.monotonic()
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
    return time.monotonic() - started


def seed_when_needed(
    database_url: str, *, recipes: int, offerings: int, suppliers: int, force: bool = False
) -> float | None:
    """Seed unless the database already holds exactly the synthetic data asked for.
    Returns the seconds seeding took, or None if it was not needed."""
    wanted = {"recipes": recipes, "offerings": offerings, "suppliers": suppliers}
    if not force:
        state = database_state(database_url)
        if state is not None and all(state.get(k) == v for k, v in wanted.items()):
            log(f"  {database_name(database_url)} already seeded: {state}")
            return None
    log(f"Seeding {database_name(database_url)}: {wanted}…")
    seconds = database_seed(database_url, **wanted)
    log(f"  seeded {database_name(database_url)} in {seconds:.0f} s")
    return seconds


def prepare(database_url: str, *, resolved: dict | None = None, pages=None) -> dict:
    """The bench supplier account (made if missing, with a new password for this run),
    the objects to benchmark (`resolved`, or chosen from this database), the cache
    settings in force with every cache off, and each page's query count."""
    password = secrets.token_urlsafe(24)
    prepared = bench_module(
        database_url,
        "querycount",
        "prepare",
        env={"BENCH_SUPPLIER_PASSWORD": password},
        stdin=json.dumps({"resolved": resolved, "pages": pages}),
    )
    prepared["account"]["password"] = password
    return prepared


def _newest_mtime(*folders: Path) -> float:
    newest = 0.0
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                newest = max(newest, path.stat().st_mtime)
    return newest


def collectstatic(database_url: str):
    """Production settings use a manifest storage, so templates need collected files.
    Skipped when the manifest is newer than every source file."""
    manifest = STATIC_ROOT / "staticfiles.json"
    sources = [ROOT / "static", ROOT / "build" / "frontend"]
    if manifest.exists() and manifest.stat().st_mtime > _newest_mtime(*sources):
        return
    started = time.monotonic()
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "--clear", "-v0"],
        cwd=ROOT,
        env=bench_env(database_url),
        check=True,
        timeout=300,
    )
    log(f"  collectstatic into {STATIC_ROOT}: {time.monotonic() - started:.1f}s")


class Gunicorn:
    """gunicorn serving a WSGI app on 127.0.0.1 with a fixed number of sync workers;
    stops on exit. Its database connections are named (PGAPPNAME), so the CPU of the
    PostgreSQL backends serving them can be told apart from everyone else's."""

    def __init__(
        self,
        *,
        name: str,
        app: str,
        database_url: str,
        env: dict[str, str],
        port: int,
        workers: int = 2,
        cwd: Path = ROOT,
        python: str = PYTHON,
        ready_path: str = "/healthz",
        before_start=None,
    ):
        self.name, self.app, self.database_url = name, app, database_url
        self.env, self.port, self.workers = env, port, workers
        self.cwd, self.python, self.ready_path = cwd, python, ready_path
        self.before_start = before_start
        self.application_name = f"bench-{name}-{port}"
        self.log_path = WORK_DIR / f"{name}-{port}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        if self.before_start:
            self.before_start()
        WORK_DIR.mkdir(parents=True, exist_ok=True)
        # The request log goes to a file, as it would to a log collector, not the report.
        log_file = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                self.python,
                "-m",
                "gunicorn",
                self.app,
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--timeout",
                str(int(RESPONSE_TIMEOUT)),
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],  # fmt: skip
            cwd=self.cwd,
            env={**self.env, "PGAPPNAME": self.application_name},
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        log_file.close()
        deadline = time.monotonic() + 90
        url = f"http://{HOST}:{self.port}{self.ready_path}"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(
                    f"gunicorn ({self.name}) exited with code {self.process.returncode}: "
                    f"see {self.log_path}"
                )
            try:
                with urllib.request.urlopen(url, timeout=5):
                    break
            except urllib.error.HTTPError:
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        else:
            self.stop()
            raise SystemExit(f"gunicorn ({self.name}) did not answer {url} within 90 s")
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
        return procstat.children(self.process.pid) if self.process else []

    def worker_memory(self) -> dict[int, dict[str, int]]:
        """VmRSS and VmHWM (peak RSS) in KiB for each worker."""
        return {pid: procstat.memory_kib(pid) for pid in self.worker_pids()}

    def cpu_meter(self) -> procstat.CpuMeter:
        return procstat.CpuMeter(
            worker_pids=self.worker_pids,
            admin_url=admin_url(self.database_url),
            database=database_name(self.database_url),
            application_name=self.application_name,
        )


def plumbing_server(database_url: str, *, mode: str, port: int, workers: int = 2) -> Gunicorn:
    """Plumbing under production settings in the given mode."""

    def empty_redis():
        import redis

        # Nothing cached by an earlier run: every page starts cold. Only our database.
        redis.Redis.from_url(BENCH_REDIS_URL).flushdb()

    return Gunicorn(
        name=f"plumbing-{mode}",
        app="patterns_site.wsgi:application",
        database_url=database_url,
        env=bench_env(database_url, mode),
        port=port,
        workers=workers,
        before_start=empty_redis if mode == "cached" else None,
    )
