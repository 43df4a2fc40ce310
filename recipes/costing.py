"""The cost model applied to recipes: reads what catalogue.costs needs from recipe pages
and the price summary, in a fixed number of queries for any number of recipes.

The arithmetic lives in catalogue.costs and money formatting in foundations.money; this
module only gathers inputs.
"""

from decimal import Decimal

from catalogue.costs import (
    Assumptions,
    RecipeCosts,
    RecipeInputs,
    component_cost,
    recipe_costs,
)
from catalogue.models import Component
from catalogue.selectors import (
    component_price_summaries,
    component_standard_order,
    standards_mask,
)


def recipe_inputs(page) -> RecipeInputs:
    """What the cost model needs from a recipe page, read from its raw stream (no query)."""
    people = []
    for item in page.ingredients.raw_data:
        if item["type"] == "people":
            value = item["value"]
            people.append((value.get("role", ""), Decimal(str(value.get("days") or 0))))
    return RecipeInputs(
        key=page.pk,
        title=page.title,
        setup_min=page.setup_cost_min,
        setup_max=page.setup_cost_max,
        people=tuple(people),
        staff_days=page.staff_effort_days,
        volume_per_1000_residents=page.volume_per_1000_residents,
        volume_driver=page.volume_driver,
    )


def recipe_required_standards(page, standard_order: dict[int, list[int]]) -> dict[int, set[int]]:
    """For each component of the recipe, the standards it must claim: those the component
    lists that the recipe names too (the basket's "Must meet")."""
    named = set(page.ingredient_ids("standard"))
    return {
        component_id: {pk for pk in standard_order.get(component_id, []) if pk in named}
        for component_id in dict.fromkeys(page.ingredient_ids("component"))
    }


def recipes_costs(pages, assumptions: Assumptions, *, components=None) -> dict[int, RecipeCosts]:
    """Each recipe's costs for the council: three queries for any number of recipes
    (components, their standards, the summary rows in the council's band), two when the
    caller has the components already (id -> Component)."""
    pages = list(pages)
    component_ids = {pk for page in pages for pk in page.ingredient_ids("component")}
    if not component_ids:
        return {page.pk: recipe_costs(recipe_inputs(page), [], assumptions) for page in pages}
    if components is None:
        # Not the descriptions: a cost names and links its component, nothing more.
        components = Component.objects.defer("description", "description_html").in_bulk(
            component_ids
        )
    order = component_standard_order(component_ids)
    required = {page.pk: recipe_required_standards(page, order) for page in pages}
    masks = {
        (component_id, standards_mask(order.get(component_id, []), standards))
        for by_component in required.values()
        for component_id, standards in by_component.items()
    }
    # Only the masks the recipes need, and each component's mask 0 (the fallback).
    pairs = {*masks, *((component_id, 0) for component_id, _mask in masks)}
    summaries = component_price_summaries(
        {component_id for component_id, _mask in pairs}, assumptions.band.key, pairs=pairs
    )
    result = {}
    for page in pages:
        inputs = recipe_inputs(page)
        volume = inputs.volume(assumptions)
        costs = []
        for component_id, standards in required[page.pk].items():
            component = components.get(component_id)
            if component is None:
                continue
            mask = standards_mask(order.get(component_id, []), standards)
            rows = summaries.get((component_id, mask))
            conforming = bool(rows)
            if not rows:  # no product claims every required standard: show them all
                rows = summaries.get((component_id, 0), [])
            costs.append(
                component_cost(component, rows, assumptions, volume, conforming=conforming)
            )
        result[page.pk] = recipe_costs(inputs, costs, assumptions)
    return result


def with_costs(pages, assumptions: Assumptions) -> list:
    """The recipes, each with .costs for the council, as the recipe page works them out:
    for recipe cards (three queries for any number of recipes)."""
    pages = list(pages)
    costs = recipes_costs(pages, assumptions)
    for page in pages:
        page.costs = costs[page.pk]
    return pages


def recipe_costs_for(page, assumptions: Assumptions) -> RecipeCosts:
    """One recipe's costs, with the components its ingredients have read already."""
    components = {item["component"].pk: item["component"] for item in page.component_ingredients}
    return recipes_costs([page], assumptions, components=components)[page.pk]
