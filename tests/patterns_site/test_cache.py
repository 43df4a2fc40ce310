"""Redis is optional at run time: with a real private redis-server stopped or hung, every
kind of page, the API, feeds, downloads and the sitemap answer 200 with the right content
and quickly; saves still succeed; nothing stale is served once Redis is back; the health
check says the cache is degraded; and an outage logs a warning now and then, not per
request. Also: the page cache keys on the validated host and the scheme."""

import csv
import io
import json
import logging
import time
import xml.etree.ElementTree as ET

import pytest
from django.test import Client, override_settings

from tests.conftest import redis_cache_settings
from tests.factories import (
    ComponentFactory,
    ConformanceClaimFactory,
    CouncilFactory,
    OfferingFactory,
    RecipePageFactory,
    StandardFactory,
    SupplierFactory,
)
from tests.pages import parse, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_tree")]

# A hung Redis may cost one request one socket timeout (0.25 s), then it is skipped.
FAST = 1.0


@pytest.fixture
def content():
    component = ComponentFactory(name="Take payments", slug="take-payments")
    standard = StandardFactory(name="PCI DSS", slug="pci-dss")
    supplier = SupplierFactory(name="Larkspur Civic Ltd", slug="larkspur")
    offering = OfferingFactory(
        name="Larkspur Pay", slug="larkspur-pay", supplier=supplier, components=[component]
    )
    ConformanceClaimFactory(offering=offering, standard=standard)
    recipe = RecipePageFactory(title="Pay a parking fine", slug="parking-fine")
    CouncilFactory(name="Leeds", slug="leeds")
    return {"component": component, "offering": offering, "recipe": recipe}


def read(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def html_with(heading):
    def check(body):
        assert heading in text(parse_bytes(body).find("h1")), heading

    return check


def parse_bytes(body: bytes):
    from bs4 import BeautifulSoup

    return BeautifulSoup(body, "html.parser")


def json_with(predicate):
    def check(body):
        assert predicate(json.loads(body))

    return check


def slugs(items) -> list[str]:
    return [item["slug"] for item in items]


def feed_with(title):
    def check(body):
        root = ET.fromstring(body)  # noqa: S314 (our own response)
        titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
        assert title in titles, titles

    return check


def csv_with(value):
    def check(body):
        rows = list(csv.reader(io.StringIO(body.decode())))
        assert any(value in row for row in rows[1:]), rows[:3]

    return check


def sitemap_with(fragment):
    def check(body):
        assert fragment in body.decode()
        assert ET.fromstring(body) is not None  # noqa: S314 (our own response)

    return check


# Every kind of response the page cache or the data cache touches, with what it must say.
CHECKS = {
    "/": lambda body: parse_bytes(body).find("h1") is not None,
    "/recipes/": html_with("Recipes"),
    "/recipes/parking-fine/": html_with("Pay a parking fine"),
    "/components/": html_with("Components"),
    "/components/take-payments/": html_with("Take payments"),
    "/standards/pci-dss/": html_with("PCI DSS"),
    "/offerings/?hosting=cloud_uk": html_with("Offerings"),
    "/offerings/larkspur-pay/": html_with("Larkspur Pay"),
    "/suppliers/larkspur/": html_with("Larkspur Civic Ltd"),
    "/councils/leeds/": html_with("Leeds"),
    "/search/?q=parking": lambda body: "Pay a parking fine" in text(parse_bytes(body).find("main")),
    "/api/recipes/": json_with(lambda d: "parking-fine" in slugs(d["results"])),
    "/api/components/": json_with(lambda d: "take-payments" in slugs(d["results"])),
    "/api/offerings/larkspur-pay/": json_with(lambda d: d["name"] == "Larkspur Pay"),
    "/feeds/recipes/": feed_with("Pay a parking fine"),
    "/feeds/offerings/": feed_with("Larkspur Pay, from Larkspur Civic Ltd"),
    "/data/": html_with("Download the data"),
    "/data/offerings.csv": csv_with("larkspur-pay"),
    "/data/components.json": json_with(lambda d: "take-payments" in slugs(d["rows"])),
    "/sitemap.xml": sitemap_with("sitemap-"),
    "/sitemap-pages.xml": sitemap_with("/recipes/parking-fine/"),
    "/robots.txt": lambda body: b"Sitemap:" in body,
}


def visit_all(client):
    """Request every URL; each must answer 200 with its content, quickly."""
    timings = {}
    for url, check in CHECKS.items():
        started = time.perf_counter()
        response = client.get(url)
        body = read(response)
        timings[url] = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        assert check(body) is not False, url
    return timings


@pytest.fixture
def redis_cached(private_redis):
    """The site as deployed with Redis: its cache, the page cache and the data cache on."""
    with override_settings(
        CACHES=redis_cache_settings(private_redis.url),
        PAGE_CACHE_SECONDS=300,
        CONTENT_DATA_CACHE_SECONDS=300,
    ):
        yield private_redis


def test_pages_are_cached_in_the_private_redis(redis_cached, content):
    """With Redis up, anonymous pages are stored in it and replayed from it."""
    client = Client()
    visit_all(client)
    assert redis_cached.keys("*page:*")
    assert client.get("/components/")["X-Page-Cache"] == "hit"


def test_a_cached_value_that_cannot_be_read_is_a_miss_and_is_replaced(redis_cached, content):
    """A page stored damaged (or pickled by a release whose classes have gone) is
    rendered afresh, not a 500, and the fresh copy replaces it."""
    client = Client()
    client.get("/components/")
    keys = redis_cached.keys("*page:*")
    assert keys
    for key in keys:
        redis_cached.client().set(key, b"\x80\x05damaged")
    response = client.get("/components/")
    assert response.status_code == 200 and "X-Page-Cache" not in response
    assert client.get("/components/")["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("outage", ["stopped", "hung"])
def test_every_page_answers_correctly_and_fast_without_redis(redis_cached, content, outage):
    """Stopped (connection refused) or hung (SIGSTOP: connects, never answers), Redis is
    skipped: pages, API, feeds, downloads and sitemaps answer 200 with their content, each
    in under a second, and /healthz reports the cache degraded with a 200."""
    client = Client()
    visit_all(client)  # warm: templates compiled, pages cached
    redis_cached.stop() if outage == "stopped" else redis_cached.pause()
    timings = visit_all(client)
    slowest = max(timings.values())
    assert slowest < FAST, timings
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "degraded", "database": "ok", "cache": "degraded"}
    # A second round, inside the skip window, waits on Redis not at all.
    assert max(visit_all(client).values()) < FAST


def test_a_save_while_redis_hangs_succeeds_and_shows_once_it_returns(private_redis, content):
    """An editor's save while Redis is hung succeeds quickly; when Redis answers again the
    page cached before the outage is not served: the content version is renewed."""
    with override_settings(
        CACHES=redis_cache_settings(private_redis.url, SKIP_SECONDS=0.3),
        PAGE_CACHE_SECONDS=300,
        CONTENT_DATA_CACHE_SECONDS=300,
    ):
        client = Client()
        client.get("/components/")
        assert client.get("/components/")["X-Page-Cache"] == "hit"
        private_redis.pause()
        component = content["component"]
        component.name = "Take card payments"
        started = time.perf_counter()
        component.save()
        assert time.perf_counter() - started < FAST
        assert "Take card payments" in text(parse(client.get("/components/")))
        private_redis.resume()
        time.sleep(0.4)  # past the skip window
        response = client.get("/components/")
        assert "X-Page-Cache" not in response
        assert "Take card payments" in text(parse(response))
        assert client.get("/components/")["X-Page-Cache"] == "hit"  # caching again


def test_a_redis_restarted_empty_never_replays_an_old_version(private_redis, content, tmp_path):
    """Redis restarted without its data: the version starts afresh and pages render."""
    with override_settings(
        CACHES=redis_cache_settings(private_redis.url, SKIP_SECONDS=0.3),
        PAGE_CACHE_SECONDS=300,
    ):
        client = Client()
        client.get("/components/")
        private_redis.stop()
        content["component"].name = "Take card payments"
        content["component"].save()
        from tests.conftest import PrivateRedis

        restarted = PrivateRedis(tmp_path)
        try:
            assert restarted.port == private_redis.port
            time.sleep(0.4)
            assert "Take card payments" in text(parse(client.get("/components/")))
        finally:
            restarted.stop()


def test_an_outage_logs_a_warning_now_and_then_not_per_request(redis_cached, content, caplog):
    """A stopped Redis is reported once when it fails, not on every request, and once
    when it answers again."""
    client = Client()
    redis_cached.stop()
    with caplog.at_level(logging.WARNING, logger="plumbing.cache"):
        for _ in range(15):
            assert client.get("/components/").status_code == 200
    warnings = [r for r in caplog.records if r.name == "plumbing.cache"]
    assert len(warnings) == 1
    assert "unavailable" in warnings[0].getMessage()


def test_the_breaker_tries_again_and_reports_recovery(private_redis, content, caplog):
    """After the skip window one call tries Redis again; when it answers, the cache is
    used again and its return is logged."""
    with override_settings(
        CACHES=redis_cache_settings(private_redis.url, SKIP_SECONDS=0.2),
        PAGE_CACHE_SECONDS=300,
    ):
        client = Client()
        private_redis.pause()
        client.get("/components/")
        private_redis.resume()
        time.sleep(0.3)
        with caplog.at_level(logging.WARNING, logger="plumbing.cache"):
            client.get("/components/")
        assert any("answers again" in r.getMessage() for r in caplog.records)
        assert client.get("/components/")["X-Page-Cache"] == "hit"
        assert client.get("/healthz").json()["cache"] == "ok"


def test_the_second_worker_back_keeps_what_the_first_cached_since(private_redis, content):
    """Each worker renews the content version when Redis answers it again, as a change
    may have been lost while it was away; but not when another worker renewed it after
    this one's last failed call, else the pages cached since would all be stale. A worker
    whose own failure came after that renewal renews again."""
    from patterns_site.cache import ResilientRedisCache

    settings = redis_cache_settings(private_redis.url, SKIP_SECONDS=0.2)
    with override_settings(CACHES=settings, PAGE_CACHE_SECONDS=300):
        params = {k: v for k, v in settings["default"].items() if k not in ("BACKEND", "LOCATION")}
        other_worker = ResilientRedisCache(private_redis.url, params)
        client = Client()
        private_redis.pause()
        other_worker.get("anything")
        client.get("/components/")
        time.sleep(1.2)  # the outage lasts longer than the clocks' allowance
        private_redis.resume()
        time.sleep(0.3)
        assert client.get("/components/").get("X-Page-Cache") != "hit"  # back, renewed
        assert client.get("/components/")["X-Page-Cache"] == "hit"

        other_worker.get("anything")  # back too: its failure was before the renewal
        assert client.get("/components/")["X-Page-Cache"] == "hit"

        private_redis.pause()
        other_worker.get("anything")  # a failure of its own, after the renewal
        private_redis.resume()
        time.sleep(0.3)
        other_worker.get("anything")
        assert client.get("/components/").get("X-Page-Cache") != "hit"


def test_healthz_is_503_when_the_database_is_down_whatever_the_cache(redis_cached):
    """The database stays the one dependency whose loss takes the site out of service."""
    from unittest import mock

    from django.db import OperationalError

    redis_cached.stop()
    with mock.patch("patterns_site.views.connection.cursor", side_effect=OperationalError("x")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


# The page cache and the Host header (production-like: behind a TLS proxy, two hosts)

PRODUCTION_LIKE = {
    "ALLOWED_HOSTS": ["plumbing.example.gov.uk", "www.plumbing.example.gov.uk"],
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "PAGE_CACHE_SECONDS": 300,
}


def canonical(response) -> str:
    return parse(response).find("link", rel="canonical")["href"]


@pytest.fixture
def production_like(redis_cached):
    with override_settings(**PRODUCTION_LIKE):
        yield redis_cached


def test_a_foreign_host_is_refused_before_the_cache_is_read_or_filled(production_like, content):
    """A Host not in ALLOWED_HOSTS gets a 400, even for a page that is cached, and
    leaves nothing in the cache."""
    client = Client()
    good = client.get("/components/", HTTP_HOST="plumbing.example.gov.uk", secure=True)
    assert good.status_code == 200
    stored = production_like.keys("*page:*")
    for _ in range(2):
        evil = client.get("/components/", HTTP_HOST="evil.example", secure=True)
        assert evil.status_code == 400
        assert b"evil.example" not in evil.content
    assert production_like.keys("*page:*") == stored


def test_another_allowed_host_never_gets_the_first_hosts_links(production_like, content):
    """Each allowed host is cached apart: its pages link to itself."""
    client = Client()
    for host in ("www.plumbing.example.gov.uk", "plumbing.example.gov.uk"):
        for _ in range(2):
            response = client.get("/components/", HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="https")
            assert canonical(response) == f"https://{host}/components/"


def test_a_forged_forwarded_proto_cannot_fill_the_https_page(production_like, content):
    """A request claiming plain HTTP gets its own entry: visitors over HTTPS never get
    http:// links from it, and the other way round."""
    client = Client()
    host = "plumbing.example.gov.uk"
    forged = client.get("/components/", HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="http")
    assert canonical(forged) == f"http://{host}/components/"
    for _ in range(2):
        real = client.get("/components/", HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="https")
        assert canonical(real) == f"https://{host}/components/"
    assert real["X-Page-Cache"] == "hit"
    again = client.get("/components/", HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="http")
    assert canonical(again) == f"http://{host}/components/"


def test_one_redis_client_is_kept_per_connection_pool():
    """Django builds a redis.Redis object for every cache call; ours is built once."""
    from patterns_site.cache import ResilientRedisCache

    backend = ResilientRedisCache("redis://127.0.0.1:1/0", {})
    client = backend._cache.get_client()
    assert backend._cache.get_client(write=True) is client
    assert backend._cache.get_client("any key") is client
