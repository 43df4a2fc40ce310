import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recipes.models import RecipePage
from tests.factories import (
    ComponentFactory,
    OfferingFactory,
    RecipePageFactory,
    StandardFactory,
    SupplierFactory,
    method_stream,
)
from tests.pages import parse

pytestmark = pytest.mark.django_db


def json_ld(response) -> list[dict]:
    """Every JSON-LD block on the page, parsed as JSON."""
    assert response.status_code == 200
    scripts = parse(response).find_all("script", type="application/ld+json")
    return [json.loads(script.string) for script in scripts]


def test_recipe_page_describes_itself_as_a_howto(client):
    """A recipe page carries a schema.org HowTo with supplies, tools, steps, the set-up
    cost in pounds and the time to launch as an ISO 8601 duration."""
    RecipePageFactory(
        slug="bins",
        title="Report a missed bin",
        components=[ComponentFactory(name="Look up an address")],
        standards=[StandardFactory(name="UPRN")],
        setup_cost_min=Decimal("8000"),
        setup_cost_max=Decimal("25000"),
        weeks_to_launch=10,
    )
    (data,) = json_ld(client.get("/recipes/bins/"))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "HowTo"
    assert data["name"] == "Report a missed bin"
    assert data["totalTime"] == "P10W"
    assert data["estimatedCost"] == {
        "@type": "MonetaryAmount",
        "currency": "GBP",
        "minValue": "8000.00",
        "maxValue": "25000.00",
    }
    assert [supply["name"] for supply in data["supply"]] == ["Look up an address", "UPRN"]
    assert {supply["@type"] for supply in data["supply"]} == {"HowToSupply"}
    assert [step["name"] for step in data["step"]] == ["Find the address", "Check answers"]
    assert data["step"][0]["@type"] == "HowToStep"
    assert data["step"][0]["text"] == "Ask for a postcode and pick the address."
    assert data["tool"][0]["@type"] == "HowToTool"
    assert data["tool"][0]["url"].startswith("https://design-system.service.gov.uk/")
    assert data["url"] == "http://testserver/recipes/bins/"


def test_json_ld_cannot_break_out_of_its_script_element(client):
    """Text such as </script><script>alert(1)</script> in a recipe stays inside the
    JSON-LD as escaped data and round-trips intact."""
    attack = "</script><script>alert(1)</script> & <b>"
    RecipePageFactory(
        slug="xss",
        summary=attack,
        method=method_stream([(attack, "<p>Body</p>", "")]),
    )
    response = client.get("/recipes/xss/")
    assert b"</script><script>alert(1)" not in response.content
    (data,) = json_ld(response)
    assert data["description"] == attack
    assert data["step"][0]["name"] == attack


def test_offering_page_describes_a_product_with_a_price_in_pounds(client):
    """An offering page carries a schema.org Product with an Offer priced in GBP."""
    OfferingFactory(
        slug="paybox",
        name="PayBox",
        price=Decimal("1200"),
        price_max=Decimal("3000"),
        supplier=SupplierFactory(name="Acme"),
    )
    (data,) = json_ld(client.get("/offerings/paybox/"))
    assert data["@type"] == "Product"
    assert data["name"] == "PayBox"
    assert data["brand"]["name"] == "Acme"
    assert data["offers"]["@type"] == "Offer"
    assert (data["offers"]["price"], data["offers"]["priceCurrency"]) == ("1200.00", "GBP")
    assert data["offers"]["priceSpecification"]["maxPrice"] == "3000.00"


def test_supplier_page_describes_an_organisation(client):
    """A supplier page carries a schema.org Organization with the offerings it sells and
    never its contact email."""
    supplier = SupplierFactory(
        slug="acme", name="Acme", website="https://acme.example", contact_email="a@acme.example"
    )
    OfferingFactory(supplier=supplier, name="PayBox")
    response = client.get("/suppliers/acme/")
    (data,) = json_ld(response)
    assert data["@type"] == "Organization"
    assert data["sameAs"] == ["https://acme.example"]
    assert [offer["itemOffered"]["name"] for offer in data["makesOffer"]] == ["PayBox"]
    assert "a@acme.example" not in response.content.decode()


def test_pages_have_canonical_urls_and_open_graph_tags(client):
    """A recipe page names its canonical URL and Open Graph title, description, type
    and URL, so shared links preview properly."""
    RecipePageFactory(slug="bins", title="Report a missed bin", summary="Bins, online.")
    soup = parse(client.get("/recipes/bins/?utm_source=x"))
    assert soup.find("link", rel="canonical")["href"] == "http://testserver/recipes/bins/"

    def og(name):
        return soup.find("meta", property=f"og:{name}")["content"]

    assert og("title") == "Report a missed bin"
    assert og("description") == "Bins, online."
    assert og("type") == "article"
    assert og("url") == "http://testserver/recipes/bins/"


def test_recipe_page_shows_last_review_and_change_log(client):
    """The recipe page shows when it was last reviewed and each published change with
    the editor's summary."""
    recipe = RecipePageFactory(slug="bins", last_reviewed="2026-02-09")
    page = RecipePage.objects.get(pk=recipe.pk)
    page.change_summary = "Added the UPRN standard."
    page.save_revision().publish()
    soup = parse(client.get("/recipes/bins/"))
    heading = soup.find(id="changes")
    section = heading.find_next("ul")
    assert "Last reviewed 9 February 2026" in heading.find_next("p").get_text()
    items = [" ".join(li.get_text().split()) for li in section.find_all("li")]
    assert len(items) == 2
    assert items[0].endswith("Added the UPRN standard.")
    assert items[1].endswith("First published")


def test_recipe_page_query_count_does_not_grow_with_revisions(client):
    """The change log is one query, however many revisions a recipe has."""
    recipe = RecipePageFactory(slug="bins")
    client.get("/recipes/bins/")
    with CaptureQueriesContext(connection) as before:
        client.get("/recipes/bins/")
    for n in range(5):
        page = RecipePage.objects.get(pk=recipe.pk)
        page.change_summary = f"Change {n}"
        page.save_revision().publish()
    with CaptureQueriesContext(connection) as after:
        response = client.get("/recipes/bins/")
    assert "Change 4" in response.content.decode()
    assert len(after) == len(before)
