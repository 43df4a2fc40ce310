"""The basket: adding a recipe's ingredients, choosing offerings, scaling to a council,
exports, sharing and comparing, as a council officer uses them."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recipes.models import SavedBasket
from tests.factories import (
    ComponentFactory,
    ConformanceClaimFactory,
    CouncilFactory,
    OfferingFactory,
    RecipePageFactory,
    StandardFactory,
    SupplierFactory,
    stream,
)
from tests.pages import link_texts, page_text, parse, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(recipe_index):
    """Two recipes sharing 'Send notifications'; three offerings for it or for payments;
    one council of 200,000 people."""
    openapi = StandardFactory(name="OpenAPI 3", slug="openapi-3")
    pci = StandardFactory(name="PCI DSS", slug="pci-dss")
    gdpr = StandardFactory(name="UK GDPR", slug="uk-gdpr")
    notify = ComponentFactory(
        name="Send notifications", slug="send-notifications", standards=[openapi, gdpr]
    )
    pay = ComponentFactory(name="Take payments", slug="take-payments", standards=[pci])
    bins = RecipePageFactory(
        title="Report a missed bin",
        slug="report-a-missed-bin",
        components=[notify, pay],
        standards=[openapi, pci],
        volume_driver="missed bin reports",
        volume_per_1000_residents=Decimal("35"),
        setup_cost_min=Decimal("8000"),
        setup_cost_max=Decimal("25000"),
        outcomes=stream(
            [
                (
                    "outcome",
                    {
                        "metric": "Reports made online",
                        "value": "78",
                        "baseline": "41",
                        "unit": "percent",
                        "source": "Sample",
                    },
                )
            ]
        ),
    )
    permits = RecipePageFactory(
        title="Apply for a parking permit",
        slug="apply-for-a-parking-permit",
        components=[notify],
        volume_driver="permit applications",
        volume_per_1000_residents=Decimal("60"),
        setup_cost_min=Decimal("1000"),
        setup_cost_max=Decimal("1000"),
    )
    texter = OfferingFactory(
        name="Texter",
        slug="texter",
        components=[notify],
        pricing_unit="per_transaction",
        price=Decimal("0.03"),
        gcloud_service_id="123456789012345",
        setup_fee=Decimal("500"),
        supplier=SupplierFactory(name="Texter Ltd", is_sample=True),
    )
    ConformanceClaimFactory(offering=texter, standard=openapi, verified=True)
    mailer = OfferingFactory(
        name="Mailer",
        slug="mailer",
        components=[notify],
        pricing_unit="per_year",
        price=Decimal("1000"),
        price_max=Decimal("3000"),
    )
    till = OfferingFactory(
        name="Till",
        slug="till",
        components=[pay],
        pricing_unit="per_user",
        price=Decimal("100"),
    )
    ConformanceClaimFactory(offering=till, standard=pci)
    council = CouncilFactory(name="Testshire", slug="testshire", population=200_000)
    return {
        "notify": notify,
        "pay": pay,
        "bins": bins,
        "permits": permits,
        "texter": texter,
        "mailer": mailer,
        "till": till,
        "council": council,
        "openapi": openapi,
    }


def add(client, recipe):
    return client.post("/basket/add/", {"recipe": recipe.pk})


def choose(client, **choices):
    return client.post("/basket/choices/", choices)


def line_section(response, component):
    return parse(response).find(id=f"line-{component.pk}")


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


# --- adding -----------------------------------------------------------------------------


def test_recipe_page_offers_add_to_basket_as_a_post_form_with_csrf(client, shop):
    """The recipe page has an 'Add ingredients to basket' button in a CSRF-protected form."""
    response = client.get(shop["bins"].url)
    form = parse(response).find("form", action="/basket/add/")
    assert form["method"] == "post"
    assert form.find("input", attrs={"name": "csrfmiddlewaretoken"})
    assert form.find("input", attrs={"name": "recipe"})["value"] == str(shop["bins"].pk)
    assert text(form.find("button")) == "Add ingredients to basket"


def test_adding_a_recipe_makes_one_line_per_component(client, shop):
    """After adding, the basket lists each component the recipe needs and the nav counts them."""
    response = add(client, shop["bins"])
    assert response.status_code == 302
    response = client.get("/basket/")
    assert "Added Report a missed bin: 2 new components" in page_text(response)
    assert text(line_section(response, shop["notify"]).find("h3")) == "Send notifications"
    assert text(line_section(response, shop["pay"]).find("h3")) == "Take payments"
    assert "Basket (2)" in text(parse(response).find(class_="govuk-service-navigation"))


def test_two_recipes_needing_the_same_component_share_one_line(client, shop):
    """Notifications needed by both recipes is one line naming both."""
    add(client, shop["bins"])
    add(client, shop["permits"])
    response = client.get("/basket/")
    lines = parse(response).find_all(class_="app-basket-line")
    assert len(lines) == 2
    needed_by = line_section(response, shop["notify"]).find("dd")
    assert link_texts(needed_by) == ["Report a missed bin", "Apply for a parking permit"]


def test_adding_the_same_recipe_twice_changes_nothing(client, shop):
    """A second add of the same recipe adds no line and no duplicate recipe."""
    add(client, shop["bins"])
    add(client, shop["bins"])
    response = client.get("/basket/")
    assert "0 new components" in page_text(response)
    assert "Needed by Report a missed bin Must" in text(line_section(response, shop["notify"]))


@pytest.mark.parametrize("value", ["999999", "abc", ""])
def test_adding_an_unknown_recipe_is_a_clear_400(client, shop, value):
    """A bad recipe id is refused with a message and the basket stays empty."""
    response = client.post("/basket/add/", {"recipe": value})
    assert response.status_code == 400
    assert "Recipe not added" in page_text(response)
    assert "Your basket is empty" in page_text(client.get("/basket/"))


def test_adding_a_draft_recipe_is_refused(client, shop):
    """An unpublished recipe cannot be added."""
    draft = RecipePageFactory(live=False, publish=False)
    assert add(client, draft).status_code == 400


def test_add_needs_post(client, shop):
    """GET on the add URL is not allowed."""
    assert client.get("/basket/add/").status_code == 405


def test_empty_basket_explains_how_to_fill_it(client, shop):
    """With nothing added the basket says how to start."""
    response = client.get("/basket/")
    assert "Your basket is empty" in page_text(response)
    assert "Basket (0)" in page_text(response)


# --- choosing ---------------------------------------------------------------------------


def test_options_show_conformance_to_the_standards_the_recipe_requires(client, shop):
    """Offerings claiming every required standard come first, with verified or claimed."""
    add(client, shop["bins"])
    section = line_section(client.get("/basket/"), shop["notify"])
    assert "Must meet OpenAPI 3" in text(section)
    assert "Should meet UK GDPR" in text(section)
    labels = [text(label) for label in section.find_all("label")]
    assert labels[:2] == ["Texter", "Mailer"]
    assert "See all 1 conforming product" in text(section)


def test_option_hint_reads_as_sentences_without_stray_punctuation(client, shop):
    """Each product's hint names its supplier, then its price, then its cost at your
    scale with its working, without a full stop left over after the sample label and
    without the yearly price said twice; recommended standards are left to the compare
    page."""
    add(client, shop["bins"])
    section = line_section(client.get("/basket/"), shop["notify"])

    hints = [text(hint) for hint in section.select(".govuk-radios__hint")]
    assert hints, "no product hints"
    for hint in hints:
        assert " ." not in hint and ". ." not in hint, hint
        assert "UK GDPR" not in hint, hint
        figure = hint.split("Yearly at your scale: ", 1)[1]
        assert f"({figure.split(' (')[0]} a year)" not in figure, hint
    # A price per text or per user shows how the yearly figure was reached.
    assert any(" × " in hint.split("Yearly at your scale: ", 1)[1] for hint in hints), hints


def test_choosing_an_offering_costs_the_line_at_the_default_population(client, shop):
    """Without a council, 150,000 residents at 35 reports per 1,000 is 5,250 texts at 3p."""
    add(client, shop["bins"])
    response = choose(client, **{f"line-{shop['notify'].pk}": shop["texter"].pk})
    assert response.status_code == 302
    response = client.get("/basket/")
    section = text(line_section(response, shop["notify"]))
    assert "Status Chosen: Texter" in section
    assert "£157.50 5,250 missed bin reports a year × 3p" in section
    assert "150,000 residents" in page_text(response)
    totals = parse(response).find(attrs={"data-total": "yearly"})
    assert text(totals) == "£158"  # totals are rounded for reading: to the pound under £1,000


def test_choosing_a_council_scales_every_line_to_its_population(client, shop):
    """Choosing a council of 200,000 makes 7,000 reports and 20 staff users."""
    add(client, shop["bins"])
    choose(
        client,
        **{
            f"line-{shop['notify'].pk}": shop["texter"].pk,
            f"line-{shop['pay'].pk}": shop["till"].pk,
        },
    )
    response = client.post("/basket/council/", {"council": "testshire"})
    assert response.status_code == 302
    response = client.get("/basket/")
    assert "Costs are worked out for Testshire, population 200,000" in page_text(response)
    assert "£210 7,000 missed bin reports a year × 3p" in text(
        line_section(response, shop["notify"])
    )
    assert "£2,000 20 staff users × £100 a year" in text(line_section(response, shop["pay"]))
    assert text(parse(response).find(attrs={"data-total": "yearly"})) == "£2,200"  # £2,210
    # One-off: Texter's £500 set-up fee plus the recipe's £8,000 to £25,000 scaled by
    # √(200,000 / 150,000) = 1.15: £9,700 to £29,250, shown to the nearest £100.
    assert text(parse(response).find(attrs={"data-total": "one-off"})) == "£9,700 to £29,300"


def test_a_shared_line_counts_both_recipes_volumes(client, shop):
    """Notifications for both recipes count 35 + 60 per 1,000 residents: 14,250 at 150,000."""
    add(client, shop["bins"])
    add(client, shop["permits"])
    choose(client, **{f"line-{shop['notify'].pk}": shop["texter"].pk})
    section = text(line_section(client.get("/basket/"), shop["notify"]))
    assert "£427.50 14,250 transactions a year × 3p" in section


def test_a_price_range_gives_a_range_total(client, shop):
    """A yearly price of £1,000 to £3,000 shows as that range in the totals."""
    add(client, shop["bins"])
    choose(client, **{f"line-{shop['notify'].pk}": shop["mailer"].pk})
    response = client.get("/basket/")
    assert text(parse(response).find(attrs={"data-total": "yearly"})) == "£1,000 to £3,000"


def test_already_have_is_recorded_and_not_costed(client, shop):
    """'We already have this' marks the line and adds nothing to the totals."""
    add(client, shop["bins"])
    choose(client, **{f"line-{shop['notify'].pk}": "have"})
    response = client.get("/basket/")
    assert "Status Already have" in text(line_section(response, shop["notify"]))
    assert text(parse(response).find(attrs={"data-total": "yearly"})) == "£0"


def test_a_choice_can_be_left_open_again(client, shop):
    """Choosing 'Not decided yet' clears an earlier choice."""
    add(client, shop["bins"])
    field = f"line-{shop['notify'].pk}"
    choose(client, **{field: shop["texter"].pk})
    choose(client, **{field: ""})
    assert "Status Not chosen yet" in text(line_section(client.get("/basket/"), shop["notify"]))


@pytest.mark.parametrize("value", ["till", "999999", "cheapest"])
def test_choosing_an_offering_that_does_not_provide_the_component_is_a_400(client, shop, value):
    """An offering for another component (or nonsense) is refused with an error summary."""
    add(client, shop["bins"])
    field = f"line-{shop['notify'].pk}"
    choose(client, **{field: shop["texter"].pk})
    bad = str(shop["till"].pk) if value == "till" else value
    response = choose(client, **{field: bad})
    assert response.status_code == 400
    summary = parse(response).find(class_="govuk-error-summary")
    assert "Choose an offering that provides send notifications" in text(summary)
    assert "Status Chosen: Texter" in text(line_section(client.get("/basket/"), shop["notify"]))


def test_a_withdrawn_offering_is_not_offered(client, shop):
    """Withdrawn and draft offerings are not listed as options."""
    OfferingFactory(name="Gone", components=[shop["notify"]], withdrawn_at=timezone.now())
    OfferingFactory(name="Drafty", components=[shop["notify"]], live=False)
    add(client, shop["bins"])
    labels = [
        text(label)
        for label in line_section(client.get("/basket/"), shop["notify"]).find_all("label")
    ]
    assert "Gone" not in labels
    assert "Drafty" not in labels


@pytest.mark.parametrize("change", [{"withdrawn_at": timezone.now()}, {"live": False}])
def test_an_offering_withdrawn_after_it_was_chosen_is_flagged_not_an_error(client, shop, change):
    """A chosen offering later withdrawn or unpublished shows a warning and leaves the totals."""
    add(client, shop["bins"])
    choose(client, **{f"line-{shop['notify'].pk}": shop["mailer"].pk})
    for name, value in change.items():
        setattr(shop["mailer"], name, value)
    shop["mailer"].save()
    response = client.get("/basket/")
    assert response.status_code == 200
    section = text(line_section(response, shop["notify"]))
    assert "Mailer was withdrawn after you chose it" in section
    assert "Status Chosen offering no longer available" in section
    assert "1 product you chose is no longer available" in page_text(response)
    assert text(parse(response).find(attrs={"data-total": "yearly"})) == "£0"
    # The rest of the form still saves.
    response = choose(client, **{f"line-{shop['pay'].pk}": shop["till"].pk})
    assert response.status_code == 302
    body = client.get("/basket/basket.csv").content.decode("utf-8")
    assert "Chosen offering no longer available" in body


def test_removing_a_line_takes_it_off_the_list(client, shop):
    """Remove drops the one component and keeps the others."""
    add(client, shop["bins"])
    response = client.post(f"/basket/lines/{shop['pay'].pk}/remove/")
    assert response.status_code == 302
    response = client.get("/basket/")
    assert line_section(response, shop["pay"]) is None
    assert line_section(response, shop["notify"]) is not None
    assert "Basket (1)" in page_text(response)


def test_removing_a_line_not_in_the_basket_is_a_404(client, shop):
    """Removing an unknown or already removed line is a 404, not a 500."""
    add(client, shop["bins"])
    assert client.post("/basket/lines/999999/remove/").status_code == 404
    assert client.post("/basket/lines/abc/remove/").status_code == 404


def test_emptying_the_basket_removes_every_line(client, shop):
    """'Empty basket' leaves nothing."""
    add(client, shop["bins"])
    assert client.post("/basket/empty/").status_code == 302
    assert "Your basket is empty" in page_text(client.get("/basket/"))


def test_state_changing_actions_need_post(client, shop):
    """GET on the write URLs is refused with 405."""
    for url in ["/basket/choices/", "/basket/empty/", "/basket/save/", "/basket/lines/1/remove/"]:
        assert client.get(url).status_code == 405, url


def test_every_basket_form_needs_a_csrf_token(shop):
    """Without the CSRF token a POST is refused; with the page's token it works."""
    client = Client(enforce_csrf_checks=True)
    for url in ["/basket/add/", "/basket/choices/", "/basket/empty/", "/basket/council/",
                "/basket/save/", f"/basket/lines/{shop['pay'].pk}/remove/"]:  # fmt: skip
        assert client.post(url, {"recipe": shop["bins"].pk}).status_code == 403, url
    page = client.get(shop["bins"].url)
    token = parse(page).find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]
    response = client.post(
        "/basket/add/", {"recipe": shop["bins"].pk, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert "Basket (2)" in page_text(client.get("/basket/"))


# --- council ----------------------------------------------------------------------------


def test_council_search_finds_councils_by_name(client, shop):
    """Searching 'tests' lists Testshire with a button to choose it."""
    CouncilFactory(name="Elsewhere", slug="elsewhere")
    response = client.get("/basket/council/", {"q": "tests"})
    assert response.status_code == 200
    table = parse(response).find("table")
    assert "Testshire Council" in text(table)
    assert "Elsewhere" not in text(table)
    assert table.find("input", attrs={"name": "council"})["value"] == "testshire"


def test_council_search_without_matches_says_so(client, shop):
    """A name that matches nothing gets a message, not an empty table."""
    response = client.get("/basket/council/", {"q": "Atlantis"})
    assert "No council's name contains “Atlantis”" in page_text(response)


def test_too_long_council_search_is_a_400_with_an_error_summary(client, shop):
    """A search over 100 characters is refused with a GOV.UK error summary, keeping the text."""
    response = client.get("/basket/council/", {"q": "x" * 101})
    assert response.status_code == 400
    assert parse(response).find(class_="govuk-error-summary")
    assert parse(response).find("input", id="id_q")["value"] == "x" * 101


def test_choosing_an_unknown_council_is_a_404(client, shop):
    """A council slug that does not exist is a 404."""
    assert client.post("/basket/council/", {"council": "atlantis"}).status_code == 404
    assert client.post("/basket/council/", {"council": "<bad>"}).status_code == 400


def test_going_back_to_the_default_population(client, shop):
    """Clearing the council returns to the stated default."""
    client.post("/basket/council/", {"council": "testshire"})
    client.post("/basket/council/", {"council": ""})
    add(client, shop["bins"])
    assert "150,000 residents" in page_text(client.get("/basket/"))


# --- exports ----------------------------------------------------------------------------


# The basket CSV's layout, totals and formula guard: tests/recipes/test_exports.py.


def test_json_export_has_lines_prices_and_totals(client, shop):
    """The JSON export carries the same lines with prices as strings, and the totals."""
    add(client, shop["bins"])
    choose(client, **{f"line-{shop['notify'].pk}": shop["mailer"].pk})
    response = client.get("/basket/basket.json")
    data = json.loads(response.content)
    assert data["population"] == 150_000
    notify = next(
        line for line in data["lines"] if line["component"]["name"] == "Send notifications"
    )
    assert notify["offering"]["price"] == "1000.00"
    assert notify["offering"]["price_max"] == "3000.00"
    assert data["totals"]["yearly"]["low"] == "1000.00"
    assert data["totals"]["yearly"]["high"] == "3000.00"


def test_procurement_brief_lists_requirement_standards_outcomes_and_shortlist(client, shop):
    """Per component the brief says why it is needed, what it must meet, the outcomes and
    the shortlisted products, with a print stylesheet."""
    add(client, shop["bins"])
    response = client.get("/basket/brief/")
    soup = parse(response)
    assert soup.find("link", attrs={"media": "print"})
    section = text(soup.find(id=f"brief-{shop['notify'].pk}").parent)
    assert "In “Report a missed bin”: It needs send notifications." in section
    assert "Must conform to OpenAPI 3" in section
    assert "Reports made online: 78% (from 41%)" in section
    assert "Shortlist for send notifications" in section
    assert "Texter" in section
    assert "123456789012345" in section


# --- sharing ----------------------------------------------------------------------------


def test_saving_gives_an_unguessable_read_only_link(client, shop):
    """Saving stores a snapshot under a long random id and shows it at that link."""
    add(client, shop["bins"])
    choose(client, **{f"line-{shop['notify'].pk}": shop["mailer"].pk})
    response = client.post("/basket/save/")
    saved = SavedBasket.objects.get()
    assert len(saved.pk) >= 20
    assert response["Location"] == f"/basket/saved/{saved.pk}/"
    page = client.get(response["Location"])
    assert "Mailer" in page_text(page)
    assert "No price has changed" in page_text(page)
    assert parse(page).find("input", id="share-url")["value"].endswith(f"/basket/saved/{saved.pk}/")


def test_saved_basket_shows_price_changes_and_withdrawals_since(client, shop):
    """After saving, a price rise and a withdrawal are listed; the saved figures stay."""
    add(client, shop["bins"])
    choose(
        client,
        **{
            f"line-{shop['notify'].pk}": shop["mailer"].pk,
            f"line-{shop['pay'].pk}": shop["till"].pk,
        },
    )
    url = client.post("/basket/save/")["Location"]
    shop["mailer"].price = Decimal("1500")
    shop["mailer"].save()
    shop["till"].withdrawn_at = timezone.now()
    shop["till"].save()
    response = Client().get(url)
    changes = text(parse(response).find(attrs={"data-changes": True}))
    assert (
        "Mailer: price changed from £1,000 to £3,000 per year to £1,500 to £3,000 per year"
        in changes
    )
    assert "Till is no longer available" in changes
    assert "£1,000 to £3,000" in page_text(response)


def test_copying_a_saved_basket_into_your_own(client, shop):
    """Another visitor copies a shared basket and gets its lines and still-listed choices."""
    add(client, shop["bins"])
    choose(
        client,
        **{
            f"line-{shop['notify'].pk}": shop["mailer"].pk,
            f"line-{shop['pay'].pk}": shop["till"].pk,
        },
    )
    client.post("/basket/council/", {"council": "testshire"})
    url = client.post("/basket/save/")["Location"]
    shop["till"].withdrawn_at = timezone.now()
    shop["till"].save()
    colleague = Client()
    response = colleague.post(url + "copy/")
    assert response.status_code == 302
    basket = colleague.get("/basket/")
    assert "Status Chosen: Mailer" in text(line_section(basket, shop["notify"]))
    assert "Status Not chosen yet" in text(line_section(basket, shop["pay"]))
    assert "Costs for Testshire" in page_text(basket)


@pytest.mark.parametrize("bad_id", ["nope", "x" * 40, "../../etc"])
def test_unknown_saved_basket_is_a_404(client, shop, bad_id):
    """A saved-basket link that does not exist is a 404 for viewing, CSV and copying."""
    assert client.get(f"/basket/saved/{bad_id}/").status_code == 404
    assert client.get(f"/basket/saved/{bad_id}/basket.csv").status_code == 404
    assert client.post(f"/basket/saved/{bad_id}/copy/").status_code == 404


def test_saving_an_empty_basket_is_refused(client, shop):
    """There is nothing to share in an empty basket: 400 and nothing stored."""
    assert client.post("/basket/save/").status_code == 400
    assert not SavedBasket.objects.exists()


def test_saved_basket_csv_uses_the_saved_figures(client, shop):
    """The shared basket's CSV keeps the prices of the day it was saved."""
    add(client, shop["bins"])
    choose(client, **{f"line-{shop['notify'].pk}": shop["mailer"].pk})
    url = client.post("/basket/save/")["Location"]
    shop["mailer"].price = Decimal("2000")
    shop["mailer"].save()
    row = csv_rows(client.get(url + "basket.csv"))[0]
    assert Decimal(row["Price"]) == Decimal("1000")


# --- compare ----------------------------------------------------------------------------


def test_compare_shows_offerings_side_by_side_at_the_councils_scale(client, shop):
    """Two offerings appear as columns with price, yearly cost, standards and G-Cloud ID."""
    add(client, shop["bins"])
    client.post("/basket/council/", {"council": "testshire"})
    response = client.get("/compare/", {"offerings": "texter,mailer"})
    assert response.status_code == 200
    table = parse(response).find("table")
    headers = [text(th) for th in table.find("thead").find_all("th")]
    assert headers == ["Texter", "Mailer"]
    rows = {
        text(tr.find("th")): [text(td) for td in tr.find_all("td")]
        for tr in table.find("tbody").find_all("tr")
    }
    assert rows["Yearly cost at your scale"][0].startswith("£210")
    assert rows["Yearly cost at your scale"][1].startswith("£1,000 to £3,000")
    assert rows["OpenAPI 3"] == ["Verified", "Not claimed"]
    assert rows["G-Cloud service ID"] == ["123456789012345", "Not listed"]
    assert rows["Councils using it"] == ["Not recorded", "Not recorded"]


def test_compare_accepts_repeated_parameters(client, shop):
    """?offerings=a&offerings=b works like a comma list."""
    response = client.get("/compare/?offerings=texter&offerings=till")
    assert response.status_code == 200
    assert "Texter" in page_text(response) and "Till" in page_text(response)


def test_compare_unknown_or_withdrawn_offering_is_a_404_naming_it(client, shop):
    """An unknown or withdrawn slug gets a 404 saying which one."""
    response = client.get("/compare/", {"offerings": "texter,no-such-thing"})
    assert response.status_code == 404
    assert "no-such-thing" in page_text(response)
    shop["mailer"].withdrawn_at = timezone.now()
    shop["mailer"].save()
    assert client.get("/compare/", {"offerings": "texter,mailer"}).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?offerings=",
        "?offerings=a,b,c,d,e",
        "?offerings=%3Cscript%3E",
        "?offerings=" + "a" * 101,
    ],
)
def test_compare_bad_requests_are_a_clear_400(client, shop, query):
    """No offerings, more than four, or a malformed slug is a 400 with a message."""
    response = client.get("/compare/" + query)
    assert response.status_code == 400
    assert "Cannot compare those offerings" in page_text(response)


# --- queries ----------------------------------------------------------------------------


def basket_with_lines(client, count):
    components = ComponentFactory.create_batch(count, standards=[StandardFactory()])
    recipe = RecipePageFactory(components=components, standards=[StandardFactory()])
    for component in components:
        for _ in range(2):
            offering = OfferingFactory(components=[component])
            ConformanceClaimFactory(offering=offering, standard=component.standards.first())
    add(client, recipe)
    first = components[0]
    choose(client, **{f"line-{first.pk}": first.offerings.first().pk})
    council = CouncilFactory()
    client.post("/basket/council/", {"council": council.slug})


@pytest.mark.parametrize(
    "url", ["/basket/", "/basket/brief/", "/basket/basket.csv", "/basket/architecture/"]
)
def test_basket_pages_make_the_same_number_of_queries_at_2_and_10_lines(recipe_index, url):
    """The basket, brief and CSV cost a fixed number of queries however long the list."""
    counts = []
    for size in (2, 10):
        client = Client()
        basket_with_lines(client, size)
        client.get(url)  # warm Wagtail's cache of site root paths
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 15


@pytest.mark.parametrize(
    "url", ["/basket/architecture/", "/basket/basket.csv", "/basket/basket.json"]
)
def test_what_shows_only_the_choices_reads_no_shortlist(recipe_index, url):
    """The pictures and the exports name only what was chosen: they rank no shortlist, so
    they make fewer queries than the basket, the same at 2 and 10 lines."""
    counts = {}
    for size in (2, 10):
        client = Client()
        basket_with_lines(client, size)
        for page in ("/basket/", url):
            client.get(page)
            with CaptureQueriesContext(connection) as queries:
                client.get(page)
            counts[page, size] = len(queries)
    assert counts[url, 2] == counts[url, 10]
    assert counts[url, 10] < counts["/basket/", 10]


# --- your architecture -----------------------------------------------------------------


def test_the_basket_links_to_its_architecture_pictures_instead_of_drawing_them(client, shop):
    add(client, shop["bins"])
    add(client, shop["permits"])
    response = client.get("/basket/")
    assert not parse(response).select("svg.app-arch")
    link = parse(response).find(id="your-architecture").find_next("a")
    assert link["href"] == "/basket/architecture/"
    assert text(link) == "See the picture of each of your 2 recipes with the products you chose"


def test_the_architecture_page_draws_every_recipe_with_the_chosen_products(client, shop):
    """Every recipe's picture (not only the first three), the product chosen named in the
    box of its component, "Already have" in another's."""
    add(client, shop["bins"])
    add(client, shop["permits"])
    choose(client, **{f"line-{shop['notify'].pk}": shop["texter"].pk})
    choose(client, **{f"line-{shop['pay'].pk}": "have"})
    response = client.get("/basket/architecture/")
    assert response.status_code == 200
    page = parse(response)
    assert [text(h) for h in page.select("section.app-figure h2")] == [
        "Apply for a parking permit",
        "Report a missed bin",
    ]
    pictures = page.select("svg.app-arch")
    assert len(pictures) == 2
    assert all("Texter" in text(svg) for svg in pictures)
    assert "Already have" in text(pictures[1])
    assert text(page.find("h1")) == "Your architecture"


def test_the_architecture_page_of_an_empty_basket_says_how_to_fill_it(client, shop):
    response = client.get("/basket/architecture/")
    assert response.status_code == 200
    assert "Your basket is empty" in page_text(response)
    assert client.post("/basket/architecture/").status_code == 405


def test_the_session_holds_only_ids(client, shop):
    """The basket in the session is a few ids, not pickled objects; the council is in the
    cost-choice cookie, shared with every other page, not in the basket."""
    add(client, shop["bins"])
    choose(client, **{f"line-{shop['notify'].pk}": shop["texter"].pk})
    client.post("/costs/council/", {"council": "testshire", "next": "/basket/"})
    stored = client.session["basket"]
    assert stored == {
        "lines": {
            str(shop["notify"].pk): {
                "recipes": [shop["bins"].pk],
                "choice": str(shop["texter"].pk),
            },
            str(shop["pay"].pk): {"recipes": [shop["bins"].pk], "choice": ""},
        },
    }
    assert "plumbing_costs" in client.cookies
    assert len(json.dumps(stored)) < 200
