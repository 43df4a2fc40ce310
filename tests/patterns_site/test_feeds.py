import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from catalogue.sitemaps import OfferingSitemap
from recipes.models import RecipePage
from tests.factories import (
    ComponentFactory,
    CouncilFactory,
    OfferingFactory,
    RecipePageFactory,
    StandardFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def atom_entries(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 (our own response)
    return [
        {
            "title": entry.find(f"{ATOM}title").text,
            "link": entry.find(f"{ATOM}link").get("href"),
            "summary": (entry.find(f"{ATOM}summary").text or ""),
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def test_recipe_feed_lists_live_recipes_newest_change_first(client):
    """The recipe feed has live recipes, most recently published first, with what changed;
    drafts are left out."""
    RecipePageFactory(title="Older recipe", slug="older")
    newer = RecipePageFactory(title="Newer recipe", slug="newer")
    RecipePageFactory(title="Draft recipe", live=False, publish=False)
    page = RecipePage.objects.get(pk=newer.pk)
    page.change_summary = "Added costs for county councils."
    page.save_revision().publish()
    RecipePage.objects.filter(pk=newer.pk).update(
        last_published_at=timezone.now() + timedelta(minutes=1)
    )
    entries = atom_entries(client.get("/feeds/recipes/"))
    assert [entry["title"] for entry in entries] == ["Newer recipe", "Older recipe"]
    assert entries[0]["link"] == "http://testserver/recipes/newer/"
    assert "Added costs for county councils." in entries[0]["summary"]


def test_offering_feed_lists_published_offerings_only(client):
    """The offerings feed has published offerings with their supplier, not drafts, and
    labels sample suppliers."""
    OfferingFactory(name="Live one", supplier=SupplierFactory(name="Acme", is_sample=True))
    OfferingFactory(name="Draft one", live=False)
    OfferingFactory(name="Withdrawn one", withdrawn_at=timezone.now())
    entries = atom_entries(client.get("/feeds/offerings/"))
    assert [entry["title"] for entry in entries] == ["Live one, from Acme"]
    assert "Sample data" in entries[0]["summary"]


def sitemap_locations(response, tag):
    """The <loc> of each <tag> (url or sitemap) in a sitemap or sitemap index."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    return [element.find(f"{SITEMAP}loc").text for element in root.findall(f"{SITEMAP}{tag}")]


def local(location):
    """The path and query of an absolute URL, to fetch it with the test client."""
    parts = urlsplit(location)
    assert parts.netloc == "testserver"
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def sitemap_index(client):
    return sitemap_locations(client.get("/sitemap.xml"), "sitemap")


def all_sitemap_urls(client):
    """Every page URL in the sitemaps the index at /sitemap.xml links to."""
    return [
        location
        for sitemap in sitemap_index(client)
        for location in sitemap_locations(client.get(local(sitemap)), "url")
    ]


def test_sitemap_lists_recipes_and_catalogue_pages(client, home_page):
    """The sitemaps that /sitemap.xml indexes list recipe pages and every public catalogue
    detail page, but not draft or withdrawn offerings."""
    RecipePageFactory(slug="bins")
    ComponentFactory(slug="pay")
    StandardFactory(slug="uprn")
    OfferingFactory(slug="paybox", supplier=SupplierFactory(slug="acme"))
    OfferingFactory(slug="secret-draft", live=False)
    OfferingFactory(slug="gone-away", withdrawn_at=timezone.now())
    CouncilFactory(slug="leeds")

    locations = all_sitemap_urls(client)

    for path in [
        "/recipes/bins/",
        "/components/pay/",
        "/standards/uprn/",
        "/offerings/paybox/",
        "/suppliers/acme/",
        "/councils/leeds/",
    ]:
        assert any(location.endswith(path) for location in locations), path
    assert not any("secret-draft" in location for location in locations)
    assert not any("gone-away" in location for location in locations)
    assert len(locations) == len(set(locations))


def test_sitemap_is_an_index_of_one_sitemap_per_section(client, home_page):
    """/sitemap.xml is a sitemap index, as robots.txt advertises, linking one sitemap per
    section; each section lists only its own pages."""
    RecipePageFactory(slug="bins", components=[ComponentFactory(slug="pay")])
    OfferingFactory(slug="paybox")

    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").text
    sections = [local(location) for location in sitemap_index(client)]

    assert sections == [
        "/sitemap-pages.xml",
        "/sitemap-components.xml",
        "/sitemap-standards.xml",
        "/sitemap-suppliers.xml",
        "/sitemap-offerings.xml",
        "/sitemap-councils.xml",
    ]
    components = sitemap_locations(client.get("/sitemap-components.xml"), "url")
    assert components == ["http://testserver/components/pay/"]
    offerings = sitemap_locations(client.get("/sitemap-offerings.xml"), "url")
    assert offerings == ["http://testserver/offerings/paybox/"]
    pages = sitemap_locations(client.get("/sitemap-pages.xml"), "url")
    assert [urlsplit(location).path for location in pages] == ["/", "/recipes/", "/recipes/bins/"]
    assert client.get("/sitemap-plumbers.xml").status_code == 404


def test_big_sitemap_sections_are_split_into_numbered_pages(client, home_page, monkeypatch):
    """A section with more URLs than fit in one sitemap is split into pages (?p=2 and on),
    each listed in the index; a page past the end is 404."""
    monkeypatch.setattr(OfferingSitemap, "limit", 2)
    for number in range(1, 6):
        OfferingFactory(slug=f"offering-{number}")

    offering_sitemaps = [
        local(location) for location in sitemap_index(client) if "offerings" in location
    ]

    assert offering_sitemaps == [
        "/sitemap-offerings.xml",
        "/sitemap-offerings.xml?p=2",
        "/sitemap-offerings.xml?p=3",
    ]
    pages = [sitemap_locations(client.get(path), "url") for path in offering_sitemaps]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert [location.rsplit("/", 2)[1] for page in pages for location in page] == [
        f"offering-{number}" for number in range(1, 6)
    ]
    assert client.get("/sitemap-offerings.xml?p=4").status_code == 404
    assert client.get("/sitemap-offerings.xml?p=x").status_code == 404


def test_sitemaps_make_the_same_queries_with_3_or_30_offerings(
    client, home_page, django_assert_max_num_queries, monkeypatch
):
    """The index and a section page make the same number of queries however many
    offerings there are, and a section page lists at most its limit."""
    monkeypatch.setattr(OfferingSitemap, "limit", 10)
    supplier = SupplierFactory()

    def queries(path):
        with django_assert_max_num_queries(20) as captured:
            response = client.get(path)
        assert response.status_code == 200
        return len(captured), response

    OfferingFactory.create_batch(3, supplier=supplier)
    client.get("/sitemap.xml")
    small_index, _ = queries("/sitemap.xml")
    small_section, small = queries("/sitemap-offerings.xml")
    OfferingFactory.create_batch(27, supplier=supplier)
    large_index, index = queries("/sitemap.xml")
    large_section, large = queries("/sitemap-offerings.xml")

    assert (large_index, large_section) == (small_index, small_section)
    assert len(sitemap_locations(small, "url")) == 3
    assert len(sitemap_locations(large, "url")) == 10
    assert len([loc for loc in sitemap_locations(index, "sitemap") if "offerings" in loc]) == 3


def test_pages_advertise_the_recipe_feed(client, home_page):
    """Every page links the Atom feed so feed readers can find it."""
    response = client.get("/components/")
    assert b'type="application/atom+xml"' in response.content
    assert b'href="/feeds/recipes/"' in response.content
