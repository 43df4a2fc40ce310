from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recipes.models import RecipePage
from tests.factories import (
    AdoptionFactory,
    AdoptionOutcomeFactory,
    ComponentFactory,
    CouncilFactory,
    CouncilTypeFactory,
    RecipePageFactory,
    ServiceAreaFactory,
    StandardFactory,
    stream,
)

pytestmark = pytest.mark.django_db


def add_recipes(size: int):
    """size recipes, each with two components, a standard, a person, an outcome, a
    service area and two adoptions with measured outcomes."""
    district = CouncilTypeFactory(code="NMD", name="District", plural_name="Districts")
    for _ in range(size):
        recipe = RecipePageFactory(
            components=ComponentFactory.create_batch(2),
            standards=[StandardFactory()],
            people=[("Developer", "10")],
            serves=[district],
            service_areas=[ServiceAreaFactory()],
        )
        for _ in range(2):
            AdoptionOutcomeFactory(adoption=AdoptionFactory(recipe=recipe))


def test_recipe_detail_has_ingredients_method_costs_outcomes_and_adoptions(client):
    """A recipe's JSON carries everything a council needs to cook it again."""
    notify = ComponentFactory(name="Send notifications", slug="send-notifications")
    uprn = StandardFactory(name="UPRN", slug="uprn")
    recipe = RecipePageFactory(
        slug="missed-bin",
        title="Report a missed bin",
        components=[notify],
        standards=[uprn],
        people=[("Product manager", "12.5")],
        outcomes=stream(
            [
                (
                    "outcome",
                    {
                        "metric": "Reports made online",
                        "value": "70",
                        "baseline": "20",
                        "unit": "percent",
                        "source": "Sample",
                    },
                )
            ]
        ),
    )
    adoption = AdoptionFactory(
        recipe=recipe, council=CouncilFactory(code="LDS", slug="leeds"), is_sample=True
    )
    AdoptionOutcomeFactory(adoption=adoption, value=Decimal("64.5"))
    response = client.get("/api/recipes/missed-bin/")
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == "Report a missed bin"
    assert data["url"] == "http://testserver/recipes/missed-bin/"
    assert data["ingredients"]["components"] == [
        {
            "slug": "send-notifications",
            "name": "Send notifications",
            "why": "It needs send notifications.",
        }
    ]
    assert data["ingredients"]["standards"][0]["slug"] == "uprn"
    assert data["ingredients"]["people"] == [
        {"role": "Product manager", "days": "12.5", "notes": ""}
    ]
    assert [step["title"] for step in data["method"]] == ["Find the address", "Check answers"]
    assert data["costs"]["setup_min"] == "5000.00"
    assert data["costs"]["currency"] == "GBP"
    assert data["outcomes"][0]["value"] == "70"
    assert data["adoptions"][0]["council"]["code"] == "LDS"
    assert data["adoptions"][0]["is_sample"] is True
    assert data["adoptions"][0]["outcomes"][0]["value"] == "64.50"
    assert data["change_log"][0]["summary"] == "First published"


def test_drafts_and_unpublished_changes_never_appear(client):
    """A draft recipe is absent; a live recipe shows its published version, not a draft
    revision waiting for approval."""
    RecipePageFactory(slug="draft", live=False, publish=False)
    recipe = RecipePageFactory(slug="live", title="Published title")
    recipe.title = "Draft title in review"
    recipe.save_revision()
    assert client.get("/api/recipes/draft/").status_code == 404
    listed = client.get("/api/recipes/").json()["results"]
    assert [item["title"] for item in listed] == ["Published title"]
    assert "Draft title in review" not in client.get("/api/recipes/live/").content.decode()


def test_change_log_lists_each_published_revision_with_what_changed(client):
    """The change log shows each publication, newest first, with the editor's summary,
    and 'Minor edits' when the summary was not changed."""
    recipe = RecipePageFactory(slug="bins")
    page = RecipePage.objects.get(pk=recipe.pk)
    page.change_summary = "Added the UPRN standard."
    page.save_revision().publish()
    page = RecipePage.objects.get(pk=recipe.pk)
    page.title = "Bins, retitled"
    page.save_revision().publish()
    log = client.get("/api/recipes/bins/").json()["change_log"]
    assert [entry["summary"] for entry in log] == [
        "Minor edits",
        "Added the UPRN standard.",
        "First published",
    ]


def test_recipe_filters_match_the_site(client):
    """component, standard, maturity and council_type narrow the recipes."""
    pay = ComponentFactory(slug="pay")
    uprn = StandardFactory(slug="uprn")
    county = CouncilTypeFactory(code="CTY", name="County", plural_name="Counties")
    RecipePageFactory(slug="a", components=[pay], maturity="live", serves=[county])
    RecipePageFactory(slug="b", standards=[uprn])

    def slugs(**params):
        response = client.get("/api/recipes/", params)
        assert response.status_code == 200
        return [item["slug"] for item in response.json()["results"]]

    assert slugs(component="pay") == ["a"]
    assert slugs(standard="uprn") == ["b"]
    assert slugs(maturity="live") == ["a"]
    assert slugs(council_type="CTY") == ["a"]
    bad = client.get("/api/recipes/", {"maturity": "ripe"})
    assert bad.status_code == 400
    assert "maturity" in bad.json()["error"]["fields"]


def test_recipe_list_makes_the_same_queries_at_any_size(client):
    """A page of 20 full recipes costs as many queries as a page of two."""

    def count_queries():
        client.get("/api/recipes/")  # Wagtail caches the site's root paths on first use.
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/recipes/", {"page_size": "50"})
        assert response.status_code == 200
        return len(queries), response.json()["count"]

    add_recipes(2)
    small, small_count = count_queries()
    add_recipes(18)
    large, large_count = count_queries()
    assert (small_count, large_count) == (2, 20)
    assert large == small


def test_recipe_detail_makes_the_same_queries_however_many_adoptions(client):
    """A recipe with many adoptions and revisions costs as many queries as one with one."""
    bare = RecipePageFactory()
    AdoptionOutcomeFactory(adoption=AdoptionFactory(recipe=bare))
    full = RecipePageFactory(components=ComponentFactory.create_batch(6))
    for _ in range(8):
        AdoptionOutcomeFactory(adoption=AdoptionFactory(recipe=full))
    for _ in range(3):
        RecipePage.objects.get(pk=full.pk).save_revision().publish()
    counts = []
    client.get(f"/api/recipes/{bare.slug}/")  # Wagtail caches the site's root paths.
    for recipe in (bare, full):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/recipes/{recipe.slug}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
