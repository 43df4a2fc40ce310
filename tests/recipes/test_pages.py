from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from recipes.models import Adoption, RecipePage, RecipeRelation
from tests.factories import (
    AdoptionFactory,
    AdoptionOutcomeFactory,
    ComponentFactory,
    CouncilFactory,
    CouncilTypeFactory,
    OfferingFactory,
    RecipePageFactory,
    ServiceAreaFactory,
    StandardFactory,
    stream,
)
from tests.pages import link_texts, page_text, parse, table_with_caption, text

pytestmark = pytest.mark.django_db


def build_full_recipe():
    """A recipe with every section filled in: two components (one with two published
    offerings, plus a draft and a withdrawn one that must not count), a standard, two
    people, two method steps, a targeted outcome, a variation, adoptions by two councils
    with measured outcomes, and a live and a draft related recipe."""
    notify = ComponentFactory(name="Send notifications", slug="send-notifications")
    pay = ComponentFactory(name="Take payments", slug="take-payments")
    OfferingFactory.create_batch(2, components=[notify])
    OfferingFactory(components=[notify], live=False)
    OfferingFactory(components=[notify], withdrawn_at=timezone.now())
    uprn = StandardFactory(name="Unique Property Reference Number", short_name="UPRN", slug="uprn")
    district = CouncilTypeFactory(
        code="NMD", name="District council", plural_name="District councils"
    )
    page = RecipePageFactory(
        title="Report a missed bin collection",
        slug="report-a-missed-bin-collection",
        summary="Let residents report a missed bin online.",
        maturity="live",
        last_reviewed=date(2026, 2, 9),
        components=[notify, pay],
        standards=[uprn],
        people=[("Product manager", "10"), ("Developer", "22.5")],
        setup_cost_min=Decimal("8000"),
        setup_cost_max=Decimal("25000"),
        yearly_cost_min=Decimal("3000"),
        yearly_cost_max=Decimal("3000"),
        staff_effort_days=Decimal("40"),
        weeks_to_launch=10,
        serves=[district],
        outcomes=stream(
            [
                (
                    "outcome",
                    {
                        "metric": "Reports made online",
                        "value": "80",
                        "baseline": "20",
                        "unit": "percent",
                        "source": "Pilot in two districts",
                    },
                )
            ]
        ),
        variations=stream(
            [
                (
                    "variation",
                    {
                        "council_type": "NMD",
                        "title": "Share the crew app with the county",
                        "body": "<p>Agree who owns the rounds data.</p>",
                    },
                )
            ]
        ),
    )
    AdoptionOutcomeFactory(
        adoption=AdoptionFactory(
            recipe=page,
            council=CouncilFactory(name="Leeds", slug="leeds"),
            status=Adoption.Status.LIVE,
            live_since=date(2024, 3, 1),
            notes="Runs on the council's own case system.",
        ),
        metric="Reports made online",
        value=Decimal("60"),
    )
    AdoptionOutcomeFactory(
        adoption=AdoptionFactory(
            recipe=page,
            council=CouncilFactory(name="Lewes", slug="lewes"),
            status=Adoption.Status.BUILDING,
        ),
        metric="Reports made online",
        value=Decimal("40"),
    )
    RecipeRelation.objects.create(
        page=page, related=RecipePageFactory(title="Book a bulky waste collection")
    )
    RecipeRelation.objects.create(
        page=page,
        related=RecipePageFactory(title="Unpublished idea", live=False, publish=False),
    )
    return page


class TestRecipePage:
    @pytest.fixture(scope="class")
    @classmethod
    def recipe(cls, shared_data):
        with shared_data():
            yield build_full_recipe()

    def test_shows_title_summary_and_maturity(self, client, recipe):
        """A recipe page opens with its title, summary, maturity and review date."""
        response = client.get("/recipes/report-a-missed-bin-collection/")

        assert response.status_code == 200
        soup = parse(response)
        assert text(soup.find("h1")) == "Report a missed bin collection"
        main = text(soup.find("main"))
        assert "Let residents report a missed bin online." in main
        assert "Live Last reviewed 9 February 2026" in main
        assert soup.title.string.startswith("Report a missed bin collection")

    def test_at_a_glance_shows_costs_time_and_who_it_serves(self, client, recipe):
        """The at-a-glance panel gives set-up and yearly costs, time, effort and who it
        serves."""
        panel = parse(client.get(recipe.url)).find("section", class_="app-at-a-glance")

        rows = {
            text(row.find("dt")): text(row.find("dd"))
            for row in panel.find_all("div", class_="govuk-summary-list__row")
        }
        from catalogue.costs import Assumptions
        from recipes.costing import recipe_costs_for

        costs = recipe_costs_for(recipe, Assumptions.default())
        assert rows == {
            "One-off set-up": costs.one_off.display,
            "Yearly running": costs.yearly.display,
            "Staff effort": f"{costs.staff.display} ({costs.staff_days.normalize():f} days)",
            "5-year total": costs.tco.display,
            "Costs for": "a council of 150,000 residents – how we work it out, or change",
            "Time to launch": "10 weeks",
            "Maturity": "Live",
            "Serves": "District councils",
            "Councils": "1 live, 2 in total",
        }

    def test_ingredients_link_components_with_offering_counts(self, client, recipe):
        """Each component ingredient links to its page and says how many published
        products provide it; drafts and withdrawn products are not counted."""
        table = table_with_caption(parse(client.get(recipe.url)), "Components")

        rows = table.find("tbody").find_all("tr")
        assert [text(row.find("th")) for row in rows] == ["Send notifications", "Take payments"]
        assert rows[0].find("th").a["href"] == "/components/send-notifications/"
        assert "It needs send notifications." in text(rows[0])
        products = [row.find_all("td")[-1] for row in rows]
        assert link_texts(products[0]) == ["2 offerings for send notifications"]
        assert products[0].a["href"] == "/components/send-notifications/#offerings"
        assert link_texts(products[1]) == ["0 offerings for take payments"]

    def test_lists_standard_and_people_ingredients(self, client, recipe):
        """Standards link to their pages; the people table lists each role and the total."""
        soup = parse(client.get(recipe.url))

        assert text(soup.find("a", href="/standards/uprn/")) == "UPRN"
        people = table_with_caption(soup, "People")
        assert [text(row) for row in people.find("tbody").find_all("tr")] == [
            "Product manager 10",
            "Developer 22.5",
            "Total 32.5",
        ]

    def test_method_is_numbered_steps_with_design_system_links(self, client, recipe):
        """The method is an ordered list of steps; a screen step links to its GOV.UK
        Design System pattern."""
        soup = parse(client.get(recipe.url))

        steps = soup.find("ol", class_="app-numbered-steps").find_all("li", recursive=False)
        assert [text(step.find("h3")) for step in steps] == ["Find the address", "Check answers"]
        link = steps[0].find("a", href="https://design-system.service.gov.uk/patterns/addresses/")
        assert text(link) == "Addresses"
        assert "Use the GOV.UK Design System pattern: Addresses" in text(steps[0])
        assert steps[1].find("a") is None

    def test_shows_targeted_and_measured_outcomes(self, client, recipe):
        """Outcomes show the target with its baseline, and what councils measured as a
        median and range."""
        soup = parse(client.get(recipe.url))

        targets = table_with_caption(soup, "Outcomes this recipe targets")
        assert text(targets.find("tbody")) == "Reports made online 80% 20% Pilot in two districts"
        measured = table_with_caption(soup, "Outcomes councils measured")
        assert text(measured.find("tbody")) == "Reports made online 2 50% 40% to 60%"

    def test_lists_adopting_councils_with_status(self, client, recipe):
        """Councils using the recipe link to their pages with their status and live date;
        real figures carry no sample label."""
        soup = parse(client.get(recipe.url))

        table = table_with_caption(soup, "Councils that have adopted this recipe")
        assert [text(row) for row in table.find("tbody").find_all("tr")] == [
            "Lewes Metropolitan district Building",
            "Leeds Metropolitan district Live since March 2024 "
            "Runs on the council's own case system.",
        ]
        assert table.find("a", href="/councils/leeds/")
        assert "Sample data" not in text(soup.find("main"))

    def test_labels_sample_adoptions(self, client, recipe):
        """When adoption figures are fictional, the page says so next to them."""
        Adoption.objects.filter(council__slug="leeds").update(is_sample=True)

        soup = parse(client.get(recipe.url))

        inset = text(soup.find("div", class_="govuk-inset-text"))
        assert inset.startswith("Sample data")
        assert "their adoption status and figures here are fictional" in inset
        assert "Sample data" in text(table_with_caption(soup, "Outcomes councils measured"))

    def test_shows_variations_by_council_type(self, client, recipe):
        """Variations say which council type they are for."""
        soup = parse(client.get(recipe.url))

        variations = soup.find("h2", id="variations").find_next("dl")
        assert text(variations) == (
            "Share the crew app with the county District councils Agree who owns the rounds data."
        )

    def test_links_only_live_related_recipes(self, client, recipe):
        """Related recipes link to live recipes only; an unpublished one is left out."""
        response = client.get(recipe.url)

        related = parse(response).find("h2", id="related").find_next("ul")
        assert link_texts(related) == ["Book a bulky waste collection"]
        assert "Unpublished idea" not in page_text(response)


def test_recipe_without_adoptions_or_variations_says_so(client, recipe_index):
    """A recipe nobody has adopted says so, and has no variations section."""
    soup = parse(client.get(RecipePageFactory().url))

    assert "No council has recorded an adoption yet." in text(soup.find("main"))
    assert soup.find("h2", id="variations") is None


def test_retired_recipe_warns_councils_not_to_start_from_it(client, recipe_index):
    """A retired recipe carries a warning not to start new services from it."""
    soup = parse(client.get(RecipePageFactory(maturity="retired").url))

    assert "This recipe is retired." in text(soup.find("div", class_="govuk-warning-text"))


def test_unknown_recipe_is_404(client, recipe_index):
    """A recipe address that does not exist gives the not-found page."""
    response = client.get("/recipes/no-such-recipe/")

    assert response.status_code == 404
    assert "Page not found" in page_text(response)


def test_draft_recipe_is_404(client, recipe_index):
    """An unpublished recipe cannot be seen by the public."""
    RecipePageFactory(slug="secret-plan", live=False, publish=False)

    response = client.get("/recipes/secret-plan/")

    assert response.status_code == 404
    assert "Page not found" in page_text(response)


def listed_titles(response):
    return [text(heading) for heading in parse(response).select(".app-card-list h2")]


ALL_THREE = ["Apply for a parking permit", "Book a bulky waste collection", "Report a missed bin"]


class TestRecipeIndex:
    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def three_recipes(cls, shared_data):
        """Three recipes that differ on every filter, published a day apart."""
        with shared_data():
            environment = ServiceAreaFactory(name="Environment and waste", slug="environment")
            collection = ServiceAreaFactory(
                name="Waste collection", slug="waste", parent=environment
            )
            transport = ServiceAreaFactory(name="Transport", slug="transport")
            district = CouncilTypeFactory(
                code="NMD", name="District council", plural_name="District councils"
            )
            metropolitan = CouncilTypeFactory(code="MD")
            CouncilTypeFactory(code="COMB", name="Combined authority", plural_name="Combined")
            notify = ComponentFactory(slug="send-notifications")
            pay = ComponentFactory(slug="take-payments")
            uprn = StandardFactory(slug="uprn")

            missed_bin = RecipePageFactory(
                title="Report a missed bin",
                slug="report-a-missed-bin",
                components=[notify],
                standards=[uprn],
                service_areas=[collection],
                serves=[district],
                maturity="live",
            )
            parking = RecipePageFactory(
                title="Apply for a parking permit",
                components=[pay],
                service_areas=[transport],
                serves=[metropolitan],
                maturity="beta",
            )
            bulky = RecipePageFactory(
                title="Book a bulky waste collection",
                components=[notify, pay],
                service_areas=[environment],
                serves=[district, metropolitan],
                maturity="alpha",
            )
            AdoptionFactory.create_batch(2, recipe=missed_bin)
            AdoptionFactory(recipe=bulky)
            for days_ago, page in enumerate([bulky, parking, missed_bin]):
                RecipePage.objects.filter(pk=page.pk).update(
                    first_published_at=timezone.now() - timedelta(days=days_ago)
                )
            yield

    def test_lists_live_recipes_by_title(self, client):
        """The recipe list shows every live recipe, A to Z, and how many there are."""
        RecipePageFactory(title="A draft recipe", live=False, publish=False)

        response = client.get("/recipes/")

        assert response.status_code == 200
        assert listed_titles(response) == ALL_THREE
        assert "3 recipes" in page_text(response)

    def test_card_shows_maturity_adoptions_cost_and_who_it_serves(self, client):
        """Each recipe in the list shows its maturity, adoptions, set-up cost and who it
        serves."""
        card = parse(client.get("/recipes/")).select(".app-card-list__item")[2]

        assert text(card) == (
            "Report a missed bin How councils run report a missed bin. Live 2 councils using "
            "or building it. Set-up £5,000 to £15,000, then £0 a year for a council of "
            "150,000 residents. Serves: district councils."
        )
        assert card.find("a")["href"] == "/recipes/report-a-missed-bin/"

    @pytest.mark.parametrize(
        ("query", "titles"),
        [
            ("service_area=environment", ALL_THREE[1:]),
            ("service_area=transport", ["Apply for a parking permit"]),
            ("council_type=MD", ALL_THREE[:2]),
            ("component=take-payments", ALL_THREE[:2]),
            ("standard=uprn", ["Report a missed bin"]),
            ("maturity=alpha", ["Book a bulky waste collection"]),
            ("council_type=NMD&maturity=live", ["Report a missed bin"]),
            ("sort=adopted", [ALL_THREE[2], ALL_THREE[1], ALL_THREE[0]]),
            ("sort=newest", [ALL_THREE[1], ALL_THREE[0], ALL_THREE[2]]),
            ("sort=title", ALL_THREE),
            ("service_area=&maturity=", ALL_THREE),
        ],
    )
    def test_filters_and_sorts(self, client, query, titles):
        """Filtering by service area (with its sub-areas), council type, component,
        standard and maturity, and sorting, narrow and order the list."""
        response = client.get(f"/recipes/?{query}")

        assert response.status_code == 200
        assert listed_titles(response) == titles
        assert f"{len(titles)} recipe" in page_text(response)

    def test_keeps_the_chosen_filter_selected(self, client):
        """After filtering, the filter form shows the choice the user made."""
        soup = parse(client.get("/recipes/?maturity=alpha"))

        selected = soup.find("select", id="id_maturity").find("option", selected=True)
        assert text(selected) == "Alpha"

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("service_area=no-such-area", "service_area"),
            ("service_area=waste", "service_area"),
            ("council_type=XYZ", "council_type"),
            ("council_type=COMB", "council_type"),
            ("component=no-such-component", "component"),
            ("standard=no-such-standard", "standard"),
            ("maturity=ripe", "maturity"),
            ("sort=random", "sort"),
        ],
    )
    def test_unknown_filter_value_is_400_with_error_summary(self, client, query, field):
        """An unknown filter value gives 400 and a GOV.UK error summary linking to the
        field, not a 500, above the list unfiltered (never silently)."""
        response = client.get(f"/recipes/?{query}")

        assert response.status_code == 400
        soup = parse(response)
        summary = soup.find("div", class_="govuk-error-summary")
        assert "There is a problem" in text(summary)
        assert "Select a valid choice" in text(summary.find("a", href=f"#id_{field}"))
        assert soup.find("p", class_="govuk-error-message", id=f"id_{field}-error")
        assert listed_titles(response) == ALL_THREE

    @pytest.mark.parametrize("number", ["abc", "999", "0", "-1"])
    def test_bad_page_number_is_404(self, client, number):
        """A malformed or out-of-range page number gives the not-found page, not a 500."""
        response = client.get(f"/recipes/?page={number}")

        assert response.status_code == 404
        assert "Page not found" in page_text(response)


def build_recipe(size):
    """A recipe whose every list grows with size: components (each with a published
    offering), standards and people; adoptions with outcomes and related recipes grow
    too, by a third and a tenth."""
    components = ComponentFactory.create_batch(size)
    for component in components:
        OfferingFactory(components=[component])
    standards = StandardFactory.create_batch(size)
    page = RecipePageFactory(
        components=components,
        standards=standards,
        people=[(f"Role {n}", n + 1) for n in range(size)],
        serves=[CouncilTypeFactory()],
        service_areas=ServiceAreaFactory.create_batch(2),
    )
    for _ in range(size // 3):
        AdoptionOutcomeFactory.create_batch(2, adoption=AdoptionFactory(recipe=page))
    for related in RecipePageFactory.create_batch(max(size // 10, 1), publish=False):
        RecipeRelation.objects.create(page=page, related=related)
    return page


@pytest.mark.usefixtures("unindexed")
def test_recipe_page_makes_the_same_queries_with_3_or_30_ingredients(
    client, recipe_index, django_assert_max_num_queries
):
    """The recipe page's query count does not grow with its ingredients, offerings,
    adoptions or related recipes."""
    small, large = build_recipe(3), build_recipe(30)
    client.get(small.url)  # Warm Wagtail's site and content-type caches first.

    with django_assert_max_num_queries(25) as small_queries:
        small_response = client.get(small.url)
    with django_assert_max_num_queries(25) as large_queries:
        large_response = client.get(large.url)

    assert len(large_queries) == len(small_queries)
    assert len(table_with_caption(parse(small_response), "Components").select("tbody tr")) == 3
    assert len(table_with_caption(parse(large_response), "Components").select("tbody tr")) == 30
    assert "Role 29" in page_text(large_response)


@pytest.mark.usefixtures("unindexed")
def test_recipe_index_makes_the_same_queries_with_2_or_12_recipes(
    client, recipe_index, django_assert_max_num_queries
):
    """The recipe list's query count does not grow with the number of recipes."""
    area = ServiceAreaFactory()
    types = [CouncilTypeFactory(code="MD"), CouncilTypeFactory(code="NMD")]
    RecipePageFactory.create_batch(2, serves=types, service_areas=[area], publish=False)
    client.get("/recipes/")

    with django_assert_max_num_queries(24) as small_queries:
        small_response = client.get("/recipes/")
    RecipePageFactory.create_batch(10, serves=types, service_areas=[area], publish=False)
    with django_assert_max_num_queries(24) as large_queries:
        large_response = client.get("/recipes/")

    assert len(large_queries) == len(small_queries)
    assert len(listed_titles(small_response)) == 2
    assert len(listed_titles(large_response)) > 2


def test_card_names_council_types_as_they_read_in_a_sentence(client, recipe_index):
    """A recipe card lowercases the generic council types it serves but keeps the capital
    of a place or nation: "district councils, London boroughs, Scottish councils"."""
    types = [
        CouncilTypeFactory(code="NMD", name="District council", plural_name="District councils"),
        CouncilTypeFactory(code="LBO", name="London borough", plural_name="London boroughs"),
        CouncilTypeFactory(code="SCO", name="Scottish council", plural_name="Scottish councils"),
    ]
    RecipePageFactory(title="Report a missed bin", serves=types)

    card = parse(client.get("/recipes/")).select_one(".app-card-list__item")

    assert "Serves: district councils, London boroughs, Scottish councils." in text(card)


def test_staff_effort_is_not_repeated_when_the_team_roles_add_up_to_it(client, recipe_index):
    """When the team roles add up to the recipe's staff effort, the panel says the figure
    once; it says both only when they differ."""
    recipe = RecipePageFactory(
        staff_effort_days=Decimal("32.5"), people=[("Product manager", "10"), ("Developer", "22.5")]
    )

    panel = parse(client.get(recipe.url)).find("section", class_="app-at-a-glance")

    effort = panel.find("dt", string="Staff effort").find_next("dd")
    assert text(effort).endswith("(32.5 days)")
    assert text(effort).count("days") == 1


def test_outcomes_in_pounds_and_days_read_as_money_and_time(client, recipe_index):
    """Outcome figures in pounds are money (£2.40, not £2.4); one day is "1 day"."""
    recipe = RecipePageFactory(
        outcomes=stream(
            [
                ("outcome", {"metric": "Cost per report", "value": "2.4", "baseline": "6.8",
                             "unit": "pounds", "source": "Pilot"}),
                ("outcome", {"metric": "Days to collect", "value": "1", "baseline": "2.5",
                             "unit": "days", "source": "Pilot"}),
            ]
        )
    )  # fmt: skip

    targets = table_with_caption(parse(client.get(recipe.url)), "Outcomes this recipe targets")

    rows = [text(row) for row in targets.find("tbody").find_all("tr")]
    assert rows == ["Cost per report £2.40 £6.80 Pilot", "Days to collect 1 day 2.5 days Pilot"]


def test_recipe_prints_as_a_card_with_its_own_address(client, recipe_index):
    """On paper a recipe says where it is online (its canonical address), and leaves out
    what only works on screen: contents, the basket button, related recipes, the costs
    repeated from At a glance and the list of past publications."""
    recipe = RecipePageFactory(title="Report a missed bin collection")

    soup = parse(client.get(recipe.url))

    card = soup.find("div", class_="app-recipe")
    online = card.find("p", class_="app-print-only")
    assert text(online) == f"Online at http://testserver{recipe.url}"
    for screen_only in (
        soup.find("nav", attrs={"aria-labelledby": "contents-heading"}),
        soup.find("form", action="/basket/add/"),
        soup.find("div", id="costs-council").find("form"),
    ):
        assert "app-no-print" in screen_only["class"]
