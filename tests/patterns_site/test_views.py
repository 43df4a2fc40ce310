import json

import pytest
from django.conf import settings

from patterns_site.views import css_string
from recipes.models import Adoption
from tests.factories import (
    AdoptionFactory,
    ComponentFactory,
    CouncilFactory,
    CouncilMembershipFactory,
    CouncilTypeFactory,
    OfferingFactory,
    RecipePageFactory,
    ServiceAreaFactory,
    SupplierMembershipFactory,
)
from tests.pages import link_texts, page_text, parse, text

pytestmark = pytest.mark.django_db


# The home page


def build_home_content():
    """Five recipes in two service areas, two of them adopted, a draft, an offering and
    three councils."""
    waste = ServiceAreaFactory(name="Environment and waste", slug="environment")
    collection = ServiceAreaFactory(name="Waste collection", parent=waste)
    ServiceAreaFactory(name="Transport", slug="transport")
    component = ComponentFactory()
    OfferingFactory(components=[component])
    recipes = [
        RecipePageFactory(title=title, components=[component], service_areas=areas)
        for title, areas in [
            ("Report a missed bin", [collection]),
            ("Book a bulky waste collection", [waste]),
            ("Apply for a parking permit", []),
            ("Report a pothole", []),
            ("Report fly-tipping", [collection]),
        ]
    ]
    AdoptionFactory(recipe=recipes[2], council=CouncilFactory())
    AdoptionFactory(recipe=recipes[2], council=CouncilFactory())
    AdoptionFactory(recipe=recipes[3], council=CouncilFactory(), status=Adoption.Status.EXPLORING)
    RecipePageFactory(title="Unpublished idea", components=[component], live=False, publish=False)


class TestHomePage:
    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def home_content(cls, shared_data):
        with shared_data():
            build_home_content()
            yield

    def test_says_what_the_site_is(self, client):
        """The home page explains Plumbing and counts what is in it."""
        response = client.get("/")

        assert response.status_code == 200
        main = text(parse(response).find("main"))
        assert "Service recipes for local government" in main
        assert "Plumbing is a library of service recipes for councils" in main
        assert "5 recipes, 1 component, 1 offering and 3 councils." in main
        assert parse(response).find("a", class_="govuk-button--start")["href"] == "/recipes/"

    def test_lists_newest_and_most_adopted_recipes(self, client):
        """The home page shows the four newest live recipes and the four most adopted."""
        soup = parse(client.get("/"))

        newest = soup.find("h2", string="Newest recipes").find_next("ul")
        most_adopted = soup.find("h2", string="Most adopted").find_next("ul")
        assert [text(h) for h in newest.find_all("h3")] == [
            "Report fly-tipping",
            "Report a pothole",
            "Apply for a parking permit",
            "Book a bulky waste collection",
        ]
        assert [text(h) for h in most_adopted.find_all("h3")][:2] == [
            "Apply for a parking permit",
            "Report a pothole",
        ]
        assert "Unpublished idea" not in text(soup)

    def test_browses_by_top_level_service_area(self, client):
        """Top-level service areas link to the filtered recipe list and count their
        recipes, including those filed under a sub-area; an area with no recipe yet is
        not listed, since its link would lead to an empty list."""
        soup = parse(client.get("/"))

        areas = soup.find("h2", string="Browse by service area").find_next("ul")
        assert [text(item) for item in areas.find_all("li")] == [
            "Environment and waste 3 recipes",
        ]
        assert "0 recipes" not in text(soup)
        assert areas.find("a", string="Environment and waste")["href"] == (
            "/recipes/?service_area=environment"
        )


@pytest.mark.usefixtures("unindexed")
def test_home_page_counts_a_recipe_filed_under_an_area_and_its_sub_area_once(client, page_tree):
    """A recipe filed under a service area and one of its sub-areas counts once for the
    area, as the recipe list filtered by that area shows it."""
    waste = ServiceAreaFactory(name="Environment and waste", slug="environment")
    collection = ServiceAreaFactory(name="Waste collection", parent=waste)
    RecipePageFactory(title="Report a missed bin", service_areas=[waste, collection])
    RecipePageFactory(title="Report fly-tipping", service_areas=[collection])

    areas = parse(client.get("/")).find("h2", string="Browse by service area").find_next("ul")
    listed = parse(client.get("/recipes/?service_area=environment"))

    assert [text(item) for item in areas.find_all("li")] == ["Environment and waste 2 recipes"]
    assert "2 recipes" in text(listed)


@pytest.mark.usefixtures("unindexed")
def test_home_page_makes_the_same_queries_with_2_or_10_recipes(
    client, page_tree, django_assert_max_num_queries
):
    """The home page's query count does not grow with recipes, adoptions or areas."""
    types = [CouncilTypeFactory(code="MD"), CouncilTypeFactory(code="NMD")]

    def add(count):
        area = ServiceAreaFactory(parent=ServiceAreaFactory())
        recipes = RecipePageFactory.create_batch(
            count, serves=types, service_areas=[area], publish=False
        )
        for recipe in recipes:
            AdoptionFactory(recipe=recipe)

    add(2)
    client.get("/")
    with django_assert_max_num_queries(20) as small_queries:
        small = client.get("/")
    add(8)
    with django_assert_max_num_queries(20) as large_queries:
        large = client.get("/")

    assert len(large_queries) == len(small_queries)
    assert "2 recipes" in page_text(small)
    assert "10 recipes" in page_text(large)


# The layout every page shares


@pytest.mark.parametrize("url", ["/", "/components/", "/about/data/", "/no-such-page/"])
def test_every_page_has_skip_link_navigation_phase_banner_and_licence(client, page_tree, url):
    """Every page, including errors, has the skip link, service navigation, phase banner
    and the Open Government Licence in the footer."""
    soup = parse(client.get(url))

    skip = soup.find("a", class_="govuk-skip-link")
    assert skip["href"] == "#main-content"
    assert soup.find("main", id="main-content")
    navigation = soup.find("div", class_="govuk-service-navigation")
    assert link_texts(navigation) == [
        "Recipes",
        "Components",
        "Standards",
        "Offerings",
        "Suppliers",
        "Councils",
        "Basket (0)",
    ]
    banner = text(soup.find("div", class_="govuk-phase-banner"))
    assert banner.startswith("Alpha This is a new service.")
    licence = soup.find("span", class_="govuk-footer__licence-description")
    assert "Open Government Licence v3.0" in text(licence)
    assert soup.html["lang"] == "en-GB"


def test_navigation_marks_the_current_section(client, page_tree):
    """The service navigation marks the section the user is in."""
    soup = parse(client.get("/components/"))

    current = soup.find("a", attrs={"aria-current": "true"})
    assert text(current) == "Components"
    assert current["href"] == "/components/"


def test_page_title_names_the_page_and_the_service(client, page_tree):
    """The browser title says which page this is, then the service."""
    soup = parse(client.get("/about/data/"))

    assert soup.title.string == ("About the data – Plumbing: service recipes for local government")


# Site-wide pages


def test_about_data_page_explains_sample_content_and_sources(client, page_tree):
    """The data page says which content is fictional and credits every open data source."""
    response = client.get("/about/data/")

    assert response.status_code == 200
    main = text(parse(response).find("main"))
    assert "About the data" in main
    assert "Everything marked Sample data is fictional" in main
    assert "mySociety, UK local authority names and codes" in main
    assert "CC BY 4.0" in main


@pytest.mark.parametrize("url", ["/", "/components/", "/no-such-page/"])
def test_every_page_links_the_print_origin_stylesheet(client, page_tree, url):
    """Every page, errors included, links /site-origin.css for print only, so links on
    paper show absolute addresses."""
    soup = parse(client.get(url))

    link = soup.find("link", href="/site-origin.css")
    assert link["rel"] == ["stylesheet"]
    assert link["media"] == "print"


def test_site_origin_stylesheet_sets_the_origin_the_page_was_served_from(client, db):
    """The print stylesheet's origin is the scheme and host of the request, as a CSS
    custom property that the print rules put before each relative link."""
    response = client.get("/site-origin.css", HTTP_HOST="plumbing.example.org")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert response.content.decode() == (
        ':root { --app-site-origin: "http://plumbing.example.org"; }\n'
    )


def test_site_origin_stylesheet_cannot_be_broken_out_of(client, db):
    """A Host header that would end the CSS string is refused before the stylesheet is
    written, and whatever the origin holds is written as CSS escapes besides."""
    response = client.get("/site-origin.css", HTTP_HOST='evil.example";}body{x:"')

    assert response.status_code == 400
    assert css_string('https://a"}b\\') == '"https://a\\22 \\7d b\\5c "'


def test_accessibility_statement_follows_the_govuk_model(client, page_tree, settings):
    """The statement has every section GOV.UK's model statement asks for: a contact
    address from settings, the EHRC and ECNI enforcement procedure, technical information,
    compliance status, non-accessible content, how it was tested and its dates."""
    settings.ACCESSIBILITY_CONTACT_EMAIL = "access@council.example"
    soup = parse(client.get("/accessibility/"))

    main = soup.find("main")
    assert [text(h) for h in main.find_all("h2")] == [
        "How accessible this website is",
        "Feedback and contact information",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Technical information about this website's accessibility",
        "What we're doing to improve accessibility",
        "Preparation of this accessibility statement",
    ]
    assert [text(h) for h in main.find_all("h3")] == [
        "Compliance status",
        "Non-accessible content",
    ]
    mail_links = main.find_all("a", href="mailto:access@council.example")
    assert [text(link) for link in mail_links] == ["access@council.example"] * 2
    words = text(main)
    assert "Equality and Human Rights Commission (EHRC)" in words
    assert "Equality Commission for Northern Ireland (ECNI)" in words
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2" in words
    assert "320 pixels" in words and "1,280 pixels" in words and "axe-core" in words
    assert "screen reader" in words
    assert "This statement was prepared on 20 November 2026." in words
    assert "It was last reviewed on 1 December 2026." in words
    assert "This website was last tested on 1 December 2026" in words


def test_accessibility_contact_defaults_to_the_address_the_site_sends_from(client, page_tree):
    """Without ACCESSIBILITY_CONTACT_EMAIL the statement gives the site's own address."""
    soup = parse(client.get("/accessibility/"))

    assert soup.find("main").find("a", href=f"mailto:{settings.DEFAULT_FROM_EMAIL}")


def test_healthz_reports_ok_as_json(client, db):
    """The health check answers JSON saying the database is reachable."""
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "cache": "local"}


def test_healthz_refuses_post(client, db):
    """The health check only answers GET."""
    assert client.post("/healthz").status_code == 405


def test_robots_txt_keeps_crawlers_out_of_admin_and_points_to_sitemap(client, db):
    """robots.txt is plain text that disallows /admin/ and names the sitemap."""
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


@pytest.mark.parametrize("url", ["/no-such-page/", "/recipes/missing/deeper/", "/councils/x/y/"])
def test_unknown_address_gives_govuk_not_found_page(client, page_tree, url):
    """An unknown address gives a 404 in the site's GOV.UK layout with a way back."""
    response = client.get(url)

    assert response.status_code == 404
    soup = parse(response)
    assert text(soup.find("h1")) == "Page not found"
    assert "govuk-template" in soup.html["class"]
    assert soup.find("main").find("a", href="/recipes/")
    assert soup.title.string.startswith("Page not found")


def test_a_signed_in_visitor_sees_who_they_are_their_portals_and_sign_out(client, home_page):
    """Council staff get a link to their portal (not the supplier one), their follows and
    a sign-out; a visitor who is not signed in sees none of it."""
    assert "Signed in as" not in page_text(client.get("/"))
    officer = CouncilMembershipFactory().user
    client.force_login(officer)
    bar = parse(client.get("/")).select_one(".app-account-bar")
    assert f"Signed in as {officer.email}" in text(bar)
    assert link_texts(bar) == ["Council portal", "Your follows", "Sign out"]
    assert bar.find("a", string="Sign out")["href"] == "/accounts/logout/"
    supplier = SupplierMembershipFactory().user
    client.force_login(supplier)
    assert link_texts(parse(client.get("/")).select_one(".app-account-bar")) == [
        "Supplier portal",
        "Your follows",
        "Sign out",
    ]
