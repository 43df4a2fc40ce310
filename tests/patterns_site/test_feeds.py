import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

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


def test_sitemap_lists_recipes_and_catalogue_pages(client, home_page):
    """sitemap.xml lists recipe pages and every public catalogue detail page, but not
    draft offerings."""
    RecipePageFactory(slug="bins")
    ComponentFactory(slug="pay")
    StandardFactory(slug="uprn")
    OfferingFactory(slug="paybox", supplier=SupplierFactory(slug="acme"))
    OfferingFactory(slug="secret-draft", live=False)
    CouncilFactory(slug="leeds")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = {
        url.find(f"{SITEMAP}loc").text
        for url in ET.fromstring(response.content).findall(f"{SITEMAP}url")  # noqa: S314
    }
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


def test_pages_advertise_the_recipe_feed(client, home_page):
    """Every page links the Atom feed so feed readers can find it."""
    response = client.get("/components/")
    assert b'type="application/atom+xml"' in response.content
    assert b'href="/feeds/recipes/"' in response.content
