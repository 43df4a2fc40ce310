"""The benchmark's two modes: "uncached" must have every cache off, whatever the
environment says, and say so; "cached" is as deployed."""

import json
import subprocess

import pytest

from bench.server import PYTHON, ROOT, bench_env

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/plumbing_bench_settings_check"


def settings_in_force(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own module)
        [PYTHON, "-m", "bench.querycount", "settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_bench_uncached_mode_turns_every_cache_off_even_with_redis_configured():
    """With REDIS_URL and cache timeouts in the environment, the uncached mode still uses
    no Redis and has the page cache, the content-data cache and any other *_CACHE_SECONDS
    at 0, with each worker's own memory as Django's cache."""
    env = bench_env(DATABASE_URL, "uncached")
    env.update(
        REDIS_URL="redis://127.0.0.1:6379/14",
        PAGE_CACHE_SECONDS="300",
        CONTENT_DATA_CACHE_SECONDS="300",
    )
    result = settings_in_force(env)
    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout)
    assert settings["mode"] == "uncached"
    assert settings["redis"] is False
    assert set(settings["caches"].values()) == {"django.core.cache.backends.locmem.LocMemCache"}
    assert settings["cache_seconds"]
    assert set(settings["cache_seconds"].values()) == {0}
    assert settings["debug"] is False


def test_bench_uncached_mode_can_store_nothing_at_all():
    """BENCH_UNCACHED_CACHE=dummy makes every cache alias Django's DummyCache."""
    env = {**bench_env(DATABASE_URL, "uncached"), "BENCH_UNCACHED_CACHE": "dummy"}
    settings = json.loads(settings_in_force(env).stdout)
    assert set(settings["caches"].values()) == {"django.core.cache.backends.dummy.DummyCache"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"BENCH_MODE": "cached", "REDIS_URL": ""}, "needs REDIS_URL"),
        ({"BENCH_MODE": "rendered"}, "must be uncached or cached"),
        ({"BENCH_UNCACHED_CACHE": "redis"}, "must be locmem or dummy"),
    ],
)
def test_bench_settings_refuse_a_mode_they_cannot_honour(extra, message):
    """A cached run without Redis, or an unknown mode, stops with a clear error instead
    of quietly measuring something else."""
    result = settings_in_force({**bench_env(DATABASE_URL, "uncached"), **extra})
    assert result.returncode != 0
    assert message in result.stderr
