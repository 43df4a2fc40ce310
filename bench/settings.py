"""Production settings for local benchmarks, in the mode BENCH_MODE names:

- "uncached": every cache off. Every *_CACHE_SECONDS setting is 0 (the page cache, the
  content-data cache and any added later) and Redis is not used even if REDIS_URL is set.
  Django's cache is a stand-in of each worker's own memory (BENCH_UNCACHED_CACHE=locmem,
  the default): it keeps only what the framework keeps in any deployment, Wagtail's site
  root paths and the search vocabulary, so a page's cost is what it costs each visitor
  the page cache cannot serve. BENCH_UNCACHED_CACHE=dummy stores nothing at all.
- "cached": as deployed, with the cache in Redis (REDIS_URL, required).

Static files are collected into a directory of the benchmark's choosing
(BENCH_STATIC_ROOT), so a run never writes into the project tree.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from patterns_site.settings.production import *  # noqa: F403

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
BENCH_MODE = os.environ.get("BENCH_MODE", "uncached")

UNCACHED_BACKENDS = {
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "dummy": "django.core.cache.backends.dummy.DummyCache",
}

if BENCH_MODE == "uncached":
    REDIS_URL = ""
    _backend = os.environ.get("BENCH_UNCACHED_CACHE", "locmem")
    if _backend not in UNCACHED_BACKENDS:
        raise ImproperlyConfigured("BENCH_UNCACHED_CACHE must be locmem or dummy.")
    CACHES = {
        alias: {"BACKEND": UNCACHED_BACKENDS[_backend], "LOCATION": f"bench-{alias}"}
        for alias in {"default", *CACHES}  # noqa: F405
    }
    for _name in [name for name in globals() if name.endswith("CACHE_SECONDS")]:
        globals()[_name] = 0
elif BENCH_MODE == "cached":
    if not REDIS_URL:  # noqa: F405
        raise ImproperlyConfigured("BENCH_MODE=cached needs REDIS_URL, as deployed.")
else:
    raise ImproperlyConfigured(f"BENCH_MODE must be uncached or cached, not {BENCH_MODE!r}.")
