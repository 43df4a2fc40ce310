"""The Redis cache, optional at run time: a Redis that is stopped, hung or refusing
commands costs a request at most one short timeout, and the site works without it.

Everything that uses Django's cache goes through this backend: the page cache and the
data kept until content changes (patterns_site.page_cache), the content version that a
save bumps, Wagtail's site lookup, search synonyms, and any rate limit kept in the cache.

- Every socket connect and read gives up after SOCKET_TIMEOUT seconds (0.25 by default;
  Redis on the same network answers in well under a millisecond).
- Any Redis error (refused, timed out, out of memory, still loading) is treated as a miss:
  a read returns its default, a write is dropped, and the caller carries on uncached.
  So is a value that cannot be read back (damaged, or pickled by a release whose class
  has gone): the caller renders afresh and its write replaces the value.
- After a failure the backend skips Redis for SKIP_SECONDS (5): a hung Redis would
  otherwise add its timeout to every cache call of every request. Then one call tries
  again, with a PING first.
- Warnings are logged when Redis first fails, at most once a LOG_INTERVAL_SECONDS (60)
  while it stays away (with the number of failed calls), and when it answers again.
- When Redis answers again, cache_recovered is sent before anything is read from it,
  with the time of this process's last failed call. Writes made while it was away were
  lost, including content-version bumps, so the page cache renews the version then,
  unless another process already did after that time: nothing cached before the outage
  is served after it, and the pages cached since the first worker came back are kept.

Each backend instance (Django keeps one per thread) has its own breaker, so a gunicorn
sync worker pays at most one timeout per SKIP_SECONDS while Redis is away.
"""

import logging
import pickle
import threading
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.dispatch import Signal

logger = logging.getLogger("plumbing.cache")

# Sent with sender=the backend and last_failure_at (time.time() of this process's last
# failed call: every write it lost was made by then) when Redis answers again.
cache_recovered = Signal()


class CircuitBreaker:
    """Whether to try Redis now: closed (try), open (skip until a time), and the count of
    failures since the last warning, so an outage logs a line a minute, not one a call."""

    def __init__(self, *, name: str, skip_seconds: float, log_interval: float):
        self.name = name
        self.skip_seconds = skip_seconds
        self.log_interval = log_interval
        self.lock = threading.Lock()
        self.down_since = None  # monotonic time of the first failure of an outage
        self.last_failure_at = None  # wall-clock time of the last failed call
        self.skip_until = 0.0
        self.last_warning = None
        self.unlogged_failures = 0

    @property
    def is_down(self) -> bool:
        return self.down_since is not None

    def should_skip(self) -> bool:
        return self.is_down and time.monotonic() < self.skip_until

    def failed(self, error: Exception) -> None:
        now = time.monotonic()
        with self.lock:
            self.last_failure_at = time.time()
            if self.down_since is None:
                self.down_since = now
            self.skip_until = now + self.skip_seconds
            self.unlogged_failures += 1
            if self.last_warning is None or now - self.last_warning >= self.log_interval:
                logger.warning(
                    "Cache %s unavailable (%s: %s); pages are served without it, trying "
                    "again every %g s (%d failed calls since the last warning)",
                    self.name,
                    type(error).__name__,
                    error,
                    self.skip_seconds,
                    self.unlogged_failures,
                )
                self.last_warning = now
                self.unlogged_failures = 0

    def recovered(self) -> float:
        """Close the breaker; returns how long Redis was away, in seconds."""
        with self.lock:
            away = time.monotonic() - (self.down_since or time.monotonic())
            self.down_since = None
            self.skip_until = 0.0
            self.last_warning = None
            self.unlogged_failures = 0
        logger.warning("Cache %s answers again after %.1f s", self.name, away)
        return away


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client builds a new redis.Redis object on every cache call
    (about 170 response callbacks set up each time: a tenth of a page-cache hit's CPU).
    A redis.Redis object over a connection pool is safe to share, so one is kept for
    each pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's Redis cache with short timeouts, errors treated as misses and a circuit
    breaker (see the module docstring). Settings, beside BACKEND and LOCATION:
    SOCKET_TIMEOUT, SKIP_SECONDS and LOG_INTERVAL_SECONDS."""

    def __init__(self, server, params):
        params = dict(params)
        timeout = float(params.pop("SOCKET_TIMEOUT", 0.25))
        options = dict(params.get("OPTIONS") or {})
        options.setdefault("socket_connect_timeout", timeout)
        options.setdefault("socket_timeout", timeout)
        params["OPTIONS"] = options
        self.breaker = CircuitBreaker(
            name=server if isinstance(server, str) else ",".join(server),
            skip_seconds=float(params.pop("SKIP_SECONDS", 5)),
            log_interval=float(params.pop("LOG_INTERVAL_SECONDS", 60)),
        )
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def _guarded(self, operation, fallback, *args, **kwargs):
        if self.breaker.should_skip():
            return fallback
        try:
            if self.breaker.is_down:
                # Back from an outage: PING, then let the page cache renew the content
                # version before this call can read anything cached before the outage.
                self._cache.get_client(write=True).ping()
                self.breaker.recovered()
                cache_recovered.send(sender=self, last_failure_at=self.breaker.last_failure_at)
            return operation(*args, **kwargs)
        except redis.RedisError as error:
            self.breaker.failed(error)
            return fallback

    def ping(self) -> bool:
        """True when Redis answers (without waiting on it while the breaker is open)."""
        return self._guarded(lambda: bool(self._cache.get_client().ping()), False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().add, False, key, value, timeout, version)

    # What unpickling a damaged or outdated value raises.
    UNREADABLE = (pickle.UnpicklingError, EOFError, AttributeError, ImportError)

    def _read(self, operation, fallback, *args):
        try:
            return self._guarded(operation, fallback, *args)
        except self.UNREADABLE as error:  # Redis answered: not a reason to skip it
            logger.warning("A cached value could not be read, so counts as a miss: %r", error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._read(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._read(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._guarded(super().incr, missing, key, delta, version)
        if result is missing:
            raise ValueError(f"Key {key!r} not found: the cache is unavailable.")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guarded(super().delete_many, None, keys, version)

    def clear(self):
        return self._guarded(super().clear, False)
