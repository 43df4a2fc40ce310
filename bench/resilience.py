"""Stops a real PostgreSQL under a running site and starts it again.

Shows that pages answer a friendly 503 quickly while the database is down and that the
site recovers by itself when it returns. Targets 127.0.0.1 only, bounded in time, and
always restarts PostgreSQL, even on failure.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plumbing_bench \\
        .venv/bin/python bench/resilience.py

It stops the machine's PostgreSQL cluster: do not run it while other work uses it.
"""

import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT = int(os.environ.get("RESILIENCE_PORT", "8098"))
BASE = f"http://127.0.0.1:{PORT}"


def cluster_version() -> str:
    return sorted(os.listdir("/etc/postgresql"))[-1]


def pg(action: str) -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", cluster_version(), "main", action],
        check=True,
        capture_output=True,
    )


def fetch(path: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(BASE + path, timeout=10) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = 0
    return status, (time.perf_counter() - started) * 1000


def main() -> int:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Set DATABASE_URL to a migrated PostgreSQL database.")
        return 2
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "patterns_site.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "PAGE_CACHE_SECONDS": "0",
        "DB_CONN_MAX_AGE": "60",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "patterns_site.wsgi:application",
         "--bind", f"127.0.0.1:{PORT}", "--workers", "2", "--timeout", "30"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    failures = []
    try:
        for _ in range(60):
            if fetch("/healthz")[0] == 200:
                break
            time.sleep(0.5)
        print("before:", "healthz", fetch("/healthz"), "components", fetch("/components/"))

        pg("stop")
        stopped_at = time.perf_counter()
        down = [(path, *fetch(path)) for path in ["/healthz", "/components/", "/recipes/"] * 3]
        for path, status, ms in down:
            print(f"database down: {path:14} {status} in {ms:7.1f} ms")
            if status != 503:
                failures.append(f"{path} answered {status} with the database down")
            if ms > 3500:
                failures.append(f"{path} took {ms:.0f} ms with the database down")

        pg("start")
        for _ in range(120):
            if fetch("/components/")[0] == 200:
                break
            time.sleep(0.25)
        recovered = time.perf_counter() - stopped_at
        after = [fetch(path) for path in ["/healthz", "/components/", "/recipes/"]]
        print(f"after restart: {after} (outage seen for {recovered:.1f} s in total)")
        if any(status != 200 for status, _ in after):
            failures.append(f"site did not recover: {after}")
    finally:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", cluster_version(), "main", "start"],
            capture_output=True, check=False,
        )  # fmt: skip
        server.terminate()
        server.wait(timeout=10)
    for failure in failures:
        print("FAIL:", failure)
    print("resilience:", "passed" if not failures else "failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
