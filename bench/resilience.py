"""Outages under a running site, on private services only: a PostgreSQL cluster and a
redis-server of this script's own (never the machine's shared ones), which it stops,
hangs and starts again under gunicorn with production settings.

    .venv/bin/python bench/resilience.py

It reports, for each phase, every page's status and time:

- Redis stopped (SIGTERM) and hung (SIGSTOP): pages answer 200, each in well under a
  second, /healthz says the cache is degraded with a 200, and caching resumes when Redis
  is back;
- PostgreSQL stopped: pages not in the page cache answer a 503 within the 3-second
  connect timeout, /healthz a 503, and the site recovers by itself when it returns.

Ports (127.0.0.1 only): RESILIENCE_PORT for gunicorn (8098), RESILIENCE_PG_PORT (5441)
and RESILIENCE_REDIS_PORT (6419). Everything it starts is stopped and removed on exit.
"""

import glob
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT = int(os.environ.get("RESILIENCE_PORT", "8098"))
PG_PORT = int(os.environ.get("RESILIENCE_PG_PORT", "5441"))
REDIS_PORT = int(os.environ.get("RESILIENCE_REDIS_PORT", "6419"))
BASE = f"http://127.0.0.1:{PORT}"
PAGES = ["/", "/components/", "/recipes/", "/api/recipes/", "/feeds/recipes/", "/sitemap.xml"]
FAST_MS = 1000


def log(message: str) -> None:
    print(message, flush=True)


class PrivatePostgres:
    """A throwaway cluster in a temporary directory (initdb, pg_ctl), as the postgres
    user when this runs as root, since PostgreSQL refuses to run as root."""

    def __init__(self, port: int):
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not binaries:
            raise SystemExit(
                "PostgreSQL's server binaries are missing (apt-get install postgresql)"
            )
        self.bin = Path(binaries[-1]).parent
        self.port = port
        self.directory = Path(tempfile.mkdtemp(prefix="plumbing-resilience-pg-"))
        self.data = self.directory / "data"
        if os.getuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.url = f"postgres://postgres@127.0.0.1:{port}/plumbing_resilience"

    def run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if os.getuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory}"
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-l",
                 str(self.directory / "log"), "start")  # fmt: skip

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        subprocess.run(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]
            if os.getuid() != 0
            else ["runuser", "-u", "postgres", "--", str(self.bin / "pg_ctl"), "-D",
                  str(self.data), "-m", "immediate", "stop"],
            capture_output=True, check=False,
        )  # fmt: skip
        shutil.rmtree(self.directory, ignore_errors=True)


class PrivateRedis:
    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(0.5)

    def signal(self, number: int) -> None:
        self.process.send_signal(number)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)


def fetch(path: str) -> tuple[int, float, str]:
    started = time.perf_counter()
    cache = ""
    try:
        with urllib.request.urlopen(BASE + path, timeout=10) as response:
            status = response.status
            cache = response.headers.get("X-Page-Cache", "")
            response.read()
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = 0
    return status, (time.perf_counter() - started) * 1000, cache


def health() -> str:
    try:
        with urllib.request.urlopen(BASE + "/healthz", timeout=10) as response:
            return f"{response.status} {response.read().decode()}"
    except urllib.error.HTTPError as error:
        return f"{error.code} {error.read().decode()}"
    except OSError as error:
        return f"unreachable ({error})"


def phase(
    name: str,
    failures: list,
    *,
    expect: int | None = 200,
    fast_ms: float = FAST_MS,
    cache_status: str | None = None,
):
    """Every page twice: the first may pay a timeout, the second shows the steady state.
    With cache_status, /healthz must report the cache so ("ok": Redis answers)."""
    log(f"\n{name}")
    for round_number in (1, 2):
        for path in PAGES:
            status, ms, cache = fetch(path)
            log(f"  {round_number} {path:16} {status} {ms:8.1f} ms {cache}")
            if expect is not None and status != expect:
                failures.append(f"{name}: {path} answered {status}")
            if ms > fast_ms:
                failures.append(f"{name}: {path} took {ms:.0f} ms")
    report = health()
    log(f"  /healthz {report}")
    if cache_status and f'"cache": "{cache_status}"' not in report:
        failures.append(f"{name}: /healthz does not report the cache {cache_status}")


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=900)  # fmt: skip


def main() -> int:
    postgres = PrivatePostgres(PG_PORT)
    redis = PrivateRedis(REDIS_PORT)
    server = None
    failures: list[str] = []
    try:
        postgres.start()
        postgres.run("createdb", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres",
                     "plumbing_resilience")  # fmt: skip
        redis.start()
        env = {
            **os.environ,
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis.url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "DB_CONN_MAX_AGE": "60",
        }
        log("Migrating and loading the demo content into the private cluster...")
        manage({**env, "DJANGO_SETTINGS_MODULE": "patterns_site.settings.dev"}, "migrate")
        manage({**env, "DJANGO_SETTINGS_MODULE": "patterns_site.settings.dev"}, "load_demo_data")
        # Production settings (bench.settings), with static files collected where this
        # run keeps its own things, as the manifest storage needs.
        env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
        # As deployed: the cache, the page cache and the data cache in Redis. (The
        # benchmark's default mode turns every cache off, which left Redis untested.)
        env["BENCH_MODE"] = "cached"
        env["BENCH_STATIC_ROOT"] = str(postgres.directory / "static")
        manage(env, "collectstatic", "--noinput", "-v0")
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "patterns_site.wsgi:application",
             "--bind", f"127.0.0.1:{PORT}", "--workers", "2", "--timeout", "30"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(120):
            if fetch("/healthz")[0] == 200:
                break
            time.sleep(0.5)
        # Compiling templates on the first request of each worker is not what is measured.
        phase("Warm-up (each worker renders and caches)", failures, fast_ms=10_000)
        phase("Everything up", failures, cache_status="ok")

        redis.signal(signal.SIGTERM)
        redis.process.wait(timeout=10)
        phase("Redis stopped (SIGTERM)", failures, cache_status="degraded")
        redis.start()
        time.sleep(5.5)  # the skip window
        phase("Redis started again (empty)", failures, cache_status="ok")

        redis.signal(signal.SIGSTOP)
        phase("Redis hung (SIGSTOP)", failures, cache_status="degraded")
        redis.signal(signal.SIGCONT)
        time.sleep(5.5)
        phase("Redis resumed (SIGCONT)", failures, cache_status="ok")

        postgres.stop()
        stopped_at = time.perf_counter()
        phase("PostgreSQL stopped (pages in the page cache may still answer)", failures,
              expect=None, fast_ms=3500)  # fmt: skip
        search = fetch(f"/search/?q=outage{secrets.token_hex(3)}")
        log(f"  an uncached page: {search[0]} in {search[1]:.1f} ms")
        if search[0] != 503:
            failures.append(f"an uncached page answered {search[0]} with the database down")
        if not health().startswith("503"):
            failures.append("/healthz did not answer 503 with the database down")
        postgres.start()
        for _ in range(120):
            if fetch(f"/search/?q=back{secrets.token_hex(3)}")[0] == 200:
                break
            time.sleep(0.25)
        log(f"\nPostgreSQL back: the site recovered {time.perf_counter() - stopped_at:.1f} s "
            "after the stop")  # fmt: skip
        phase("PostgreSQL started again", failures)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        redis.stop()
        postgres.remove()
    for failure in failures:
        log(f"FAIL: {failure}")
    log("resilience: " + ("passed" if not failures else "failed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
