"""Builds the demo site from fixtures/demo: the page tree, the catalogue (standards,
components, suppliers, offerings) and recipes with adoptions by real councils.

Idempotent: objects are matched by slug (adoptions by recipe and council) and only
created when missing, so a second run changes nothing. With refresh=True, existing demo
objects are brought back in line with the fixtures (pages get a new published revision).
"""

import json
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from catalogue.models import (
    Component,
    ConformanceClaim,
    Council,
    CouncilType,
    LocalService,
    Offering,
    ServiceArea,
    Standard,
    Supplier,
)
from catalogue.reference_data import reference_data_load
from catalogue.services import moderation_workflow_ensure
from patterns_site.models import HomePage

from .models import (
    Adoption,
    AdoptionOutcome,
    RecipeIndexPage,
    RecipeLocalService,
    RecipePage,
    RecipeRelation,
)

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"

HOME_INTRO = (
    "<p>Plumbing is a library of <b>service recipes</b> for councils: how another council "
    "built a service, what it needs, what it costs, what it achieved, and the products you "
    "can buy to cook it yourself.</p>"
)
RECIPES_INTRO = (
    "<p>Each recipe is a reusable pattern for a council service: its ingredients (common "
    "components, data standards and people), the method, costs and measured outcomes.</p>"
)


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool):
        bucket = self.created if created else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1


def _load(name: str) -> dict:
    with (DEMO_DIR / name).open(encoding="utf-8") as source:
        return json.load(source)


def _money(value) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value))


def _upsert(model, lookup: dict, values: dict, *, refresh: bool, report: DemoReport, kind: str):
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model.objects.create(**lookup, **values)
        report.count(kind, True)
    elif refresh:
        for key, value in values.items():
            setattr(instance, key, value)
        instance.save()
        report.count(kind, False)
    return instance


def page_tree_ensure() -> tuple[HomePage, RecipeIndexPage]:
    """The home page at the site root and the recipe index under it."""
    # Wagtail's migrations make a locale and a root page; a flushed database has neither.
    locale = Locale.get_default() if Locale.objects.exists() else None
    if locale is None:
        locale = Locale.objects.create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's first migration makes a placeholder welcome page; ours replaces it.
        for placeholder in root.get_children().filter(slug="home"):
            if placeholder.specific_class is Page:
                placeholder.delete()
        home = root.add_child(instance=HomePage(title="Plumbing", slug="home", intro=HOME_INTRO))
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Plumbing",
        )
    elif site.root_page_id != home.pk or site.site_name != "Plumbing":
        site.root_page = home
        site.site_name = "Plumbing"
        site.save()
    index = RecipeIndexPage.objects.first()
    if index is None:
        index = home.add_child(
            instance=RecipeIndexPage(title="Recipes", slug="recipes", intro=RECIPES_INTRO)
        )
        index.save_revision().publish()
    return home, index


def catalogue_load(data: dict, *, refresh: bool, report: DemoReport) -> None:
    for item in data["standards"]:
        _upsert(
            Standard,
            {"slug": item["slug"]},
            {
                "name": item["name"],
                "short_name": item.get("short_name", ""),
                "category": item["category"],
                "summary": item["summary"],
                "description": item.get("description", ""),
                "url": item["url"],
                "owner": item.get("owner", ""),
                "licence": item.get("licence", ""),
            },
            refresh=refresh,
            report=report,
            kind="standards",
        )
    standards = {standard.slug: standard for standard in Standard.objects.all()}

    for item in data["components"]:
        component = _upsert(
            Component,
            {"slug": item["slug"]},
            {
                "name": item["name"],
                "category": item["category"],
                "summary": item["summary"],
                "description": item.get("description", ""),
            },
            refresh=refresh,
            report=report,
            kind="components",
        )
        wanted = {standards[slug].pk for slug in item.get("standards", [])}
        if set(component.standards.values_list("pk", flat=True)) != wanted:
            component.standards.set(wanted)
            component.save()
    components = {component.slug: component for component in Component.objects.all()}

    for item in data["suppliers"]:
        _upsert(
            Supplier,
            {"slug": item["slug"]},
            {
                "name": item["name"],
                "website": item.get("website", ""),
                "companies_house_number": item.get("companies_house_number", ""),
                "is_sme": item.get("is_sme"),
                "is_sample": item["is_sample"],
                "description": item.get("description", ""),
            },
            refresh=refresh,
            report=report,
            kind="suppliers",
        )
    suppliers = {supplier.slug: supplier for supplier in Supplier.objects.all()}

    for item in data["offerings"]:
        offering_load(item, suppliers, components, standards, refresh=refresh, report=report)


def offering_load(item, suppliers, components, standards, *, refresh, report) -> Offering:
    offering = Offering.objects.filter(slug=item["slug"]).first()
    created = offering is None
    if not created and not refresh:
        return offering
    if created:
        offering = Offering(slug=item["slug"])
    offering.supplier = suppliers[item["supplier"]]
    offering.name = item["name"]
    offering.summary = item["summary"]
    offering.description = item.get("description", "")
    offering.pricing_unit = item["pricing_unit"]
    offering.price = _money(item["price"]) or Decimal("0")
    offering.price_max = _money(item.get("price_max"))
    offering.setup_fee = _money(item.get("setup_fee"))
    offering.pricing_notes = item.get("pricing_notes", "")
    offering.hosting = item["hosting"]
    offering.gcloud_service_id = item.get("gcloud_service_id", "")
    offering.open_source_licence = item.get("open_source_licence", "")
    offering.repository_url = item.get("repository_url", "")
    offering.components.set([components[slug] for slug in item["components"]])
    now = timezone.now()
    offering.claims.set(
        [
            ConformanceClaim(
                standard=standards[claim["standard"]],
                evidence_url=claim.get("evidence_url", ""),
                statement=claim.get("statement", ""),
                verified_at=now if claim["status"] == "verified" else None,
            )
            for claim in item.get("claims", [])
        ]
    )
    offering.live = True
    offering.save()
    offering.save_revision().publish()
    report.count("offerings", created)
    return offering


def _stream(items: list[dict]) -> str:
    return json.dumps([{**item, "id": str(uuid.uuid4())} for item in items])


def _ingredients_stream(ingredients, components, standards) -> str:
    blocks = []
    for item in ingredients:
        if item["type"] == "component":
            value = {"component": components[item["component"]].pk, "why": item["why"]}
        elif item["type"] == "standard":
            value = {"standard": standards[item["standard"]].pk, "why": item["why"]}
        else:
            value = {
                "role": item["role"],
                "days": str(item["days"]),
                "notes": item.get("notes", ""),
            }
        blocks.append({"type": item["type"], "value": value})
    return _stream(blocks)


def recipe_fields(item: dict, components, standards) -> dict:
    costs = item["costs"]
    return {
        "title": item["title"],
        "summary": item["summary"],
        "problem": item["problem"],
        "user_needs": _stream(
            [{"type": "user_need", "value": need} for need in item["user_needs"]]
        ),
        "when_to_use": item["when_to_use"],
        "when_not_to_use": item.get("when_not_to_use", ""),
        "maturity": item["maturity"],
        "last_reviewed": date.fromisoformat(item["last_reviewed"])
        if item.get("last_reviewed")
        else None,
        "serves_population_min": item.get("population_min"),
        "serves_population_max": item.get("population_max"),
        "ingredients": _ingredients_stream(item["ingredients"], components, standards),
        "method": _stream(
            [
                {
                    "type": "step",
                    "value": {
                        "title": step["title"],
                        "body": step["body"],
                        "design_system": step.get("design_system", ""),
                    },
                }
                for step in item["method"]
            ]
        ),
        "setup_cost_min": _money(costs["setup_min"]),
        "setup_cost_max": _money(costs["setup_max"]),
        "yearly_cost_min": _money(costs["yearly_min"]),
        "yearly_cost_max": _money(costs["yearly_max"]),
        "staff_effort_days": Decimal(str(costs["staff_days"])),
        "weeks_to_launch": int(costs["weeks_to_launch"]),
        "volume_driver": costs.get("volume_driver", ""),
        "volume_per_1000_residents": _money(costs.get("volume_per_1000_residents")),
        "outcomes": _stream(
            [
                {
                    "type": "outcome",
                    "value": {
                        "metric": outcome["metric"],
                        "value": str(outcome["value"]),
                        "baseline": str(outcome["baseline"])
                        if outcome.get("baseline") not in (None, "")
                        else None,
                        "unit": outcome["unit"],
                        "source": outcome["source"],
                    },
                }
                for outcome in item.get("outcomes", [])
            ]
        ),
        "variations": _stream(
            [{"type": "variation", "value": variation} for variation in item.get("variations", [])]
        ),
    }


def recipes_load(data: dict, index: RecipeIndexPage, *, refresh: bool, report: DemoReport) -> None:
    components = {component.slug: component for component in Component.objects.all()}
    standards = {standard.slug: standard for standard in Standard.objects.all()}
    areas = {str(area.identifier): area for area in ServiceArea.objects.all()}
    services = {str(service.identifier): service for service in LocalService.objects.all()}
    council_types = {council_type.code: council_type for council_type in CouncilType.objects.all()}

    # Pass 1 creates or updates each page; pass 2 links related recipes, which all
    # exist by then, and publishes each changed page once.
    pages, to_publish = {}, set()
    for item in data["recipes"]:
        page = RecipePage.objects.filter(slug=item["slug"]).first()
        created = page is None
        if created or refresh:
            values = recipe_fields(item, components, standards)
            if created:
                page = RecipePage(slug=item["slug"], **values)
            else:
                for key, value in values.items():
                    setattr(page, key, value)
            page.service_areas.set(
                [areas[identifier] for identifier in item.get("service_areas", [])]
            )
            page.serves.set([council_types[code] for code in item.get("serves", [])])
            page.lgsl_links.set(
                [
                    RecipeLocalService(service=services[identifier])
                    for identifier in item.get("lgsl", [])
                ]
            )
            if created:
                index.add_child(instance=page)
            to_publish.add(item["slug"])
            report.count("recipes", created)
        pages[item["slug"]] = page

    for item in data["recipes"]:
        page = pages[item["slug"]]
        wanted = [pages[slug].pk for slug in item.get("related", []) if slug in pages]
        current = [link.related_id for link in page.related_links.all()]
        if current != wanted and (refresh or not current):
            page.related_links.set([RecipeRelation(related_id=pk) for pk in wanted])
            to_publish.add(item["slug"])
        if item["slug"] in to_publish:
            page.save_revision().publish()
        adoptions_load(page, item.get("adoptions", []), refresh=refresh, report=report)


def adoptions_load(page: RecipePage, adoptions: list[dict], *, refresh: bool, report: DemoReport):
    councils = Council.objects.in_bulk([a["council"] for a in adoptions], field_name="code")
    for item in adoptions:
        adoption = Adoption.objects.filter(recipe=page, council=councils[item["council"]]).first()
        created = adoption is None
        if not created and not refresh:
            continue
        adoption = adoption or Adoption(recipe=page, council=councils[item["council"]])
        adoption.status = item["status"]
        adoption.live_since = (
            date.fromisoformat(item["live_since"]) if item.get("live_since") else None
        )
        adoption.notes = item.get("notes", "")
        adoption.is_sample = True
        adoption.outcomes.set(
            [
                AdoptionOutcome(
                    metric=outcome["metric"],
                    value=Decimal(str(outcome["value"])),
                    baseline=_money(outcome.get("baseline")),
                    unit=outcome["unit"],
                )
                for outcome in item.get("outcomes", [])
            ]
        )
        adoption.save()
        report.count("adoptions", created)


def demo_data_load(*, refresh: bool = False) -> DemoReport:
    """Load reference data, then the demo catalogue and recipes."""
    report = DemoReport()
    reference_data_load()
    with transaction.atomic():
        _home, index = page_tree_ensure()
        catalogue_load(_load("catalogue.json"), refresh=refresh, report=report)
        recipes_load(_load("recipes.json"), index, refresh=refresh, report=report)
        # A migration creates it too; this brings it back after a database flush.
        moderation_workflow_ensure()
    return report
