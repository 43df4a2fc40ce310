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


# --- councils' ratings: "best rated", "rated 4 or more", "councils like mine" -----------


def review(thing, rating, council, **kwargs):
    from recipes.models import Review

    field = "offering" if hasattr(thing, "supplier_id") else "recipe"
    values = {"live": True, **kwargs, field: thing}
    return Review.objects.create(council=council, rating=rating, worked="Sample.", **values)


def choose_council(client, council):
    from django.core import signing

    from catalogue.cost_choice import COOKIE_NAME, COOKIE_SALT

    payload = {"c": council.slug, "n": council.name, "p": 100_000}
    client.cookies[COOKIE_NAME] = signing.dumps(payload, salt=COOKIE_SALT, compress=True)


@pytest.fixture
def rated(offerings, page_tree):
    """Texting Hub 4.5 by two councils, Mailer Pro 5 by one district, Open Tills unrated;
    recipes rated alike. A hidden and an unapproved review count for nothing."""
    from django.utils import timezone

    district = CouncilTypeFactory(code="NMD", name="District council")
    county = CouncilTypeFactory(code="CTY", name="County council")
    stroud = CouncilFactory(name="Stroud", slug="stroud", council_type=district)
    exeter = CouncilFactory(name="Exeter", slug="exeter", council_type=district)
    devon = CouncilFactory(name="Devon", slug="devon", council_type=county)
    texts, mailer, tills = (offerings[name] for name in ("texts", "mailer", "tills"))
    review(texts, 5, devon)
    review(texts, 4, exeter)
    review(mailer, 5, stroud)
    review(tills, 5, devon, hidden_at=timezone.now())
    review(tills, 5, exeter, live=False)
    bins = RecipePageFactory(title="Bins", slug="bins")
    parking = RecipePageFactory(title="Parking", slug="parking")
    RecipePageFactory(title="Allotments", slug="allotments")
    review(bins, 3, devon)
    review(parking, 4, stroud)
    review(parking, 5, devon)
    return {"stroud": stroud, "devon": devon}


def test_best_rated_first_then_most_reviews_and_unrated_last(client, rated):
    """'Best rated by councils' orders by average, then by how many councils reviewed,
    unrated last; each card says its rating."""
    response = client.get("/offerings/", {"sort": "rating"})
    assert [text(a) for a in parse(response).select(".app-card-list h2 a")] == [
        "Mailer Pro",
        "Texting Hub",
        "Open Tills",
    ]
    cards = text(parse(response).select_one(".app-card-list"))
    assert "Rated 4.5 out of 5 by 2 councils" in cards
    assert "Not yet rated by councils" in cards
    recipes = client.get("/recipes/", {"sort": "rating"})
    titles = [text(a) for a in parse(recipes).select(".app-card-list h2 a")]
    assert titles == ["Parking", "Bins", "Allotments"]


def test_rated_four_or_more_keeps_only_highly_rated(client, rated):
    """'Rated 4 or more by councils' drops the unrated and those rated under 4."""
    response = client.get("/offerings/", {"rated_highly": "on"})
    assert listed(response) == ["Mailer Pro", "Texting Hub"]
    assert listed(client.get("/recipes/", {"rated_highly": "on"})) == ["Parking"]
    assert client.get("/api/recipes/", {"rated_highly": "true"}).json()["count"] == 1


def test_councils_like_mine_count_only_reviews_by_the_same_type(client, rated):
    """With Stroud (a district) chosen, only districts' reviews count: Texting Hub is 4
    (Exeter's), Mailer Pro 5, and the card says so."""
    choose_council(client, rated["stroud"])
    response = client.get("/offerings/", {"like_mine": "on", "sort": "rating"})
    assert response.status_code == 200
    assert [text(a) for a in parse(response).select(".app-card-list h2 a")][:2] == [
        "Mailer Pro",
        "Texting Hub",
    ]
    cards = text(parse(response).select_one(".app-card-list"))
    assert "Rated 4.0 out of 5 by 1 council like yours" in cards
    form = parse(response).select_one("main form")
    assert "like my council" in text(form.select_one("label[for=id_like_mine]"))
    # Devon (a county) rated Bins 3 and Parking 5: like Devon, Parking is the only 4+.
    choose_council(client, rated["devon"])
    response = client.get("/recipes/", {"like_mine": "on", "rated_highly": "on"})
    assert listed(response) == ["Parking"]
    response = client.get("/offerings/", {"like_mine": "on", "rated_highly": "on"})
    assert listed(response) == ["Texting Hub"]


def test_councils_like_mine_without_a_council_offers_to_choose_one(client, rated):
    """No council chosen: the option is a 'Choose your council' link that comes back to
    the list; sent anyway, it is a GOV.UK error above the unfiltered list, not a 500."""
    response = client.get("/offerings/", {"sort": "rating"})
    link = parse(response).select_one("#id_like_mine a")
    assert text(link) == "Choose your council"
    assert link["href"].startswith("/costs/council/?next=/offerings/")
    assert parse(response).select_one("input[name=like_mine]") is None
    for url in ("/offerings/", "/recipes/"):
        response = client.get(url, {"like_mine": "on"})
        assert response.status_code == 400
        summary = text(parse(response).select_one(".govuk-error-summary"))
        assert "Choose your council" in summary
        assert len(parse(response).select(".app-card-list h2 a")) == 3


@pytest.mark.parametrize("params", [{"rated_highly": "maybe"}, {"sort": "ratings"}])
def test_a_bad_rating_value_shows_the_whole_list_with_an_error(client, rated, params):
    """An unknown rating filter or sort is an error summary above the unfiltered list."""
    response = client.get("/offerings/", params)
    assert response.status_code == 400
    assert parse(response).select_one(".govuk-error-summary") is not None
    assert listed(response) == ["Mailer Pro", "Open Tills", "Texting Hub"]


@pytest.mark.parametrize("url", ["/offerings/", "/recipes/"])
def test_rated_lists_make_the_same_queries_at_any_size(
    client, rated, url, django_assert_max_num_queries
):
    """Sorting by rating and counting only councils like mine adds no query per item."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    choose_council(client, rated["stroud"])
    params = {"like_mine": "on", "rated_highly": "", "sort": "rating"}

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, params).status_code == 200
        return len(captured)

    from django.core.cache import cache

    cache.clear()
    before = queries()
    for number in range(12):
        council = CouncilFactory(council_type=rated["stroud"].council_type)
        thing = (
            OfferingFactory(components=[ComponentFactory()])
            if url == "/offerings/"
            else RecipePageFactory()
        )
        review(thing, 1 + number % 5, council)
    cache.clear()
    assert queries() == before


@pytest.mark.parametrize("url", ["/offerings/", "/recipes/"])
def test_on_off_filters_are_govuk_checkboxes(client, page_tree, url):
    """'Rated 4 or more' and the other on/off filters are checkboxes, ticked when on."""
    page = parse(client.get(url, {"rated_highly": "on"}))
    box = page.select_one("input[name=rated_highly]")
    assert box["type"] == "checkbox" and box.has_attr("checked")
    assert "govuk-checkboxes__input" in box["class"]
    assert page.select_one("input[name=open_source]") is None or (
        page.select_one("input[name=open_source]")["type"] == "checkbox"
    )


def test_rating_sort_and_filter_combine_with_words(client, rated):
    """Words narrow a best-rated list without losing its order or its figures."""
    response = client.get("/offerings/", {"q": "hub", "sort": "rating", "rated_highly": "on"})
    assert listed(response) == ["Texting Hub"]
    assert "Rated 4.5 out of 5 by 2 councils" in text(parse(response).select_one(".app-card-list"))
    response = client.get("/recipes/", {"q": "parking bins", "sort": "rating"})
    assert response.status_code == 200
