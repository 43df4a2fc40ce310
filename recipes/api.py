"""The read-only JSON API for recipes: ingredients, method, costs, outcomes, adoptions and
the public change log. Built on catalogue.api's JSON layer.

Only live, public recipes appear, as published: drafts, moderation state and editors'
names never do. StreamFields are read from their raw JSON and the components and
standards they name are fetched once for the whole page of results, so a list makes
the same number of queries whatever it holds.
"""

from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from wagtail.rich_text import expand_db_html

from catalogue.api import ApiError, absolute, api_json, filters_clean, money, paginated, read_only
from catalogue.models import Component, Standard

from .forms import RecipeFilterForm
from .models import Adoption, AdoptionOutcome, RecipeLocalService, RecipePage
from .selectors import recipe_change_logs, recipe_list

API_FILTERS = ("service_area", "council_type", "component", "standard", "maturity", "sort")


def api_recipes():
    """Live, public recipes with everything recipe_data reads, prefetched."""
    return (
        recipe_list()
        .public()
        .prefetch_related(
            Prefetch("lgsl_links", queryset=RecipeLocalService.objects.select_related("service")),
            Prefetch(
                "adoptions",
                queryset=Adoption.objects.select_related("council").order_by("council__name"),
            ),
            Prefetch(
                "adoptions__outcomes", queryset=AdoptionOutcome.objects.order_by("sort_order")
            ),
        )
    )


def number(value) -> str | None:
    """A decimal from a StreamField's raw JSON as a string, never a float."""
    if value in (None, ""):
        return None
    try:
        return str(Decimal(str(value)))
    except InvalidOperation:
        return None


def rich_text(html: str) -> str:
    return expand_db_html(html or "")


def raw_values(stream, block_type: str) -> list[dict]:
    return [item["value"] for item in stream.raw_data if item["type"] == block_type]


def recipes_serialise(pages: list[RecipePage], request) -> list[dict]:
    """JSON for a page of recipes, resolving every snippet they name in two queries."""
    component_ids, standard_ids = set(), set()
    for page in pages:
        component_ids.update(page.ingredient_ids("component"))
        standard_ids.update(page.ingredient_ids("standard"))
    components = Component.objects.in_bulk(component_ids)
    standards = Standard.objects.in_bulk(standard_ids)
    change_logs = recipe_change_logs(page.pk for page in pages) if pages else {}
    return [
        recipe_data(page, request, components, standards, change_logs.get(page.pk, []))
        for page in pages
    ]


def recipe_data(page: RecipePage, request, components, standards, change_log) -> dict:
    ingredients = {"components": [], "standards": [], "people": []}
    for item in page.ingredients.raw_data:
        value = item["value"]
        if item["type"] == "component":
            component = components.get(int(value.get("component") or 0))
            if component:
                ingredients["components"].append(
                    {"slug": component.slug, "name": component.name, "why": value.get("why", "")}
                )
        elif item["type"] == "standard":
            standard = standards.get(int(value.get("standard") or 0))
            if standard:
                ingredients["standards"].append(
                    {"slug": standard.slug, "name": standard.name, "why": value.get("why", "")}
                )
        elif item["type"] == "people":
            ingredients["people"].append(
                {
                    "role": value.get("role", ""),
                    "days": number(value.get("days")),
                    "notes": value.get("notes", ""),
                }
            )
    return {
        "slug": page.slug,
        "title": page.title,
        "summary": page.summary,
        "url": absolute(request, page.get_url(request=request)),
        "maturity": page.maturity,
        "maturity_label": page.get_maturity_display(),
        "last_reviewed": page.last_reviewed,
        "first_published_at": page.first_published_at,
        "last_published_at": page.last_published_at,
        "service_areas": [{"slug": a.slug, "name": a.name} for a in page.service_areas.all()],
        "lgsl_services": [
            {"identifier": link.service.identifier, "label": link.service.label}
            for link in page.lgsl_links.all()
        ],
        "serves": [{"code": t.code, "name": t.name} for t in page.serves.all()],
        "population": {"min": page.serves_population_min, "max": page.serves_population_max},
        "problem": rich_text(page.problem),
        "user_needs": [
            {
                "as_a": need.get("as_a", ""),
                "i_need": need.get("i_need", ""),
                "so_that": need.get("so_that", ""),
            }
            for need in raw_values(page.user_needs, "user_need")
        ],
        "when_to_use": rich_text(page.when_to_use),
        "when_not_to_use": rich_text(page.when_not_to_use),
        "ingredients": ingredients,
        "method": [
            {
                "title": step.get("title", ""),
                "body": rich_text(step.get("body", "")),
                "design_system": step.get("design_system") or "",
            }
            for step in raw_values(page.method, "step")
        ],
        "costs": {
            "currency": "GBP",
            "setup_min": money(page.setup_cost_min),
            "setup_max": money(page.setup_cost_max),
            "yearly_min": money(page.yearly_cost_min),
            "yearly_max": money(page.yearly_cost_max),
            "staff_effort_days": number(page.staff_effort_days),
            "weeks_to_launch": page.weeks_to_launch,
            "volume_driver": page.volume_driver,
            "volume_per_1000_residents": number(page.volume_per_1000_residents),
        },
        "outcomes": [
            {
                "metric": outcome.get("metric", ""),
                "value": number(outcome.get("value")),
                "baseline": number(outcome.get("baseline")),
                "unit": outcome.get("unit", ""),
                "source": outcome.get("source", ""),
            }
            for outcome in raw_values(page.outcomes, "outcome")
        ],
        "variations": [
            {
                "council_type": variation.get("council_type", ""),
                "title": variation.get("title", ""),
                "body": rich_text(variation.get("body", "")),
            }
            for variation in raw_values(page.variations, "variation")
        ],
        "adoptions": [adoption_data(adoption, request) for adoption in page.adoptions.all()],
        "change_log": change_log,
    }


def adoption_data(adoption: Adoption, request) -> dict:
    return {
        "council": {
            "code": adoption.council.code,
            "slug": adoption.council.slug,
            "name": adoption.council.name,
            "url": absolute(request, adoption.council.get_absolute_url()),
        },
        "status": adoption.status,
        "live_since": adoption.live_since,
        "notes": adoption.notes,
        "is_sample": adoption.is_sample,
        "outcomes": [
            {
                "metric": outcome.metric,
                "value": number(outcome.value),
                "baseline": number(outcome.baseline),
                "unit": outcome.unit,
            }
            for outcome in adoption.outcomes.all()
        ],
    }


@read_only
def recipe_list_view(request):
    form = filters_clean(request, RecipeFilterForm, API_FILTERS)
    queryset = form.filter(api_recipes())
    return paginated(request, queryset, lambda pages: recipes_serialise(pages, request))


@read_only
def recipe_detail_view(request, slug):
    if len(slug) > 255:
        raise ApiError(404, "Not found. Check the slug in the address.")
    page = get_object_or_404(api_recipes(), slug=slug)
    return api_json(recipes_serialise([page], request)[0])
