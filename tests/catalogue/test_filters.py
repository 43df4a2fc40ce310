"""Filters on every list page: plain GET parameters that combine with each other and
with a search query, shown as removable tags, and bad values that never break a page."""

from decimal import Decimal

import pytest

from tests.factories import (
    ComponentFactory,
    ConformanceClaimFactory,
    CouncilFactory,
    CouncilTypeFactory,
    OfferingFactory,
    RecipePageFactory,
    StandardFactory,
    SupplierFactory,
)
from tests.pages import parse, text

pytestmark = pytest.mark.django_db


def listed(response, selector=".app-card-list h2 a"):
    return sorted(text(link) for link in parse(response).select(selector))


@pytest.fixture
def offerings():
    notify = ComponentFactory(name="Send notifications", slug="send-notifications")
    pay = ComponentFactory(name="Take payments", slug="take-payments")
    wcag = StandardFactory(name="WCAG 2.2 AA", slug="wcag-2-2-aa")
    small = SupplierFactory(name="Small Co", slug="small-co", is_sme=True)
    large = SupplierFactory(name="Large plc", slug="large-plc", is_sme=False)
    texts = OfferingFactory(
        name="Texting Hub",
        slug="texting-hub",
        supplier=small,
        components=[notify],
        pricing_unit="per_transaction",
        price=Decimal("0.03"),
        hosting="cloud_uk",
    )
    mailer = OfferingFactory(
        name="Mailer Pro",
        slug="mailer-pro",
        supplier=large,
        components=[notify],
        price=Decimal("9000"),
        hosting="cloud_non_uk",
    )
    tills = OfferingFactory(
        name="Open Tills",
        slug="open-tills",
        supplier=small,
        components=[pay],
        price=Decimal("0"),
        hosting="self_hosted",
        open_source_licence="MIT",
    )
    ConformanceClaimFactory(offering=texts, standard=wcag, verified=True)
    ConformanceClaimFactory(offering=mailer, standard=wcag)
    return {"texts": texts, "mailer": mailer, "tills": tills}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"component": "send-notifications"}, ["Mailer Pro", "Texting Hub"]),
        ({"component": "send-notifications", "hosting": "cloud_uk"}, ["Texting Hub"]),
        ({"standard": "wcag-2-2-aa"}, ["Mailer Pro", "Texting Hub"]),
        ({"standard": "wcag-2-2-aa", "verified_only": "on"}, ["Texting Hub"]),
        ({"verified_only": "on"}, ["Texting Hub"]),
        ({"pricing_unit": "per_transaction"}, ["Texting Hub"]),
        ({"price_min": "100"}, ["Mailer Pro"]),
        ({"price_max": "1"}, ["Open Tills", "Texting Hub"]),
        ({"sme": "yes"}, ["Open Tills", "Texting Hub"]),
        ({"sme": "no"}, ["Mailer Pro"]),
        ({"open_source": "on"}, ["Open Tills"]),
        ({"q": "mailer"}, ["Mailer Pro"]),
        ({"q": "notifications", "sme": "yes"}, ["Texting Hub"]),
    ],
)
def test_offering_filters_combine(client, offerings, params, expected):
    """Each offering filter narrows the list, alone, together and with a query."""
    response = client.get("/offerings/", params)
    assert response.status_code == 200
    assert listed(response) == expected
    assert f"{len(expected)} offering" in text(parse(response).select_one("[role=status]"))


def test_offering_sort_by_price(client, offerings):
    """Offerings sort by price, highest first, when asked."""
    response = client.get("/offerings/", {"sort": "-price"})
    names = [text(a) for a in parse(response).select(".app-card-list h2 a")]
    assert names == ["Mailer Pro", "Texting Hub", "Open Tills"]


def test_search_within_offerings_keeps_the_chosen_sort(client, offerings):
    """Words and a sort combine: only matching offerings, in the order asked for."""
    OfferingFactory(name="Letter Robot", price=Decimal("50"), components=[])
    response = client.get("/offerings/", {"q": "notifications", "sort": "-price"})
    names = [text(a) for a in parse(response).select(".app-card-list h2 a")]
    assert names == ["Mailer Pro", "Texting Hub"]
    response = client.get("/offerings/", {"q": "notifications", "sort": "price"})
    names = [text(a) for a in parse(response).select(".app-card-list h2 a")]
    assert names == ["Texting Hub", "Mailer Pro"]


def test_search_within_offerings_pages_through_every_match(client, offerings):
    """A query that matches more than a page lists every match across the pages, with
    the filters applied to all of them."""
    notify = offerings["texts"].components.first()
    for n in range(22):
        OfferingFactory(name=f"Relay {n:02}", components=[notify], hosting="cloud_uk")
    params = {"q": "relay", "hosting": "cloud_uk"}
    first = client.get("/offerings/", params)
    second = client.get("/offerings/", {**params, "page": 2})
    names = listed(first) + listed(second)
    assert len(names) == 22 and len(set(names)) == 22
    assert "22 offerings" in text(parse(first).select_one("[role=status]"))


def test_selected_filters_are_removable_tags(client, offerings):
    """Each filter in use shows as a tag whose link removes just that filter."""
    response = client.get(
        "/offerings/", {"component": "send-notifications", "hosting": "cloud_uk", "page": "1"}
    )
    tags = {text(a): a["href"] for a in parse(response).select(".app-filter-tag")}
    assert set(tags) == {
        "Remove filter: Component: Send notifications",
        "Remove filter: Hosting: Cloud, hosted in the UK",
    }
    removal = tags["Remove filter: Hosting: Cloud, hosted in the UK"]
    assert "hosting" not in removal and "component=send-notifications" in removal
    assert "page" not in removal
    after = client.get("/offerings/" + removal)
    assert listed(after) == ["Mailer Pro", "Texting Hub"]


def test_invalid_price_range_explains_itself_and_keeps_input(client, offerings):
    """A price range upside down is a 400 with an error summary; the values stay."""
    response = client.get("/offerings/", {"price_min": "50", "price_max": "5", "q": "hub"})
    assert response.status_code == 400
    page = parse(response)
    assert "Price up to must be the same as or more than price from" in text(
        page.select_one(".govuk-error-summary")
    )
    assert page.select_one("input[name=price_min]")["value"] == "50"
    assert page.select_one("main input[name=q]")["value"] == "hub"


def test_recipes_filter_by_cost_band_and_query(client, page_tree):
    """Recipes narrow by set-up cost band, and the band combines with words."""
    RecipePageFactory(title="Cheap bins", slug="cheap-bins", setup_cost_min=Decimal("4000"))
    RecipePageFactory(title="Dear bins", slug="dear-bins", setup_cost_min=Decimal("60000"))
    RecipePageFactory(title="Cheap parking", slug="cheap-parking", setup_cost_min=Decimal("2000"))
    response = client.get("/recipes/", {"cost_band": "under-10k", "q": "bins"})
    assert listed(response) == ["Cheap bins"]
    response = client.get("/recipes/", {"cost_band": "over-50k"})
    assert listed(response) == ["Dear bins"]


def test_councils_filter_by_type_region_and_name(client):
    """Councils narrow by type and region, and by words in their name."""
    district = CouncilTypeFactory(code="NMD", name="District council")
    CouncilFactory(name="Stroud", council_type=district, region="South West")
    CouncilFactory(name="Exeter", council_type=district, region="South West")
    CouncilFactory(name="Leeds", region="Yorkshire and The Humber")
    response = client.get("/councils/", {"council_type": "NMD", "region": "South West"})
    names = sorted(text(a) for a in parse(response).select("tbody th a"))
    assert names == ["Exeter", "Stroud"]
    response = client.get("/councils/", {"q": "leeds"})
    assert [text(a) for a in parse(response).select("tbody th a")] == ["Leeds"]


def test_components_filter_by_category(client):
    """Components narrow by capability category."""
    ComponentFactory(name="Take payments", slug="take-payments", category="payments")
    ComponentFactory(name="Send notifications", slug="send-notifications", category="notifications")
    response = client.get("/components/", {"category": "payments"})
    assert listed(response, ".app-card-list h3 a") == ["Take payments"]


MALFORMED = [
    {"component": "no-such-thing"},
    {"hosting": "moon"},
    {"price_min": "abc"},
    {"price_min": "1e400"},
    {"price_max": "-5"},
    {"page": "0"},
    {"page": "-1"},
    {"page": "99999999999999999999"},
    {"page": "1.5"},
    {"sort": "'; drop table"},
    {"council_type": "XX"},
    {"region": "Atlantis"},
    {"category": "<script>"},
    {"sme": "maybe"},
    {"maturity": "cooked"},
    {"cost_band": "free"},
    {"service_area": "\x00"},
    {"q": "x" * 5000},
    {"q": "\x00"},
    {"q": "😀 café \u202e"},
    {"open_source": "yes please"},
]


@pytest.mark.parametrize(
    "url", ["/offerings/", "/components/", "/councils/", "/suppliers/", "/recipes/"]
)
@pytest.mark.parametrize("params", MALFORMED)
def test_malformed_filters_never_cause_a_server_error(client, page_tree, url, params):
    """Unknown values, bad numbers, huge or odd text: a 200, 400 or 404, never a 500."""
    response = client.get(url, params)
    assert response.status_code in {200, 400, 404}
    if response.status_code == 400:
        assert parse(response).select_one(".govuk-error-summary") is not None


def test_repeated_parameters_do_not_break_lists(client, offerings):
    """A parameter given twice uses the last value."""
    response = client.get("/offerings/?hosting=moon&hosting=cloud_uk")
    assert response.status_code == 200
    assert listed(response) == ["Texting Hub"]


@pytest.mark.parametrize(
    ("page", "api", "params"),
    [
        ("/offerings/", "/api/offerings/", {"hosting": "moon"}),
        ("/offerings/", "/api/offerings/", {"open_source": "AAA"}),
        ("/offerings/", "/api/offerings/", {"component": "no-such-thing"}),
        ("/components/", "/api/components/", {"category": "<script>"}),
        ("/councils/", "/api/councils/", {"region": "Atlantis"}),
        ("/suppliers/", "/api/suppliers/", {"sme": "maybe"}),
        ("/recipes/", "/api/recipes/", {"maturity": "cooked"}),
    ],
)
def test_a_bad_value_is_refused_alike_by_the_page_and_the_api(client, page_tree, page, api, params):
    """One declaration of each filter: a value the list page refuses with a 400 and an
    error summary, the API refuses with a 400 naming the same problem."""
    response = client.get(page, params)
    assert response.status_code == 400
    summary = text(parse(response).select_one(".govuk-error-summary"))
    (name,) = params
    api_error = client.get(api, params).json()["error"]
    assert api_error["status"] == 400
    (message,) = api_error["fields"][name]
    assert message in summary
