from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalogue.models import Component
from tests.factories import (
    ComponentFactory,
    ConformanceClaimFactory,
    CouncilFactory,
    CouncilTypeFactory,
    OfferingFactory,
    StandardFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db


def get_json(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def add_catalogue(size: int):
    """size components, standards, suppliers, offerings (each with two claims) and councils."""
    county = CouncilTypeFactory(code="CTY", name="County council", plural_name="County councils")
    for _ in range(size):
        standards = StandardFactory.create_batch(2)
        component = ComponentFactory(standards=standards)
        offering = OfferingFactory(components=[component])
        for standard in standards:
            ConformanceClaimFactory(offering=offering, standard=standard, verified=True)
        parent = CouncilFactory(council_type=county)
        CouncilFactory(parent=parent)


def test_offering_list_shows_published_offerings_with_prices_and_claims(client):
    """An offering in the API carries its supplier, components, price in pounds as a
    string, and its conformance claims."""
    component = ComponentFactory(name="Take payments", slug="take-payments")
    offering = OfferingFactory(
        name="PayBox", slug="paybox", components=[component], price=Decimal("99.5")
    )
    ConformanceClaimFactory(offering=offering, standard=StandardFactory(slug="pci-dss"))
    data = get_json(client, "/api/offerings/")
    assert data["count"] == 1
    item = data["results"][0]
    assert item["name"] == "PayBox"
    assert item["pricing"] == {
        "currency": "GBP",
        "unit": "per_year",
        "unit_label": "per year",
        "price": "99.50",
        "price_max": None,
        "setup_fee": None,
        "notes": "",
    }
    assert item["components"] == [{"slug": "take-payments", "name": "Take payments"}]
    assert item["claims"][0]["standard"]["slug"] == "pci-dss"
    assert item["claims"][0]["verified"] is False
    assert item["url"] == "http://testserver/offerings/paybox/"


def test_drafts_and_withdrawn_offerings_never_appear(client):
    """Draft and withdrawn offerings are absent from the list and 404 by slug."""
    OfferingFactory(slug="published")
    OfferingFactory(slug="draft", live=False)
    OfferingFactory(slug="gone", withdrawn_at=timezone.now())
    slugs = [item["slug"] for item in get_json(client, "/api/offerings/")["results"]]
    assert slugs == ["published"]
    get_json(client, "/api/offerings/draft/", status=404)
    get_json(client, "/api/offerings/gone/", status=404)


def test_personal_data_never_appears(client):
    """A supplier's contact email and who verified a claim are not in any response."""
    editor = get_user_model().objects.create_user(
        username="verity.editor", email="verity@council.example", password="x" * 20
    )
    supplier = SupplierFactory(slug="acme", contact_email="sales-secret@acme.example")
    offering = OfferingFactory(supplier=supplier, slug="acme-forms")
    ConformanceClaimFactory(offering=offering, verified_at=timezone.now(), verified_by=editor)
    for url in ["/api/suppliers/", "/api/suppliers/acme/", "/api/offerings/acme-forms/"]:
        body = client.get(url).content.decode()
        assert "sales-secret" not in body
        assert "verity" not in body
    assert "contact_email" not in get_json(client, "/api/suppliers/acme/")


def test_offering_filters_match_the_site(client):
    """component, hosting and open_source narrow the offerings as on the site."""
    notify = ComponentFactory(slug="notify")
    # Named so that the list's order (by name) does not hang on the factory's counter.
    OfferingFactory(slug="a", name="A", components=[notify], open_source_licence="MIT")
    OfferingFactory(slug="b", name="B", components=[notify], hosting="self_hosted")
    OfferingFactory(slug="c", name="C", components=[ComponentFactory()])

    def slugs(**params):
        return [item["slug"] for item in get_json(client, "/api/offerings/", **params)["results"]]

    assert slugs(component="notify") == ["a", "b"]
    assert slugs(hosting="self_hosted") == ["b"]
    assert slugs(open_source="true") == ["a"]
    assert slugs(component="notify", open_source="false") == ["a", "b"]


def test_component_council_and_supplier_filters(client):
    """category, council_type, region and sme filter their lists."""
    ComponentFactory(slug="pay", category=Component.Category.PAYMENTS)
    ComponentFactory(slug="send", category=Component.Category.NOTIFICATIONS)
    county = CouncilTypeFactory(code="CTY", name="County council", plural_name="Counties")
    CouncilFactory(slug="kent", council_type=county, region="South East")
    CouncilFactory(slug="leeds", region="Yorkshire and The Humber")
    SupplierFactory(slug="small", is_sme=True)
    SupplierFactory(slug="big", is_sme=False)

    def slugs(url, **params):
        return [item["slug"] for item in get_json(client, url, **params)["results"]]

    assert slugs("/api/components/", category="payments") == ["pay"]
    assert slugs("/api/councils/", council_type="CTY") == ["kent"]
    assert slugs("/api/councils/", region="South East") == ["kent"]
    assert slugs("/api/suppliers/", sme="no") == ["big"]


def test_bad_filters_and_pages_are_400_with_a_message(client):
    """An unknown parameter, an unknown value, a malformed page or a page_size over the
    cap is a JSON 400 saying what is wrong; a page past the last is a JSON 404."""
    OfferingFactory()
    unknown = get_json(client, "/api/offerings/", status=400, colour="blue")
    assert "colour" in unknown["error"]["message"]
    bad_value = get_json(client, "/api/offerings/", status=400, hosting="moon")
    assert "hosting" in bad_value["error"]["fields"]
    assert (
        "page must be"
        in get_json(client, "/api/offerings/", status=400, page="x")["error"]["message"]
    )
    assert get_json(client, "/api/offerings/", status=400, page="0")["error"]["status"] == 400
    assert (
        "at most 100"
        in get_json(client, "/api/offerings/", status=400, page_size="101")["error"]["message"]
    )
    assert (
        "no page 3" in get_json(client, "/api/offerings/", status=404, page="3")["error"]["message"]
    )


def test_pagination_links_and_count(client):
    """Lists give a count and next/previous links that keep the filters."""
    CouncilFactory.create_batch(5, region="London")
    first = get_json(client, "/api/councils/", region="London", page_size="2")
    assert first["count"] == 5
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/councils/?region=London&page_size=2&page=2"
    last = client.get("/api/councils/?region=London&page_size=2&page=3").json()
    assert len(last["results"]) == 1
    assert last["next"] is None
    assert last["previous"].endswith("page=2")


def test_unknown_slug_and_unknown_endpoint_are_json_404s(client):
    """A missing item or path under /api/ is a JSON 404, not the HTML error page."""
    assert get_json(client, "/api/components/nope/", status=404)["error"]["status"] == 404
    assert get_json(client, "/api/widgets/", status=404)["error"]["status"] == 404


def test_writing_methods_are_405_and_reads_allow_any_origin(client):
    """POST, PUT and DELETE get a JSON 405; GET, HEAD and OPTIONS carry read-only CORS."""
    ComponentFactory(slug="pay")
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)("/api/components/pay/")
        assert response.status_code == 405
        assert "read-only" in response.json()["error"]["message"]
        assert response["Allow"] == "GET, HEAD, OPTIONS"
    for response in (
        client.get("/api/components/pay/"),
        client.head("/api/components/"),
        client.options("/api/components/"),
    ):
        assert response.status_code in (200, 204)
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


def test_site_pages_do_not_send_cors_headers(client):
    """Only /api/ and /data/ are open to other origins."""
    ComponentFactory(slug="pay")
    assert "Access-Control-Allow-Origin" not in client.get("/components/pay/")


@pytest.mark.parametrize(
    "url",
    [
        "/api/components/",
        "/api/standards/",
        "/api/suppliers/",
        "/api/offerings/",
        "/api/councils/",
        "/api/offerings/?hosting=cloud_uk&page_size=100",
    ],
)
def test_list_endpoints_make_the_same_queries_at_any_size(client, url):
    """A full page of results costs as many queries as a page with a few."""

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.json()["count"]

    add_catalogue(2)
    small, small_count = count_queries()
    add_catalogue(30)
    large, large_count = count_queries()
    assert large_count > small_count
    assert large == small


@pytest.mark.parametrize(
    "kind",
    ["components", "standards", "suppliers", "offerings", "councils"],
)
def test_detail_endpoints_make_a_fixed_number_of_queries(client, kind):
    """An item with many related objects costs as many queries as one with few."""
    add_catalogue(1)
    small_offering = OfferingFactory(components=ComponentFactory.create_batch(1))
    big_offering = OfferingFactory(components=ComponentFactory.create_batch(12))
    for _ in range(12):
        ConformanceClaimFactory(offering=big_offering)
    items = {
        "offerings": (small_offering.slug, big_offering.slug),
        "suppliers": (small_offering.supplier.slug, big_offering.supplier.slug),
        "components": (
            small_offering.components.first().slug,
            big_offering.components.first().slug,
        ),
        "standards": (StandardFactory().slug, big_offering.claims.first().standard.slug),
        "councils": (CouncilFactory().slug, CouncilFactory().slug),
    }
    counts = []
    for slug in items[kind]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/{kind}/{slug}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


INVALID_IDENTIFIERS = ["%00", "a%00b", "%ff", "%ed%b3%bf", "%c0%80", "x" * 300]


@pytest.mark.parametrize(
    "kind", ["recipes", "components", "standards", "offerings", "suppliers", "councils"]
)
def test_invalid_identifiers_in_an_address_are_json_404s(client, kind):
    """A NUL byte, invalid UTF-8, a lone surrogate, an overlong encoding or an overlong
    slug in any API address is a JSON 404 with CORS, never a 500."""
    for identifier in INVALID_IDENTIFIERS:
        response = client.get(f"/api/{kind}/{identifier}/")
        assert response.status_code == 404, identifier
        assert response.json()["error"] == {
            "status": 404,
            "message": "Not found. Check the slug in the address.",
        }
        assert response["Access-Control-Allow-Origin"] == "*"
    assert client.get(f"/api/{kind}%00/").status_code == 404


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/recipes/", "component"),
        ("/api/recipes/", "maturity"),
        ("/api/components/", "category"),
        ("/api/offerings/", "open_source"),
        ("/api/councils/", "council_type"),
        ("/api/suppliers/", "sme"),
        ("/api/standards/", "page"),
        ("/api/offerings/", "page_size"),
    ],
)
def test_invalid_text_in_any_parameter_is_a_json_400(client, url, name):
    """A NUL byte, invalid UTF-8, a lone surrogate or a digit that is not 0-9 in a
    parameter is a JSON 400 naming it, never a 500."""
    for value in ["%00", "%ff", "%ed%b3%bf", "%c0%80", "%C2%B2", "%D9%A1"]:
        response = client.get(f"{url}?{name}={value}")
        assert response.status_code == 400, value
        error = response.json()["error"]
        assert name in error.get("fields", {}) or error["message"].startswith(name), value


def test_open_source_takes_true_false_or_on_and_nothing_else(client):
    """open_source=true or on narrows to open-source offerings, false does not narrow,
    and any other value is a 400 rather than read as true."""
    OfferingFactory(slug="open", open_source_licence="MIT")
    OfferingFactory(slug="closed")

    def slugs(value):
        return [
            o["slug"] for o in get_json(client, "/api/offerings/", open_source=value)["results"]
        ]

    assert slugs("true") == slugs("on") == ["open"]
    assert sorted(slugs("false")) == sorted(slugs("")) == ["closed", "open"]
    for value in ["AAA", "0", "1", "TRUE", "yes"]:
        error = get_json(client, "/api/offerings/", status=400, open_source=value)["error"]
        assert error["fields"] == {"open_source": ["Choose true or false"]}
