from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from recipes.models import Adoption, RecipePage, summarise_outcomes
from tests.factories import (
    AdoptionFactory,
    AdoptionOutcomeFactory,
    ComponentFactory,
    CouncilFactory,
    RecipePageFactory,
    StandardFactory,
    ingredients_stream,
)

pytestmark = pytest.mark.django_db


def test_saving_a_recipe_mirrors_its_component_and_standard_ingredients(recipe_index):
    """The components and standards chosen as ingredients become the recipe's
    components_used and standards_used, so lists can filter by them."""
    notify, pay = ComponentFactory.create_batch(2)
    uprn = StandardFactory()

    recipe = RecipePageFactory(components=[notify, pay], standards=[uprn])

    assert set(recipe.components_used.all()) == {notify, pay}
    assert list(recipe.standards_used.all()) == [uprn]
    assert list(notify.recipes.all()) == [recipe]


def test_changing_ingredients_updates_what_the_recipe_uses(recipe_index):
    """Removing an ingredient and saving drops it from the recipe's components_used."""
    notify, pay = ComponentFactory.create_batch(2)
    uprn = StandardFactory()
    recipe = RecipePageFactory(components=[notify, pay], standards=[uprn])

    recipe.ingredients = ingredients_stream(components=[pay])
    recipe.save_revision().publish()

    recipe = RecipePage.objects.get(pk=recipe.pk)
    assert list(recipe.components_used.all()) == [pay]
    assert list(recipe.standards_used.all()) == []
    assert list(notify.recipes.all()) == []


def test_people_ingredients_add_up_to_the_team_effort(recipe_index):
    """The people ingredients' days add up to the recipe's total team effort."""
    recipe = RecipePageFactory(people=[("Product manager", "10"), ("Developer", "22.5")])

    assert [item["role"] for item in recipe.people_ingredients] == ["Product manager", "Developer"]
    assert recipe.people_days == Decimal("32.5")


def test_summarise_outcomes_groups_by_metric_with_median_and_range(recipe_index):
    """Outcomes councils measured are grouped by metric, with how many councils reported
    it, the median, the lowest and the highest."""
    recipe = RecipePageFactory()
    for value in ["40", "90", "60"]:
        AdoptionOutcomeFactory(
            adoption=AdoptionFactory(recipe=recipe),
            metric="Reports made online",
            value=Decimal(value),
            unit="percent",
        )
    AdoptionOutcomeFactory(
        adoption=Adoption.objects.first(),
        metric="Cost per report",
        value=Decimal("2.5"),
        unit="pounds",
    )

    summary = summarise_outcomes(Adoption.objects.prefetch_related("outcomes"))
    assert [item.pop("unit_label") for item in summary] == ["per cent", "pounds"]
    assert all(item.pop("latest") is not None for item in summary)

    assert summary == [
        {
            "metric": "Reports made online",
            "unit": "percent",
            "councils": 3,
            "minimum": Decimal("40"),
            "maximum": Decimal("90"),
            "median": Decimal("60"),
        },
        {
            "metric": "Cost per report",
            "unit": "pounds",
            "councils": 1,
            "minimum": Decimal("2.5"),
            "maximum": Decimal("2.5"),
            "median": Decimal("2.5"),
        },
    ]


def test_summarise_outcomes_matches_metrics_whatever_their_case_or_spacing(recipe_index):
    """'Reports made online' and ' reports made ONLINE ' count as one metric; the median of
    an even number of figures is the mean of the middle two."""
    recipe = RecipePageFactory()
    AdoptionOutcomeFactory(
        adoption=AdoptionFactory(recipe=recipe), metric="Reports made online", value=Decimal("40")
    )
    AdoptionOutcomeFactory(
        adoption=AdoptionFactory(recipe=recipe), metric=" reports made ONLINE ", value=Decimal("50")
    )

    [summary] = summarise_outcomes(Adoption.objects.prefetch_related("outcomes"))

    assert summary["metric"] == "Reports made online"
    assert summary["councils"] == 2
    assert summary["median"] == Decimal("45")


def test_summarise_outcomes_keeps_units_apart(recipe_index):
    """The same metric in different units is summarised separately, never mixed."""
    recipe = RecipePageFactory()
    AdoptionOutcomeFactory(
        adoption=AdoptionFactory(recipe=recipe), metric="Time to resolve", value=3, unit="days"
    )
    AdoptionOutcomeFactory(
        adoption=AdoptionFactory(recipe=recipe), metric="Time to resolve", value=30, unit="hours"
    )

    summary = summarise_outcomes(Adoption.objects.prefetch_related("outcomes"))

    assert sorted((item["unit"], item["councils"]) for item in summary) == [
        ("days", 1),
        ("hours", 1),
    ]


def test_summarise_outcomes_makes_no_query_on_prefetched_adoptions(
    recipe_index, django_assert_num_queries
):
    """Given prefetched adoptions, summarising their outcomes adds no query."""
    recipe = RecipePageFactory()
    AdoptionOutcomeFactory.create_batch(3, adoption=AdoptionFactory(recipe=recipe))
    adoptions = list(Adoption.objects.prefetch_related("outcomes"))

    with django_assert_num_queries(0):
        summary = summarise_outcomes(adoptions)

    assert summary[0]["councils"] == 3


def test_summarise_outcomes_of_no_adoptions_is_empty():
    """A recipe nobody has adopted has no measured outcomes to show."""
    assert summarise_outcomes([]) == []


@pytest.mark.parametrize("status", [Adoption.Status.EXPLORING, Adoption.Status.BUILDING])
def test_adoption_rejects_live_since_unless_live(recipe_index, status):
    """Only a live (or retired) adoption may have a launch date."""
    adoption = AdoptionFactory.build(
        recipe=RecipePageFactory(),
        council=CouncilFactory(),
        status=status,
        live_since=date(2024, 3, 1),
    )

    with pytest.raises(ValidationError) as error:
        adoption.full_clean()

    assert error.value.message_dict["live_since"] == [
        "Only a live or retired adoption has a launch date"
    ]


def test_live_adoption_may_have_live_since(recipe_index):
    """A live adoption with a live-since date is valid."""
    adoption = AdoptionFactory.build(
        recipe=RecipePageFactory(),
        council=CouncilFactory(),
        status=Adoption.Status.LIVE,
        live_since=date(2024, 3, 1),
    )

    adoption.full_clean()


def test_one_adoption_per_council_and_recipe(recipe_index):
    """A council adopts a recipe once; a second record for the same pair is refused."""
    adoption = AdoptionFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Adoption.objects.create(
            recipe=adoption.recipe, council=adoption.council, status=Adoption.Status.EXPLORING
        )


def test_adoption_links_to_the_recipe_adoptions_section(recipe_index):
    """An adoption's link goes to the councils section of its recipe page."""
    adoption = AdoptionFactory(recipe=RecipePageFactory(slug="missed-bins"))

    assert adoption.get_absolute_url() == "/recipes/missed-bins/#adoptions"
    assert str(adoption) == f"{adoption.council.name}: {adoption.recipe.title}"
