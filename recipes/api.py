"""The read-only JSON API for recipes (a django-ninja router): ingredients, method, costs,
outcomes, adoptions and the public change log. Built on foundations.api's JSON layer.

Only live, public recipes appear, as published: drafts, moderation state and editors'
names never do. StreamFields are read from their raw JSON and the components and
standards they name are fetched once for the whole page of results, so a list makes
the same number of queries whatever it holds.
"""

from datetime import date, datetime

from django.db.models import Prefetch
from django.urls import reverse
from ninja import Field, Router
from wagtail.rich_text import expand_db_html

from catalogue.api import CouncilTypeRef, RatingOut, Ref, resolve_rating
from catalogue.costs import Assumptions
from catalogue.models import Component, Standard
from foundations.api import DecimalText, Money, Strict, Url, add_resource, decimal_text
from foundations.money import money_text

from .costing import with_costs
from .filters import RecipeFilterSet
from .models import Adoption, AdoptionOutcome, Maturity, RecipeLocalService, RecipePage
from .selectors import recipe_change_logs, recipe_list

HTML = "HTML."


class LgslService(Strict):
    identifier: int
    label: str


class Population(Strict):
    min: int | None
    max: int | None


class UserNeed(Strict):
    as_a: str
    i_need: str
    so_that: str


class Ingredient(Strict):
    slug: str
    name: str
    why: str


class Person(Strict):
    role: str
    days: DecimalText | None
    notes: str


class Ingredients(Strict):
    components: list[Ingredient]
    standards: list[Ingredient]
    people: list[Person]


class MethodStep(Strict):
    title: str
    body: str = Field(..., description=HTML)
    design_system: str
    components: list[str] = Field(..., description="Slugs of the components the step uses.")


class Costs(Strict):
    currency: str = Field(..., json_schema_extra={"enum": ["GBP"]})
    setup_min: Money
    setup_max: Money
    yearly_min: Money
    yearly_max: Money
    for_population: int = Field(
        ..., description="The council size the model figures below are worked out for."
    )
    one_off_min: Money = Field(..., description="Product set-up fees and the recipe's own work.")
    one_off_max: Money
    running_yearly_min: Money = Field(..., description="Yearly product costs.")
    running_yearly_max: Money
    staff_min: Money = Field(..., description="Staff effort: days by role times day rates.")
    staff_max: Money
    five_year_total_min: Money = Field(..., description="One-off + staff + 5 x yearly.")
    five_year_total_max: Money
    staff_effort_days: DecimalText
    weeks_to_launch: int
    volume_driver: str
    volume_per_1000_residents: DecimalText | None


class TargetOutcome(Strict):
    metric: str
    value: DecimalText | None
    baseline: DecimalText | None
    unit: str
    source: str


class Variation(Strict):
    council_type: str
    title: str
    body: str = Field(..., description=HTML)


class AdoptionCouncil(Strict):
    code: str
    slug: str
    name: str
    url: Url


class MeasuredOutcome(Strict):
    metric: str
    value: DecimalText
    baseline: DecimalText | None
    unit: str


class AdoptionOut(Strict):
    council: AdoptionCouncil
    status: str = Field(..., json_schema_extra={"enum": Adoption.Status.values})
    live_since: date | None
    notes: str
    is_sample: bool = Field(..., description="Fictional figures.")
    outcomes: list[MeasuredOutcome]

    @staticmethod
    def resolve_council(adoption, context) -> dict:
        council = adoption.council
        return {
            "code": council.code,
            "slug": council.slug,
            "name": council.name,
            "url": context["request"].build_absolute_uri(council.get_absolute_url()),
        }

    @staticmethod
    def resolve_outcomes(adoption) -> list[dict]:
        return [
            {
                "metric": outcome.metric,
                "value": decimal_text(outcome.value),
                "baseline": decimal_text(outcome.baseline),
                "unit": outcome.unit,
            }
            for outcome in adoption.outcomes.all()
        ]


class ChangeLogEntry(Strict):
    published_at: datetime
    summary: str


def rich_text(html: str) -> str:
    return expand_db_html(html or "")


def raw_values(stream, block_type: str) -> list[dict]:
    return [item["value"] for item in stream.raw_data if item["type"] == block_type]


class RecipeOut(Strict):
    """A live recipe as published. Reads the components, standards and change log that
    recipes_prepare attached to the page."""

    slug: str
    title: str
    summary: str
    url: Url
    maturity: str = Field(..., json_schema_extra={"enum": Maturity.values})
    maturity_label: str
    last_reviewed: date | None
    first_published_at: datetime | None
    last_published_at: datetime | None
    service_areas: list[Ref]
    lgsl_services: list[LgslService]
    serves: list[CouncilTypeRef]
    population: Population
    problem: str = Field(..., description=HTML)
    user_needs: list[UserNeed]
    when_to_use: str = Field(..., description=HTML)
    when_not_to_use: str = Field(..., description=HTML)
    ingredients: Ingredients
    method: list[MethodStep]
    architecture_svg_url: Url = Field(
        ..., description="The recipe's architecture picture, as an SVG file."
    )
    costs: Costs
    outcomes: list[TargetOutcome]
    variations: list[Variation]
    adoptions: list[AdoptionOut]
    rating: RatingOut
    change_log: list[ChangeLogEntry]

    resolve_rating = staticmethod(resolve_rating)

    @staticmethod
    def resolve_url(page, context) -> str:
        request = context["request"]
        return request.build_absolute_uri(page.get_url(request=request))

    @staticmethod
    def resolve_maturity_label(page) -> str:
        return page.get_maturity_display()

    @staticmethod
    def resolve_lgsl_services(page) -> list[dict]:
        return [
            {"identifier": link.service.identifier, "label": link.service.label}
            for link in page.lgsl_links.all()
        ]

    @staticmethod
    def resolve_population(page) -> dict:
        return {"min": page.serves_population_min, "max": page.serves_population_max}

    @staticmethod
    def resolve_problem(page) -> str:
        return rich_text(page.problem)

    @staticmethod
    def resolve_user_needs(page) -> list[dict]:
        return [
            {key: need.get(key, "") for key in ("as_a", "i_need", "so_that")}
            for need in raw_values(page.user_needs, "user_need")
        ]

    @staticmethod
    def resolve_when_to_use(page) -> str:
        return rich_text(page.when_to_use)

    @staticmethod
    def resolve_when_not_to_use(page) -> str:
        return rich_text(page.when_not_to_use)

    @staticmethod
    def resolve_ingredients(page) -> dict:
        components, standards = page.api_snippets
        ingredients = {"components": [], "standards": [], "people": []}
        for item in page.ingredients.raw_data:
            value = item["value"]
            if item["type"] in ("component", "standard"):
                found = (components if item["type"] == "component" else standards).get(
                    int(value.get(item["type"]) or 0)
                )
                if found:
                    ingredients[f"{item['type']}s"].append(
                        {"slug": found.slug, "name": found.name, "why": value.get("why", "")}
                    )
            elif item["type"] == "people":
                ingredients["people"].append(
                    {
                        "role": value.get("role", ""),
                        "days": decimal_text(value.get("days")),
                        "notes": value.get("notes", ""),
                    }
                )
        return ingredients

    @staticmethod
    def resolve_method(page) -> list[dict]:
        # The step's components as the stored picture names them: drawn from the same
        # method, so no query.
        drawn = page.architecture.get("steps", [])
        return [
            {
                "title": step.get("title", ""),
                "body": rich_text(step.get("body", "")),
                "design_system": step.get("design_system") or "",
                "components": drawn[n]["components"] if n < len(drawn) else [],
            }
            for n, step in enumerate(raw_values(page.method, "step"))
        ]

    @staticmethod
    def resolve_architecture_svg_url(page, context) -> str:
        return context["request"].build_absolute_uri(
            reverse("recipe_architecture_svg", args=[page.slug])
        )

    @staticmethod
    def resolve_costs(page) -> dict:
        model = page.costs  # recipes_prepare: the cost model at the stated default council
        return {
            "for_population": model.assumptions.population,
            "one_off_min": money_text(model.one_off.low),
            "one_off_max": money_text(model.one_off.high),
            "running_yearly_min": money_text(model.yearly.low),
            "running_yearly_max": money_text(model.yearly.high),
            "staff_min": money_text(model.staff.low),
            "staff_max": money_text(model.staff.high),
            "five_year_total_min": money_text(model.tco.low),
            "five_year_total_max": money_text(model.tco.high),
            "currency": "GBP",
            "setup_min": money_text(page.setup_cost_min),
            "setup_max": money_text(page.setup_cost_max),
            "yearly_min": money_text(page.yearly_cost_min),
            "yearly_max": money_text(page.yearly_cost_max),
            "staff_effort_days": decimal_text(page.staff_effort_days),
            "weeks_to_launch": page.weeks_to_launch,
            "volume_driver": page.volume_driver,
            "volume_per_1000_residents": decimal_text(page.volume_per_1000_residents),
        }

    @staticmethod
    def resolve_outcomes(page) -> list[dict]:
        return [
            {
                "metric": outcome.get("metric", ""),
                "value": decimal_text(outcome.get("value")),
                "baseline": decimal_text(outcome.get("baseline")),
                "unit": outcome.get("unit", ""),
                "source": outcome.get("source", ""),
            }
            for outcome in raw_values(page.outcomes, "outcome")
        ]

    @staticmethod
    def resolve_variations(page) -> list[dict]:
        return [
            {
                "council_type": variation.get("council_type", ""),
                "title": variation.get("title", ""),
                "body": rich_text(variation.get("body", "")),
            }
            for variation in raw_values(page.variations, "variation")
        ]

    @staticmethod
    def resolve_change_log(page) -> list[dict]:
        return page.api_change_log


def api_recipes():
    """Live, public recipes with everything RecipeOut reads, prefetched."""
    return (
        recipe_list()
        .public()
        .defer("architecture_svg")
        .prefetch_related(
            Prefetch("lgsl_links", queryset=RecipeLocalService.objects.select_related("service")),
            Prefetch(
                "adoptions",
                queryset=Adoption.objects.public()
                .select_related("council")
                .order_by("council__name"),
            ),
            Prefetch(
                "adoptions__outcomes", queryset=AdoptionOutcome.objects.order_by("sort_order")
            ),
        )
    )


def recipes_prepare(pages: list[RecipePage]) -> list[RecipePage]:
    """Attach to a page of recipes every snippet they name, their change logs and their
    costs from the cost model at the default council, in a fixed number of queries."""
    component_ids, standard_ids = set(), set()
    for page in pages:
        component_ids.update(page.ingredient_ids("component"))
        standard_ids.update(page.ingredient_ids("standard"))
    components = Component.objects.in_bulk(component_ids)
    standards = Standard.objects.in_bulk(standard_ids)
    change_logs = recipe_change_logs(page.pk for page in pages) if pages else {}
    for page in pages:
        page.api_snippets = (components, standards)
        page.api_change_log = change_logs.get(page.pk, [])
    return with_costs(pages, Assumptions.default())


router = Router()
add_resource(
    router,
    "recipes",
    item=RecipeOut,
    filterset=RecipeFilterSet,
    queryset=api_recipes,
    decorate=recipes_prepare,
    summary="Live recipes, with ingredients, method, costs, outcomes, adoptions and change log.",
)
