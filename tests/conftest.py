"""Shared fixtures: the page tree, data shared by a group of tests, a clean cache."""

from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from catalogue.reference_data import reference_data_load
from patterns_site.services import page_tree_ensure


def database_order(item) -> int:
    """0: runs inside a transaction that is rolled back; 1: commits (a live server,
    another process), and Django empties every table after it; 2: no database."""
    marker = item.get_closest_marker("django_db")
    fixtures = item.fixturenames
    if {"transactional_db", "live_server"} & set(fixtures) or (
        marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    ):
        return 1
    if marker or {"db", "shared_data"} & set(fixtures):
        return 0
    return 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the tests that empty the database after every test that reads what the
    migrations wrote there (Wagtail's Moderators group and workflow, our default search
    synonyms). pytest-django sorts them so, but pytest then groups the tests of each
    parametrized session fixture (Playwright's browser) and moved the browser tests
    forward: the moderation email test failed on CI. Sorting again last, stably, keeps
    both orders."""
    items.sort(key=database_order)


@pytest.fixture(autouse=True)
def clear_cache():
    """Wagtail caches the site root paths, and page ids change from test to test."""
    cache.clear()
    yield
    cache.clear()


@contextmanager
def search_index_paused():
    """Save without updating the search index, which is most of the cost of saving a page
    or snippet. Only for building data that no search in the test looks for."""
    backends = {
        name: {**config, "AUTO_UPDATE": False}
        for name, config in settings.WAGTAILSEARCH_BACKENDS.items()
    }
    with override_settings(WAGTAILSEARCH_BACKENDS=backends):
        yield


@pytest.fixture
def unindexed():
    """For tests that build a lot of data and never search it."""
    with search_index_paused():
        yield


@pytest.fixture(scope="session")
def shared_data(django_db_setup, django_db_blocker):
    """A context manager for class- or module-scoped fixtures whose data is slow to build.

    What is created inside it is shared by every test in that scope and rolled back when
    the scope ends. Each test still runs in its own savepoint inside it, so a test may
    change the shared data without the next test seeing the change. Every test in the
    scope must use the fixture, or it would see data it did not ask for. The data is not
    search-indexed unless search_index=True.
    """

    @contextmanager
    def rolled_back(*, search_index=False):
        with django_db_blocker.unblock(), transaction.atomic():
            if search_index:
                yield
            else:
                with search_index_paused():
                    yield
            transaction.set_rollback(True)

    return rolled_back


@pytest.fixture
def page_tree(db):
    """The home page at the site root and the recipe index at /recipes/."""
    return page_tree_ensure()


@pytest.fixture
def home_page(page_tree):
    return page_tree[0]


@pytest.fixture
def recipe_index(page_tree):
    return page_tree[1]


@pytest.fixture(scope="module")
def reference_data(shared_data):
    """Councils, service areas and the LGSL from fixtures/open_data, loaded once for a
    module: loading takes seconds."""
    with shared_data():
        yield reference_data_load()


class PrivateRedis:
    """A redis-server of the test's own, on a port of its own, that a test can stop
    (SIGTERM), hang (SIGSTOP) and resume (SIGCONT) to see how the site copes."""

    PORTS = range(6411, 6420)

    def __init__(self, tmp_path):
        import shutil
        import socket
        import subprocess
        import time

        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is missing: run `make test`, which installs it")
        for port in self.PORTS:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) != 0:
                    break
        else:
            pytest.fail(f"No free port for a private Redis in {self.PORTS}")
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = subprocess.Popen(  # noqa: S603 - our own arguments
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
             "no", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        self.paused = False
        deadline = time.monotonic() + 10
        while self.client_or_none() is None:
            if time.monotonic() > deadline or self.process.poll() is not None:
                pytest.fail("The private redis-server did not start")
            time.sleep(0.02)

    def client_or_none(self):
        import redis

        client = redis.Redis.from_url(self.url, socket_timeout=0.5)
        try:
            client.ping()
        except redis.RedisError:
            return None
        return client

    def keys(self, pattern="*") -> list[str]:
        return sorted(key.decode() for key in self.client().keys(pattern))

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)

    def stop(self):
        import signal

        if self.paused:
            self.resume()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)

    def pause(self):
        import signal

        self.process.send_signal(signal.SIGSTOP)
        self.paused = True

    def resume(self):
        import signal

        self.process.send_signal(signal.SIGCONT)
        self.paused = False


@pytest.fixture
def private_redis(tmp_path):
    """A running private redis-server, stopped at the end of the test."""
    server = PrivateRedis(tmp_path)
    yield server
    server.stop()


def redis_cache_settings(url: str, **options) -> dict:
    """CACHES as production sets them (patterns_site.settings.base) for a Redis URL."""
    return {
        "default": {
            "BACKEND": "patterns_site.cache.ResilientRedisCache",
            "LOCATION": url,
            "SOCKET_TIMEOUT": 0.25,
            "SKIP_SECONDS": 5,
            **options,
        }
    }
