"""The printed benchmark report: the mode and the settings in force are stated, pages
that are not there yet read n/a, and the cached mode compares pages with a static file."""

from bench import report

UNCACHED_SETTINGS = {
    "mode": "uncached",
    "debug": False,
    "caches": {"default": "django.core.cache.backends.locmem.LocMemCache"},
    "cache_seconds": {"CONTENT_DATA_CACHE_SECONDS": 0, "PAGE_CACHE_SECONDS": 0},
    "redis": False,
    "session_engine": "django.contrib.sessions.backends.db",
}


def timing(rps, py, pg):
    return {
        "rps": rps,
        "p50": 10.0,
        "p95": 20.0,
        "p99": 30.0,
        "cpu_py_ms": py,
        "cpu_pg_ms": pg,
        "cpu_ms": py + pg,
        "errors": {},
    }


def a_report(mode, settings, rows):
    return {
        "date": "2026-12-01 10:00 UTC",
        "commit": "abc1234",
        "cpus": 2,
        "database": "plumbing_bench",
        "demo_database": "plumbing_bench_demo",
        "data": {"recipes": 2000, "offerings": 50000, "suppliers": 5000},
        "quick": False,
        "seeding_seconds": {"scale": 250.0, "demo": None},
        "settings": {mode: settings},
        "counts": {"demo": {"home": {"queries": 15}}, "scale": {"home": {"queries": 16}}},
        "modes": {
            mode: {
                "rows": rows,
                "memory_kib": {123: {"VmRSS": 143360, "VmHWM": 163840}},
                "transfer": None,
            }
        },
        "budget": {"connections": 2, "seconds": 8.0, "requests": 400, "warmup": 5, "workers": 2},
        "load_average": {"before": (3.5, 3.0, 2.0), "after": (3.9, 3.1, 2.1)},
        "elapsed_seconds": 600,
    }


def test_bench_report_states_the_mode_the_settings_and_missing_pages():
    """The uncached table says every cache is off and what the settings really were;
    a page not built yet reads n/a with the reason; queries that grow with the data
    are pointed out; the seeding time, load average and worker memory are printed."""
    rows = [
        {
            "name": "home",
            "visitor": "anonymous",
            "timing": timing(40.0, 20.0, 5.0),
            "size": {"status": 200, "raw_bytes": 20480, "gzip_bytes": 4096, "content_encoding": ""},
        },
        {"name": "basket, 10 recipes", "visitor": "basket10", "missing": "HTTP 404, not built yet"},
    ]
    text = report.text(a_report("uncached", UNCACHED_SETTINGS, rows))
    assert "Mode uncached: every cache off" in text
    assert "PAGE_CACHE_SECONDS=0" in text and "Redis not used" in text
    assert "25.0 = 20.0 + 5.0" in text
    assert "basket, 10 recipes" in text and "n/a: HTTP 404, not built yet" in text
    assert "(queries differ with the data size)" in text
    assert "scale took 250 s; demo not needed" in text
    assert "before 3.50 3.00 2.00, after 3.90 3.10 2.10" in text
    assert "RSS 140 MiB, peak 160 MiB" in text


def test_bench_report_gives_cached_pages_as_a_share_of_the_static_file_rate():
    """In the cached mode each anonymous page's rate is a percentage of the static CSS
    file's, measured by the same server in the same run; personal pages get none."""
    settings = {
        **UNCACHED_SETTINGS,
        "mode": "cached",
        "redis": True,
        "caches": {"default": "django.core.cache.backends.redis.RedisCache"},
    }
    rows = [
        {
            "name": "home",
            "visitor": "anonymous",
            "timing": timing(300.0, 1.5, 0.0),
            "page_cache": "hit",
        },
        {"name": "basket, 3 recipes", "visitor": "basket3", "timing": timing(9.0, 40.0, 5.0)},
        {"name": report.STATIC_NAME, "visitor": "anonymous", "timing": timing(600.0, 1.0, 0.0)},
    ]
    lines = report.text(a_report("cached", settings, rows)).splitlines()
    home = next(line for line in lines if line.startswith("home "))
    basket = next(line for line in lines if line.startswith("basket, 3 recipes"))
    assert home.split()[-2:] == ["50%", "hit"]
    assert "%" not in basket
