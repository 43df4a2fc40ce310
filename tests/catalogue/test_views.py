from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from catalogue.models import Component, Offering
from recipes.models import Adoption
from tests.factories import (
    AdoptionFactory,
    AdoptionOutcomeFactory,
    ComponentFactory,
    ConformanceClaimFactory,
    CouncilFactory,
    CouncilTypeFactory,
    OfferingFactory,
    RecipePageFactory,
    StandardFactory,
    SupplierFactory,
)
from tests.pages import link_texts, page_text, parse, table_with_caption, text

pytestmark = pytest.mark.django_db


def build_catalogue():
    """Two components, two standards, a real and a sample supplier, two published
    offerings plus a draft and a withdrawn one, a live and a draft recipe, and three
    councils (a district under its county) with adoptions."""
    uprn = StandardFactory(
        name="Unique Property Reference Number",
        short_name="UPRN",
        slug="uprn",
        owner="GeoPlace",
        licence="Open Government Licence",
    )
    wcag = StandardFactory(
        name="Web Content Accessibility Guidelines 2.2",
        short_name="WCAG 2.2",
        slug="wcag",
        category="accessibility",
    )
    notify = ComponentFactory(
        name="Send notifications",
        slug="send-notifications",
        category="notifications",
        summary="Send emails, texts and letters.",
        standards=[wcag],
    )
    pay = ComponentFactory(
        name="Take payments",
        slug="take-payments",
        category="payments",
        summary="Take card payments.",
    )
    real = SupplierFactory(
        name="Government Digital Service",
        slug="gds",
        companies_house_number="",
        is_sme=False,
        description="Builds GOV.UK platforms.",
    )
    sample = SupplierFactory(
        name="Acme Digital",
        slug="acme",
        companies_house_number="01234567",
        is_sample=True,
        description="A fictional supplier.",
    )
    govuk_notify = OfferingFactory(
        name="GOV.UK Notify",
        slug="govuk-notify",
        supplier=real,
        components=[notify],
        price=Decimal("0"),
        hosting=Offering.Hosting.GOV_PLATFORM,
        open_source_licence="MIT",
        repository_url="https://github.com/alphagov/notifications-api",
    )
    acme = OfferingFactory(
        name="Acme Messages",
        slug="acme-messages",
        supplier=sample,
        components=[notify, pay],
        summary="Messages and payments in one.",
        description=(
            "## Why Acme\n\n**Fast** set-up.\n\n<script>alert('x')</script>\n\n"
            '<img src="x" onerror="alert(1)">\n\n[Pricing](javascript:alert(1))'
        ),
        price=Decimal("1200"),
        price_max=Decimal("2400"),
        setup_fee=Decimal("500"),
        gcloud_service_id="123456789012345",
    )
    draft = OfferingFactory(
        name="Acme Drafty", slug="acme-drafty", supplier=sample, components=[notify], live=False
    )
    withdrawn = OfferingFactory(
        name="Old Messages",
        slug="old-messages",
        supplier=real,
        components=[notify],
        withdrawn_at=timezone.now(),
    )
    ConformanceClaimFactory(offering=govuk_notify, standard=wcag, verified=True)
    ConformanceClaimFactory(offering=acme, standard=wcag, statement="Audited in 2025.")
    ConformanceClaimFactory(offering=acme, standard=uprn, verified=True)
    ConformanceClaimFactory(offering=draft, standard=wcag)
    ConformanceClaimFactory(offering=withdrawn, standard=wcag, verified=True)

    missed_bin = RecipePageFactory(
        title="Report a missed bin", slug="missed-bin", components=[notify], standards=[uprn]
    )
    RecipePageFactory(
        title="Secret recipe", components=[notify, pay], standards=[uprn], live=False, publish=False
    )
    metropolitan = CouncilTypeFactory(code="MD")
    district = CouncilTypeFactory(
        code="NMD", name="District council", plural_name="District councils"
    )
    county = CouncilTypeFactory(code="CTY", name="County council", plural_name="County councils")
    leeds = CouncilFactory(
        code="LDS",
        name="Leeds",
        slug="leeds",
        official_name="Leeds City Council",
        council_type=metropolitan,
        population=798786,
        homepage_url="https://www.leeds.gov.uk/",
    )
    east_sussex = CouncilFactory(
        code="ESX",
        name="East Sussex",
        slug="east-sussex",
        official_name="East Sussex County Council",
        council_type=county,
        region="South East",
    )
    CouncilFactory(
        code="LEE",
        name="Lewes",
        slug="lewes",
        official_name="Lewes District Council",
        council_type=district,
        region="South East",
        parent=east_sussex,
        population=None,
    )
    AdoptionOutcomeFactory(
        adoption=AdoptionFactory(
            recipe=missed_bin,
            council=leeds,
            status=Adoption.Status.LIVE,
            live_since=date(2024, 3, 1),
            is_sample=True,
        ),
        metric="Reports made online",
        value=Decimal("62.5"),
        unit="percent",
    )


@pytest.fixture(scope="module", autouse=True)
def catalogue(shared_data):
    with shared_data():
        build_catalogue()
        yield


def list_headings(response, tag="h2"):
    return [text(heading) for heading in parse(response).select(f".app-card-list {tag}")]


def assert_error_summary(response, field):
    """The page is a 400 with a GOV.UK error summary linking to the bad field."""
    assert response.status_code == 400
    summary = parse(response).find("div", class_="govuk-error-summary")
    assert "There is a problem" in text(summary)
    assert "Select a valid choice" in text(summary.find("a", href=f"#id_{field}"))


def assert_not_found(response):
    assert response.status_code == 404
    assert "Page not found" in page_text(response)
    assert "govuk-template" in response.content.decode()


# Components


def test_component_list_groups_components_with_their_counts(client):
    """Components are grouped by category, each with its published offerings and the live
    recipes that need it."""
    response = client.get("/components/")

    assert response.status_code == 200
    main = parse(response).find("main")
    assert [text(h) for h in main.select(".govuk-grid-column-two-thirds h2")] == [
        "Notifications and messaging",
        "Payments",
    ]
    items = [text(item) for item in main.select(".app-card-list__item")]
    assert items == [
        "Send notifications Send emails, texts and letters. 2 offerings, needed by 1 recipe",
        "Take payments Take card payments. 1 offering, needed by 0 recipes",
    ]
    assert "2 components" in text(main)


def test_list_counts_kept_between_visits_change_with_the_catalogue(client):
    """Counts on the component and standard lists are kept between visits, and a newly
    published offering or claim shows in them on the next visit."""
    from django.test import override_settings

    with override_settings(CONTENT_DATA_CACHE_SECONDS=300):
        assert "2 offerings, needed by 1 recipe" in page_text(client.get("/components/"))
        standards = parse(client.get("/standards/")).select("tbody tr")
        before = [text(row) for row in standards]
        notify = Component.objects.get(slug="send-notifications")
        OfferingFactory(name="Third notifier", components=[notify])
        assert "3 offerings, needed by 1 recipe" in page_text(client.get("/components/"))
        standard = ConformanceClaimFactory(offering=OfferingFactory(name="Claimer")).standard
        after = [text(row) for row in parse(client.get("/standards/")).select("tbody tr")]
    assert after != before
    assert any(row.startswith(standard.name) and row.endswith(" 0 1") for row in after)


def test_component_list_filters_by_category(client):
    """Choosing a capability category shows only its components."""
    response = client.get("/components/?category=payments")

    assert list_headings(response, "h3") == ["Take payments"]


def test_component_list_unknown_category_is_400(client):
    """An unknown category gives a 400 with an error summary."""
    assert_error_summary(client.get("/components/?category=plumbing"), "category")


def test_component_detail_shows_standards_and_recipes(client):
    """A component page lists the standards a product should meet and the live recipes
    that need it."""
    response = client.get("/components/send-notifications/")

    soup = parse(response)
    assert text(soup.find("h1")) == "Send notifications"
    assert "Component: Notifications and messaging" in text(soup.find("main"))
    standards = soup.find("h2", string="Standards a product should meet").find_next("ul")
    assert link_texts(standards) == ["Web Content Accessibility Guidelines 2.2"]
    recipes = soup.find("h2", string="Recipes that need it").find_next("ul")
    assert link_texts(recipes) == ["Report a missed bin"]
    assert recipes.a["href"] == "/recipes/missed-bin/"


def test_component_detail_compares_published_offerings(client):
    """The comparison table has one row per published offering: supplier (with a sample
    label), price, hosting, standards claimed and the G-Cloud ID. Drafts and withdrawn
    offerings are left out."""
    soup = parse(client.get("/components/send-notifications/"))

    table = table_with_caption(soup, "Compare products for send notifications")
    headers = [text(th) for th in table.select("thead th")]
    assert headers == ["Offering", "Supplier", "Price", "Hosting", "Standards", "G-Cloud"]
    rows = [text(row) for row in table.select("tbody tr")]
    assert rows == [
        "Acme Messages Acme Digital Sample data £1,200 to £2,400 per year plus £500 set-up "
        "Cloud, hosted in the UK UPRN: verified WCAG 2.2: claimed 123456789012345",
        "GOV.UK Notify Open source (MIT) Government Digital Service Free "
        "Government platform WCAG 2.2: verified Not listed",
    ]
    gcloud = table.find("a", string="123456789012345")
    assert gcloud["href"].endswith("/g-cloud/services/123456789012345")


def test_component_without_offerings_says_so(client):
    """A component nobody sells yet says there are no published offerings."""
    ComponentFactory(slug="book-rooms")

    response = client.get("/components/book-rooms/")

    assert "No published offerings yet." in page_text(response)
    assert "No recipe uses it yet." in page_text(response)


def add_recipes(count, *, components=(), standards=(), live=True):
    """Recipes titled "Needs it 01", "Needs it 02" and so on, in title order."""
    return [
        RecipePageFactory(
            title=f"Needs it {number:02}",
            components=list(components),
            standards=list(standards),
            live=live,
            publish=False,
        )
        for number in range(1, count + 1)
    ]


@pytest.mark.usefixtures("unindexed")
def test_component_page_lists_ten_recipes_and_links_to_all_that_need_it(client):
    """A component needed by 12 live recipes lists the first 10 by title and links to the
    recipe list filtered by the component, which finds all 12; drafts are not counted."""
    component = ComponentFactory(slug="book-rooms")
    add_recipes(12, components=[component])
    RecipePageFactory(title="Draft needs it", components=[component], live=False, publish=False)

    soup = parse(client.get("/components/book-rooms/"))

    recipes = soup.find("h2", string="Recipes that need it").find_next("ul")
    assert link_texts(recipes) == [f"Needs it {number:02}" for number in range(1, 11)]
    see_all = soup.find("a", string="See all 12 recipes that need it")
    assert see_all["href"] == "/recipes/?component=book-rooms"
    filtered = client.get(see_all["href"])
    assert filtered.status_code == 200
    assert text(parse(filtered).find(role="status")) == "12 recipes"


@pytest.mark.usefixtures("unindexed")
def test_component_page_with_ten_recipes_lists_them_all_without_a_see_all_link(client):
    """When every recipe fits, they are all listed and there is no link to see more."""
    component = ComponentFactory(slug="book-rooms")
    add_recipes(10, components=[component])

    soup = parse(client.get("/components/book-rooms/"))

    assert len(link_texts(soup.find("h2", string="Recipes that need it").find_next("ul"))) == 10
    assert "See all" not in text(soup.find("main"))


# Standards


def test_standard_list_counts_components_and_published_claims(client):
    """Each standard shows its type, how many components should meet it and how many
    published products claim it."""
    response = client.get("/standards/")

    rows = [text(row) for row in parse(response).select("tbody tr")]
    assert rows == [
        "Unique Property Reference Number What Unique Property Reference Number covers. "
        "Data standard 0 1",
        "Web Content Accessibility Guidelines 2.2 What Web Content Accessibility Guidelines "
        "2.2 covers. Accessibility 1 2",
    ]


def test_standard_detail_separates_verified_from_claimed(client):
    """Products an editor verified are listed apart from those the supplier only claims;
    draft and withdrawn products appear in neither."""
    soup = parse(client.get("/standards/wcag/"))

    verified = table_with_caption(soup, "Verified by an editor")
    claimed = table_with_caption(soup, "Claimed by the supplier, not yet verified")
    assert [text(row.th) for row in verified.select("tbody tr")] == ["GOV.UK Notify"]
    assert [text(row.th) for row in claimed.select("tbody tr")] == ["Acme Messages"]
    assert "Audited in 2025." in text(claimed)
    assert "Sample data" in text(claimed)
    assert "by an editor" in text(verified)
    main = text(soup.find("main"))
    assert "Old Messages" not in main
    assert "Acme Drafty" not in main


def test_standard_detail_lists_components_and_recipes(client):
    """A standard page links the components that should meet it and the live recipes
    that need it, and where it is published."""
    soup = parse(client.get("/standards/uprn/"))

    assert text(soup.find("h1")) == "Unique Property Reference Number"
    recipes = soup.find("h2", string="Recipes that need it").find_next("ul")
    assert link_texts(recipes) == ["Report a missed bin"]
    components = soup.find("h2", string="Components that should meet it").find_next("ul")
    assert text(components) == "None listed."
    assert "Maintained by GeoPlace" in text(soup.find("main"))
    assert soup.find("a", href="https://standards.example.org/uprn")


def test_standard_nobody_claims_says_so(client):
    """A standard with no claims says no product claims it yet."""
    StandardFactory(slug="open-referral")

    assert "No product claims to meet this standard yet." in page_text(
        client.get("/standards/open-referral/")
    )


def standard_with_published_claims(slug, *, verified, claimed):
    """A standard claimed by published offerings: the verified ones named "Verified 01"
    and so on, all verified at the same moment; the claimed ones "Claimed 01" and so on.
    A draft and a withdrawn offering claim it too."""
    standard = StandardFactory(slug=slug)
    supplier = SupplierFactory()
    when = timezone.now()
    for number in range(1, verified + 1):
        offering = OfferingFactory(name=f"Verified {number:02}", supplier=supplier)
        ConformanceClaimFactory(offering=offering, standard=standard, verified_at=when)
    for number in range(1, claimed + 1):
        offering = OfferingFactory(name=f"Claimed {number:02}", supplier=supplier)
        ConformanceClaimFactory(offering=offering, standard=standard)
    for hidden in [
        OfferingFactory(name="Hidden draft", supplier=supplier, live=False),
        OfferingFactory(name="Hidden withdrawn", supplier=supplier, withdrawn_at=when),
    ]:
        ConformanceClaimFactory(offering=hidden, standard=standard, verified_at=when)
    return standard


def claim_rows(soup, caption):
    try:
        table = table_with_caption(soup, caption)
    except AssertionError:
        return []
    return [text(row.th) for row in table.select("tbody tr")]


@pytest.mark.usefixtures("unindexed")
def test_standard_page_lists_claims_twenty_at_a_time_verified_first(client):
    """A standard with 25 published claims (5 verified) shows 20 on page 1, verified ones
    first, then the other 5 on page 2, with the totals of each kind and links to the
    filtered offering list. Draft and withdrawn offerings are neither listed nor counted."""
    standard_with_published_claims("iso-27001", verified=5, claimed=20)

    first = parse(client.get("/standards/iso-27001/"))
    second = parse(client.get("/standards/iso-27001/?page=2"))

    assert claim_rows(first, "Verified by an editor") == [f"Verified {n:02}" for n in range(1, 6)]
    assert claim_rows(first, "Claimed by the supplier") == [f"Claimed {n:02}" for n in range(1, 16)]
    assert claim_rows(second, "Verified by an editor") == []
    assert claim_rows(second, "Claimed by the supplier") == [
        f"Claimed {n:02}" for n in range(16, 21)
    ]
    main = text(first.find("main"))
    assert (
        "25 products claim to meet it: 5 verified by an editor and 20 claimed by the supplier."
        in main
    )
    assert "Showing products 1 to 20 of 25, verified first." in main
    assert "Showing products 21 to 25 of 25, verified first." in text(second.find("main"))
    assert "Hidden" not in main
    all_link = first.find("a", string="Filter and sort all 25 products that claim it")
    assert all_link["href"] == "/offerings/?standard=iso-27001"
    verified_link = first.find("a", string="Filter and sort the 5 verified products")
    assert verified_link["href"] == "/offerings/?standard=iso-27001&verified_only=on"
    for link, count in [(all_link, 25), (verified_link, 5)]:
        listed = client.get(link["href"])
        assert listed.status_code == 200
        assert f"{count} offerings" in page_text(listed)
    pagination = first.find("nav", class_="govuk-pagination")
    assert pagination.find("a", rel="next")["href"] == "?page=2"
    assert second.find("nav", class_="govuk-pagination").find("a", rel="prev")


def test_standard_page_with_few_claims_has_no_pagination(client):
    """Claims that fit on one page are shown without page links."""
    soup = parse(client.get("/standards/wcag/"))

    assert soup.find("nav", class_="govuk-pagination") is None
    assert "2 products claim to meet it: 1 verified by an editor and 1 claimed" in text(soup)


@pytest.mark.usefixtures("unindexed")
def test_standard_page_lists_ten_recipes_and_links_to_all_that_need_it(client):
    """A standard needed by 12 live recipes lists the first 10 by title and links to the
    recipe list filtered by the standard, which finds all 12."""
    standard = StandardFactory(slug="iso-27001")
    add_recipes(12, standards=[standard])

    soup = parse(client.get("/standards/iso-27001/"))

    recipes = soup.find("h2", string="Recipes that need it").find_next("ul")
    assert link_texts(recipes) == [f"Needs it {number:02}" for number in range(1, 11)]
    see_all = soup.find("a", string="See all 12 recipes that need it")
    assert see_all["href"] == "/recipes/?standard=iso-27001"
    filtered = client.get(see_all["href"])
    assert filtered.status_code == 200
    assert text(parse(filtered).find(role="status")) == "12 recipes"


# Suppliers


def test_supplier_list_labels_sample_suppliers(client):
    """Fictional suppliers carry a sample data label in the list; real ones do not."""
    response = client.get("/suppliers/")

    items = [text(item) for item in parse(response).select(".app-card-list__item")]
    assert items == [
        "Acme Digital Sample data A fictional supplier. 1 published offering. "
        "Small or medium-sized enterprise",
        "Government Digital Service Builds GOV.UK platforms. 1 published offering",
    ]


@pytest.mark.parametrize(
    ("query", "names"),
    [("sme=yes", ["Acme Digital"]), ("sme=no", ["Government Digital Service"])],
)
def test_supplier_list_filters_by_size(client, query, names):
    """Suppliers can be narrowed to SMEs or large organisations."""
    assert list_headings(client.get(f"/suppliers/?{query}")) == [
        f"{name} Sample data" if name == "Acme Digital" else name for name in names
    ]


def test_supplier_list_unknown_size_is_400(client):
    """An unknown size filter gives a 400 with an error summary."""
    assert_error_summary(client.get("/suppliers/?sme=huge"), "sme")


def test_sample_supplier_page_says_it_is_fictional(client):
    """A sample supplier's page says it is fictional and does not link to Companies House."""
    soup = parse(client.get("/suppliers/acme/"))

    inset = text(soup.find("div", class_="govuk-inset-text"))
    assert inset.startswith("Sample data This is a fictional supplier.")
    assert soup.find("a", href=lambda href: href and "company-information" in href) is None
    assert "01234567" in text(soup.find("main"))


def test_supplier_page_lists_its_published_offerings(client):
    """A supplier page lists its published offerings, without the supplier column."""
    soup = parse(client.get("/suppliers/acme/"))

    table = table_with_caption(soup, "Products from Acme Digital")
    assert [text(row.th) for row in table.select("tbody tr")] == ["Acme Messages"]
    assert "Supplier" not in [text(th) for th in table.select("thead th")]


def test_real_supplier_links_to_companies_house(client):
    """A real supplier with a Companies House number links to its record."""
    SupplierFactory(slug="mysociety", name="mySociety", companies_house_number="05798215")

    soup = parse(client.get("/suppliers/mysociety/"))

    link = soup.find("a", string="05798215")
    assert link["href"] == (
        "https://find-and-update.company-information.service.gov.uk/company/05798215"
    )
    assert soup.find("div", class_="govuk-inset-text") is None


# Offerings


def test_offering_list_shows_published_offerings_only(client):
    """The offerings list has published offerings only, with supplier, price and
    components."""
    response = client.get("/offerings/")

    assert list_headings(response) == ["Acme Messages", "GOV.UK Notify"]
    first = parse(response).select(".app-card-list__item")[0]
    assert text(first).startswith(
        "Acme Messages from Acme Digital Sample data Messages and payments in one. "
        "£1,200 to £2,400 per year plus £500 set-up"
    )
    # The components are a line of their own, not tacked on after the price's last line.
    provides = first.select("p")[-1]
    assert " ".join(provides.get_text().split()) == "Provides: Send notifications, Take payments"
    assert ". Provides" not in first.get_text()
    assert link_texts(first) == [
        "Acme Messages",
        "Acme Digital",
        "Send notifications",
        "Take payments",
    ]
    assert "2 offerings" in page_text(response)


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("component=take-payments", ["Acme Messages"]),
        ("hosting=gov_platform", ["GOV.UK Notify"]),
        ("open_source=on", ["GOV.UK Notify"]),
        ("component=send-notifications&hosting=cloud_uk", ["Acme Messages"]),
    ],
)
def test_offering_list_filters(client, query, names):
    """Offerings can be narrowed by component, hosting and open source."""
    assert list_headings(client.get(f"/offerings/?{query}")) == names


@pytest.mark.parametrize(
    ("query", "field"), [("component=teleport", "component"), ("hosting=moon", "hosting")]
)
def test_offering_list_unknown_filter_is_400(client, query, field):
    """An unknown component or hosting value gives a 400 with an error summary."""
    assert_error_summary(client.get(f"/offerings/?{query}"), field)


def test_offering_page_shows_sanitised_description(client):
    """The supplier's markdown description is shown formatted, with scripts, event
    handlers and javascript: links removed."""
    response = client.get("/offerings/acme-messages/")

    soup = parse(response)
    description = soup.select_one("main .app-prose")
    assert text(description.h2) == "Why Acme"
    assert text(description.strong) == "Fast"
    assert description.find(["script", "img"]) is None
    assert not [a for a in soup.find_all("a", href=True) if "javascript:" in a["href"].lower()]
    assert not [
        tag for tag in description.find_all(True) if any(a.startswith("on") for a in tag.attrs)
    ]
    assert "Pricing" in text(description)


def test_offering_page_shows_price_gcloud_link_and_components(client):
    """An offering page gives its price, hosting, G-Cloud link and the components it
    provides."""
    soup = parse(client.get("/offerings/acme-messages/"))

    rows = {text(row.dt): text(row.dd) for row in soup.select(".govuk-summary-list__row")[:5]}
    assert rows == {
        "Provides": "Send notifications Take payments",
        "Price": "£1,200 to £2,400 per year plus £500 set-up",
        "Hosting": "Cloud, hosted in the UK",
        "G-Cloud service ID": "123456789012345",
        "Open source": "No",
    }
    gcloud = soup.find("a", string="123456789012345")
    assert gcloud["href"] == (
        "https://www.applytosupply.digitalmarketplace.service.gov.uk"
        "/g-cloud/services/123456789012345"
    )
    assert soup.find("a", href="/components/take-payments/")


def test_offering_page_shows_verified_and_claimed_standards(client):
    """Each claim shows whether an editor verified it, with the supplier's statement."""
    soup = parse(client.get("/offerings/acme-messages/"))

    claims = soup.find("h2", string="Standards").find_next("dl")
    rows = [text(row) for row in claims.select(".govuk-summary-list__row")]
    assert rows[0].startswith("UPRN Verified on ")
    assert rows[1] == (
        "WCAG 2.2 Claimed not yet checked by an editor Audited in 2025. Evidence for WCAG 2.2"
    )


def test_sample_offering_page_says_it_is_fictional(client):
    """A sample supplier's offering says its product, prices and G-Cloud ID are made up."""
    soup = parse(client.get("/offerings/acme-messages/"))

    assert "A fictional product from a fictional supplier" in text(
        soup.find("div", class_="govuk-inset-text")
    )
    real = parse(client.get("/offerings/govuk-notify/"))
    assert real.find("div", class_="govuk-inset-text") is None


def test_free_open_source_offering(client):
    """A free open-source offering says Free and links to its source code."""
    soup = parse(client.get("/offerings/govuk-notify/"))

    rows = {text(row.dt): text(row.dd) for row in soup.select(".govuk-summary-list__row")[:5]}
    assert rows["Price"] == "Free"
    assert rows["Open source"] == "Yes, MIT: source code"
    assert rows["G-Cloud service ID"] == "Not listed on G-Cloud"


@pytest.mark.parametrize("slug", ["acme-drafty", "old-messages"])
def test_draft_and_withdrawn_offerings_are_404(client, slug):
    """A draft or withdrawn offering's page cannot be seen by the public."""
    assert_not_found(client.get(f"/offerings/{slug}/"))


# Councils


def test_council_list_shows_councils_with_type_population_and_recipes(client):
    """The councils list shows each council's type, population and recipe count."""
    response = client.get("/councils/")

    rows = [text(row) for row in parse(response).select("tbody tr")]
    assert rows == [
        "East Sussex South East County council 250,000 0",
        "Leeds Yorkshire and The Humber Metropolitan district 798,786 1",
        "Lewes South East District council Not known 0",
    ]
    assert "3 councils" in page_text(response)


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("council_type=NMD", ["Lewes"]),
        ("region=South+East", ["East Sussex", "Lewes"]),
        ("council_type=CTY&region=South+East", ["East Sussex"]),
        ("council_type=MD&region=South+East", []),
    ],
)
def test_council_list_filters_by_type_and_region(client, query, names):
    """Councils can be narrowed by type and by region."""
    response = client.get(f"/councils/?{query}")

    assert response.status_code == 200
    assert [text(row.th.a) for row in parse(response).select("tbody tr") if row.th] == names
    if not names:
        assert "No councils match." in page_text(response)


@pytest.mark.parametrize(
    ("query", "field"),
    [("council_type=XYZ", "council_type"), ("region=Atlantis", "region")],
)
def test_council_list_unknown_filter_is_400(client, query, field):
    """An unknown council type or region gives a 400 with an error summary."""
    assert_error_summary(client.get(f"/councils/?{query}"), field)


def test_council_page_lists_its_adoptions(client):
    """A council page lists the recipes it adopted, their status and what it measured."""
    soup = parse(client.get("/councils/leeds/"))

    assert text(soup.find("h1")) == "Leeds City Council"
    table = table_with_caption(soup, "Recipes this council has adopted")
    assert [text(row) for row in table.select("tbody tr")] == [
        "Report a missed bin Sample data Live since March 2024 Reports made online: 62.5%"
    ]
    assert table.find("a", href="/recipes/missed-bin/")
    assert soup.find("a", href="https://www.leeds.gov.uk/")
    assert "798,786" in text(soup.find("main"))


def test_a_council_page_has_no_measures_heading_over_nothing(client):
    """With adoptions but no outcome recorded, the council page has no "What it measured"
    section; Leeds, which measured one, has it."""
    AdoptionFactory(
        recipe=RecipePageFactory(slug="pay-a-fine"), council=CouncilFactory(slug="york")
    )

    york = parse(client.get("/councils/york/"))
    assert york.find("a", href="/recipes/pay-a-fine/")
    assert york.find(id="outcomes") is None
    assert parse(client.get("/councils/leeds/")).find(id="outcomes")


def test_district_council_page_links_its_county(client):
    """A district council's page links to its county council."""
    soup = parse(client.get("/councils/lewes/"))

    link = soup.find("a", href="/councils/east-sussex/")
    assert text(link) == "East Sussex County Council"
    assert "No adoptions recorded for this council yet." in text(soup.find("main"))


def test_council_page_leaves_out_adoptions_of_draft_recipes(client):
    """An adoption of an unpublished recipe is not shown on the council page."""
    draft = RecipePageFactory(title="Secret plan", live=False, publish=False)
    AdoptionFactory(recipe=draft, council=CouncilFactory(slug="york"))

    response = client.get("/councils/york/")

    assert "Secret plan" not in page_text(response)
    assert "No adoptions recorded for this council yet." in page_text(response)


# Not found


@pytest.mark.parametrize(
    "url",
    [
        "/components/no-such-thing/",
        "/standards/no-such-thing/",
        "/suppliers/no-such-thing/",
        "/offerings/no-such-thing/",
        "/councils/no-such-thing/",
        "/components/Send%20notifications/",
        "/councils/leeds%00/",
    ],
)
def test_unknown_slug_on_a_detail_page_is_404(client, url):
    """An unknown or malformed slug on any catalogue page gives the not-found page."""
    assert_not_found(client.get(url))


@pytest.mark.parametrize("url", ["/components/", "/suppliers/", "/offerings/", "/councils/"])
@pytest.mark.parametrize("number", ["abc", "999", "0", "1.5"])
def test_bad_page_number_on_a_list_is_404(client, url, number):
    """A malformed or out-of-range page number gives the not-found page, not a 500."""
    assert_not_found(client.get(f"{url}?page={number}"))


@pytest.mark.parametrize("url", ["/standards/wcag/", "/components/send-notifications/"])
@pytest.mark.parametrize("number", ["abc", "2", "99", "0", "1.5"])
def test_bad_page_number_on_a_detail_page_is_404(client, url, number):
    """A detail page that lists things a page at a time gives the not-found page for a
    malformed or out-of-range page number."""
    assert_not_found(client.get(f"{url}?page={number}"))


def test_catalogue_pages_refuse_post(client):
    """The catalogue is read-only: a POST is refused with 405."""
    assert client.post("/offerings/").status_code == 405
    assert client.get("/offerings/").status_code == 200


# Query counts: each page makes the same number of queries at two data sizes. Related
# objects are shared between rows where they can be: a missing select_related or
# prefetch costs a query per row whether or not the rows share what they point at.


def add_offerings(count, *, component=None, supplier=None):
    """Published offerings, each providing two components and claiming two standards,
    one verified."""
    component = component or ComponentFactory()
    also = ComponentFactory()
    supplier = supplier or SupplierFactory(is_sample=True)
    verified, claimed = StandardFactory.create_batch(2)
    offerings = OfferingFactory.create_batch(
        count,
        components=[component, also],
        supplier=supplier,
        gcloud_service_id="123456789012345",
    )
    for offering in offerings:
        ConformanceClaimFactory(offering=offering, standard=verified, verified=True)
        ConformanceClaimFactory(offering=offering, standard=claimed)
    return offerings


def add_councils(count, recipe):
    """Councils, each under a county, that adopted the recipe."""
    county = CouncilFactory()
    for _ in range(count):
        AdoptionFactory(council=CouncilFactory(parent=county), recipe=recipe)


def queries_for(client, url, assert_max_queries, ceiling):
    """How many queries a GET of the page makes, failing above the ceiling, and the
    parsed page."""
    with assert_max_queries(ceiling) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), parse(response)


@pytest.mark.usefixtures("unindexed")
def test_component_page_makes_the_same_queries_with_3_or_30_offerings(
    client, django_assert_max_num_queries
):
    """The component page's query count does not grow with its offerings, their claims
    and suppliers, or the recipes that need it."""
    small, large = ComponentFactory(slug="small"), ComponentFactory(slug="large")
    add_offerings(3, component=small)
    add_offerings(30, component=large)
    RecipePageFactory(components=[small], publish=False)
    RecipePageFactory.create_batch(3, components=[large], publish=False)
    client.get("/components/small/")

    small_count, small_page = queries_for(
        client, "/components/small/", django_assert_max_num_queries, 12
    )
    large_count, large_page = queries_for(
        client, "/components/large/", django_assert_max_num_queries, 12
    )

    assert large_count == small_count
    small_rows = table_with_caption(small_page, "Compare products").select("tbody tr")
    large_rows = table_with_caption(large_page, "Compare products").select("tbody tr")
    assert len(small_rows) == 3
    assert len(large_rows) > len(small_rows)


@pytest.mark.usefixtures("unindexed")
def test_offering_list_makes_the_same_queries_with_3_or_30_more_offerings(
    client, django_assert_max_num_queries
):
    """The offerings list's query count does not grow with the number of offerings."""
    add_offerings(3)
    client.get("/offerings/")

    small_count, small_page = queries_for(client, "/offerings/", django_assert_max_num_queries, 12)
    add_offerings(27)
    large_count, large_page = queries_for(client, "/offerings/", django_assert_max_num_queries, 12)

    assert large_count == small_count
    small_items = small_page.select(".app-card-list__item")
    assert len(large_page.select(".app-card-list__item")) > len(small_items) == 5


@pytest.mark.usefixtures("unindexed")
def test_council_list_makes_the_same_queries_with_3_or_30_more_councils(
    client, django_assert_max_num_queries
):
    """The councils list's query count does not grow with the number of councils."""
    recipe = RecipePageFactory(publish=False)
    add_councils(3, recipe)
    client.get("/councils/")

    small_count, small_page = queries_for(client, "/councils/", django_assert_max_num_queries, 12)
    add_councils(27, recipe)
    large_count, large_page = queries_for(client, "/councils/", django_assert_max_num_queries, 12)

    assert large_count == small_count
    assert len(large_page.select("tbody tr")) > len(small_page.select("tbody tr")) == 7


def grow_component_list(count):
    offering = add_offerings(1)[0]
    offering.components.add(*ComponentFactory.create_batch(count))
    offering.save()
    return "/components/"


def grow_standard_list(count):
    offering = add_offerings(1)[0]
    for standard in StandardFactory.create_batch(count):
        ConformanceClaimFactory(offering=offering, standard=standard)
    return "/standards/"


def grow_supplier_list(count):
    for supplier in SupplierFactory.create_batch(count):
        OfferingFactory(supplier=supplier)
    return "/suppliers/"


@pytest.mark.usefixtures("unindexed")
@pytest.mark.parametrize("grow", [grow_component_list, grow_standard_list, grow_supplier_list])
def test_other_lists_make_the_same_queries_at_two_sizes(
    client, django_assert_max_num_queries, grow
):
    """The components, standards and suppliers lists make the same number of queries
    with 2 or 8 more items."""
    url = grow(2)
    client.get(url)

    small_count, small_page = queries_for(client, url, django_assert_max_num_queries, 12)
    grow(6)
    large_count, large_page = queries_for(client, url, django_assert_max_num_queries, 12)

    assert large_count == small_count
    assert len(text(large_page.find("main"))) > len(text(small_page.find("main")))


def standard_with_claims(size):
    standard = StandardFactory()
    for number, offering in enumerate(add_offerings(size)):
        ConformanceClaimFactory(offering=offering, standard=standard, verified=number % 2)
    ComponentFactory.create_batch(size, standards=[standard])
    RecipePageFactory(standards=[standard], publish=False)
    return standard.get_absolute_url()


def supplier_with_offerings(size):
    return add_offerings(size, supplier=SupplierFactory())[0].supplier.get_absolute_url()


def offering_with_claims(size):
    offering = add_offerings(1)[0]
    offering.components.add(*ComponentFactory.create_batch(size))
    offering.save()
    for standard in StandardFactory.create_batch(size):
        ConformanceClaimFactory(offering=offering, standard=standard)
    return offering.get_absolute_url()


def council_with_adoptions(size):
    council = CouncilFactory(parent=CouncilFactory())
    for recipe in RecipePageFactory.create_batch(size, publish=False):
        AdoptionOutcomeFactory.create_batch(
            2, adoption=AdoptionFactory(council=council, recipe=recipe)
        )
    return council.get_absolute_url()


@pytest.mark.usefixtures("unindexed")
@pytest.mark.parametrize(
    ("build", "sizes"),
    [
        (standard_with_claims, (2, 8)),
        (supplier_with_offerings, (2, 8)),
        (offering_with_claims, (2, 8)),
        (council_with_adoptions, (1, 4)),
    ],
)
def test_other_detail_pages_make_the_same_queries_at_two_sizes(
    client, django_assert_max_num_queries, build, sizes
):
    """Standard, supplier, offering and council pages make the same number of queries
    whatever the size of what they list."""
    small, large = (build(size) for size in sizes)
    client.get(small)

    small_count, small_page = queries_for(client, small, django_assert_max_num_queries, 12)
    large_count, large_page = queries_for(client, large, django_assert_max_num_queries, 12)

    assert large_count == small_count
    assert len(text(large_page.find("main"))) > len(text(small_page.find("main")))


def standard_claimed_and_needed(size):
    """A standard that size published offerings claim (every other one verified) and
    size live recipes need."""
    standard = StandardFactory()
    for number, offering in enumerate(add_offerings(size)):
        ConformanceClaimFactory(offering=offering, standard=standard, verified=number % 2)
    RecipePageFactory.create_batch(size, standards=[standard], publish=False)
    return standard.get_absolute_url()


def component_needed_by_recipes(size):
    component = ComponentFactory()
    add_offerings(size, component=component)
    RecipePageFactory.create_batch(size, components=[component], publish=False)
    return component.get_absolute_url()


@pytest.mark.usefixtures("unindexed")
@pytest.mark.parametrize("build", [standard_claimed_and_needed, component_needed_by_recipes])
def test_standard_and_component_pages_make_the_same_queries_with_3_or_30_claims_and_recipes(
    client, django_assert_max_num_queries, build
):
    """The standard and component pages make the same number of queries with 3 or 30
    claims or offerings and recipes: they show at most 20 products and 10 recipes."""
    small, large = build(3), build(30)
    client.get(small)

    small_count, small_page = queries_for(client, small, django_assert_max_num_queries, 12)
    large_count, large_page = queries_for(client, large, django_assert_max_num_queries, 12)

    assert large_count == small_count
    for page, rows, recipes in [(small_page, 3, 3), (large_page, 20, 10)]:
        assert len(page.select("main tbody tr")) == rows
        listed = page.find("h2", string="Recipes that need it").find_next("ul")
        assert len(listed.find_all("a")) == recipes
    assert large_page.find("a", string="See all 30 recipes that need it")


def test_component_table_rows_show_each_offerings_claims_price_and_supplier(client):
    """Each row of a component's table shows its offering's standards by name (verified
    or claimed, "None claimed" without), price with set-up fee and notes, supplier with
    the sample label, hosting, licence and G-Cloud listing."""
    component = ComponentFactory(slug="tabled")
    listed = OfferingFactory(
        name="Alpha",
        price=Decimal("100.00"),
        price_max=Decimal("200.00"),
        setup_fee=Decimal("50.00"),
        pricing_notes="Per site.",
        open_source_licence="MIT",
        gcloud_service_id="123456789012345",
        supplier=SupplierFactory(name="Sample Co", is_sample=True),
        components=[component],
    )
    bare = OfferingFactory(
        name="Beta", price=Decimal("0.00"), price_max=None, components=[component]
    )
    ConformanceClaimFactory(
        offering=listed, standard=StandardFactory(name="Zed", short_name="Z"), verified=True
    )
    ConformanceClaimFactory(offering=listed, standard=StandardFactory(name="Able"))

    rows = table_with_caption(parse(client.get("/components/tabled/")), "Compare").select(
        "tbody tr"
    )

    assert [text(cell) for cell in rows[0].find_all(["th", "td"])] == [
        "Alpha Open source (MIT)",
        "Sample Co Sample data",
        "£100 to £200 per year plus £50 set-up Per site.",
        listed.get_hosting_display(),
        "Able: claimed Z: verified",
        "123456789012345",
    ]
    assert rows[0].find("a", string="123456789012345")["href"] == listed.gcloud_url
    assert rows[0].find("a", string="Alpha")["href"] == "/offerings/" + listed.slug + "/"
    assert [text(cell) for cell in rows[1].find_all(["th", "td"])][2:] == [
        "Free",
        bare.get_hosting_display(),
        "None claimed",
        "Not listed",
    ]


def test_cooked_by_counts_every_council_and_shows_the_first_ten(client):
    """ "Cooked by" counts every approved adoption using the component, in the one query
    that lists the first ten councils by name."""
    component = ComponentFactory(slug="cooked")
    recipe = RecipePageFactory(components=[component])
    for number in range(12):
        adoption = AdoptionFactory(
            council=CouncilFactory(name=f"Council {number:02}"), recipe=recipe
        )
        adoption.components_used.add(component)
        adoption.save()  # a ParentalManyToManyField is written on save

    soup = parse(client.get("/components/cooked/"))

    section = soup.find(id="cooked-by").find_next("ul")
    assert [link.get_text() for link in section.select("li > a:first-child")] == [
        f"Council {number:02}" for number in range(10)
    ]
    assert "12 councils record using it in a recipe." in text(soup)
    assert "Showing the first 10." in text(soup)
