"""Recipes that travel between Plumbing sites: export to and import from a JSON document.

The format (documented in README.md) is the shape of fixtures/demo, in one file:
catalogue objects by slug, councils by mySociety code, service areas and LGSL services by
their esd identifiers, council types by code. Import validates the whole document first
and reports every problem with its location, such as
``recipes[2].ingredients[4].component: unknown component 'pay-x'``; it then writes
everything in one transaction, so an invalid file changes nothing.

Catalogue objects (standards, components, suppliers, offerings) are created when missing
and left as they are when a site already has one with that slug: each site curates its
own catalogue. Recipes are created or updated, saved as a new revision, and published
only when asked.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

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

from .blocks import COUNCIL_TYPE_CHOICES, OUTCOME_UNIT_CHOICES
from .demo_data import page_tree_ensure, recipe_fields
from .design_system import design_system_items
from .models import (
    Adoption,
    AdoptionOutcome,
    Maturity,
    RecipeLocalService,
    RecipePage,
    RecipeRelation,
)

FORMAT = "plumbing-recipes"
VERSION = 1
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
GCLOUD_ID = re.compile(r"^\d{15}$")


class InterchangeError(Exception):
    """An invalid document: every problem found, each with its location."""

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} problem(s) in the file")
        self.errors = errors


def _decimal_text(value) -> str | None:
    return None if value is None else str(value)


def _raw(stream, block_type: str) -> list[dict]:
    return [item["value"] for item in stream.raw_data if item["type"] == block_type]


# Export


def recipes_export(slugs: list[str] | None = None) -> dict:
    """Live recipes (all, or those slugs) and the catalogue objects they need."""
    pages = (
        RecipePage.objects.live()
        .prefetch_related(
            "service_areas", "serves", "lgsl_links__service", "related_links__related"
        )
        .order_by("title")
    )
    if slugs:
        pages = pages.filter(slug__in=slugs)
        missing = sorted(set(slugs) - set(pages.values_list("slug", flat=True)))
        if missing:
            raise InterchangeError([f"no live recipe with slug {slug!r}" for slug in missing])
    pages = list(pages)
    exported = {page.slug for page in pages}
    component_ids = {pk for page in pages for pk in page.ingredient_ids("component")}
    standard_ids = {pk for page in pages for pk in page.ingredient_ids("standard")}
    components = list(Component.objects.filter(pk__in=component_ids).prefetch_related("standards"))
    offerings = list(
        Offering.objects.public()
        .filter(components__in=component_ids)
        .distinct()
        .select_related("supplier")
        .prefetch_related("components", "claims__standard")
        .order_by("slug")
    )
    for component in components:
        standard_ids.update(s.pk for s in component.standards.all())
    for offering in offerings:
        standard_ids.update(claim.standard_id for claim in offering.claims.all())
    standards = Standard.objects.filter(pk__in=standard_ids).order_by("slug")
    component_slugs = {c.pk: c.slug for c in components}
    standard_slugs = dict(Standard.objects.filter(pk__in=standard_ids).values_list("pk", "slug"))
    adoptions = {}
    for adoption in (
        Adoption.objects.filter(recipe__in=pages)
        .select_related("council")
        .prefetch_related("outcomes")
        .order_by("council__code")
    ):
        adoptions.setdefault(adoption.recipe_id, []).append(adoption)
    suppliers = sorted(
        {o.supplier.slug: o.supplier for o in offerings}.values(), key=lambda s: s.slug
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().replace(microsecond=0).isoformat(),
        "standards": [standard_export(s) for s in standards],
        "components": [
            {
                "slug": c.slug,
                "name": c.name,
                "category": c.category,
                "summary": c.summary,
                "description": c.description,
                "standards": sorted(s.slug for s in c.standards.all()),
            }
            for c in sorted(components, key=lambda c: c.slug)
        ],
        "suppliers": [
            {
                "slug": s.slug,
                "name": s.name,
                "website": s.website,
                "companies_house_number": s.companies_house_number,
                "is_sme": s.is_sme,
                "is_sample": s.is_sample,
                "description": s.description,
            }
            for s in suppliers
        ],
        "offerings": [offering_export(o) for o in offerings],
        "recipes": [
            recipe_export(
                page, component_slugs, standard_slugs, adoptions.get(page.pk, []), exported
            )
            for page in pages
        ],
    }


def standard_export(standard: Standard) -> dict:
    return {
        "slug": standard.slug,
        "name": standard.name,
        "short_name": standard.short_name,
        "category": standard.category,
        "summary": standard.summary,
        "description": standard.description,
        "url": standard.url,
        "owner": standard.owner,
        "licence": standard.licence,
    }


def offering_export(offering: Offering) -> dict:
    return {
        "slug": offering.slug,
        "name": offering.name,
        "supplier": offering.supplier.slug,
        "summary": offering.summary,
        "description": offering.description,
        "components": sorted(c.slug for c in offering.components.all()),
        "pricing_unit": offering.pricing_unit,
        "price": _decimal_text(offering.price),
        "price_max": _decimal_text(offering.price_max),
        "setup_fee": _decimal_text(offering.setup_fee),
        "pricing_notes": offering.pricing_notes,
        "hosting": offering.hosting,
        "gcloud_service_id": offering.gcloud_service_id,
        "open_source_licence": offering.open_source_licence,
        "repository_url": offering.repository_url,
        "claims": [
            {
                "standard": claim.standard.slug,
                "evidence_url": claim.evidence_url,
                "statement": claim.statement,
                "status": "verified" if claim.is_verified else "claimed",
            }
            for claim in sorted(offering.claims.all(), key=lambda claim: claim.standard.slug)
        ],
    }


def recipe_export(page: RecipePage, component_slugs, standard_slugs, adoptions, slugs) -> dict:
    ingredients = []
    for item in page.ingredients.raw_data:
        value = item["value"]
        if item["type"] == "component" and value.get("component"):
            ingredients.append(
                {
                    "type": "component",
                    "component": component_slugs[int(value["component"])],
                    "why": value.get("why", ""),
                }
            )
        elif item["type"] == "standard" and value.get("standard"):
            ingredients.append(
                {
                    "type": "standard",
                    "standard": standard_slugs[int(value["standard"])],
                    "why": value.get("why", ""),
                }
            )
        elif item["type"] == "people":
            ingredients.append(
                {
                    "type": "people",
                    "role": value.get("role", ""),
                    "days": str(Decimal(str(value.get("days") or 0))),
                    "notes": value.get("notes", ""),
                }
            )
    return {
        "slug": page.slug,
        "title": page.title,
        "summary": page.summary,
        "problem": page.problem,
        "user_needs": [
            {k: need.get(k, "") for k in ("as_a", "i_need", "so_that")}
            for need in _raw(page.user_needs, "user_need")
        ],
        "when_to_use": page.when_to_use,
        "when_not_to_use": page.when_not_to_use,
        "service_areas": sorted(str(area.identifier) for area in page.service_areas.all()),
        "lgsl": [str(link.service.identifier) for link in page.lgsl_links.all()],
        "serves": sorted(council_type.code for council_type in page.serves.all()),
        "population_min": page.serves_population_min,
        "population_max": page.serves_population_max,
        "maturity": page.maturity,
        "last_reviewed": page.last_reviewed.isoformat() if page.last_reviewed else None,
        "ingredients": ingredients,
        "method": [
            {
                "title": step.get("title", ""),
                "body": step.get("body", ""),
                "design_system": step.get("design_system") or "",
            }
            for step in _raw(page.method, "step")
        ],
        "costs": {
            "setup_min": _decimal_text(page.setup_cost_min),
            "setup_max": _decimal_text(page.setup_cost_max),
            "yearly_min": _decimal_text(page.yearly_cost_min),
            "yearly_max": _decimal_text(page.yearly_cost_max),
            "staff_days": _decimal_text(page.staff_effort_days),
            "weeks_to_launch": page.weeks_to_launch,
            "volume_driver": page.volume_driver,
            "volume_per_1000_residents": _decimal_text(page.volume_per_1000_residents),
        },
        "outcomes": [
            {
                "metric": outcome.get("metric", ""),
                "value": _decimal_text(Decimal(str(outcome["value"]))),
                "baseline": None
                if outcome.get("baseline") in (None, "")
                else _decimal_text(Decimal(str(outcome["baseline"]))),
                "unit": outcome.get("unit", ""),
                "source": outcome.get("source", ""),
            }
            for outcome in _raw(page.outcomes, "outcome")
        ],
        "variations": [
            {k: variation.get(k, "") for k in ("council_type", "title", "body")}
            for variation in _raw(page.variations, "variation")
        ],
        # Only links to recipes in the same file: the other site may not have the rest.
        "related": [
            link.related.slug for link in page.related_links.all() if link.related.slug in slugs
        ],
        "adoptions": [
            {
                "council": adoption.council.code,
                "status": adoption.status,
                "live_since": adoption.live_since.isoformat() if adoption.live_since else None,
                "notes": adoption.notes,
                "is_sample": adoption.is_sample,
                "outcomes": [
                    {
                        "metric": outcome.metric,
                        "value": _decimal_text(outcome.value),
                        "baseline": _decimal_text(outcome.baseline),
                        "unit": outcome.unit,
                    }
                    for outcome in adoption.outcomes.all()
                ],
            }
            for adoption in adoptions
        ],
    }


# Validation


@dataclass
class Validator:
    """Walks a document and collects every problem with its location."""

    errors: list[str] = field(default_factory=list)

    def error(self, path: str, message: str):
        self.errors.append(f"{path}: {message}")

    def mapping(self, value, path: str) -> bool:
        if not isinstance(value, dict):
            self.error(path, "must be an object")
            return False
        return True

    def items(self, data: dict, key: str, path: str, *, required=False) -> list:
        value = data.get(key)
        if value is None:
            if required:
                self.error(f"{path}{key}", "is required")
            return []
        if not isinstance(value, list):
            self.error(f"{path}{key}", "must be a list")
            return []
        return value

    def text(self, data: dict, key: str, path: str, *, required=True, max_length=None):
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.error(f"{path}.{key}", "is required")
            return ""
        if not isinstance(value, str):
            self.error(f"{path}.{key}", "must be a string")
            return ""
        if max_length and len(value) > max_length:
            self.error(f"{path}.{key}", f"must be {max_length} characters or fewer")
        return value

    def field_text(self, data, key, path, model, name=None, *, required=True):
        max_length = model._meta.get_field(name or key).max_length
        return self.text(data, key, path, required=required, max_length=max_length)

    def slug(self, data: dict, path: str) -> str:
        value = self.text(data, "slug", path, max_length=100)
        if value and not SLUG.match(value):
            self.error(f"{path}.slug", f"{value!r} is not a slug (letters, digits, - and _)")
        return value

    def choice(self, data: dict, key: str, path: str, allowed, *, required=True):
        value = data.get(key)
        if value in (None, "") and not required:
            return value
        if value not in allowed:
            self.error(f"{path}.{key}", f"{value!r} is not one of {', '.join(sorted(allowed))}")
        return value

    def decimal(self, data: dict, key: str, path: str, *, required=True, minimum=None):
        value = data.get(key)
        if value in (None, ""):
            if required:
                self.error(f"{path}.{key}", "is required")
            return None
        if isinstance(value, bool | float) or not isinstance(value, str | int):
            self.error(f"{path}.{key}", 'must be a decimal written as a string, like "12.50"')
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.error(f"{path}.{key}", f"{value!r} is not a number")
            return None
        if not number.is_finite() or abs(number) >= Decimal("1e10"):
            self.error(f"{path}.{key}", f"{value!r} is out of range")
            return None
        if minimum is not None and number < minimum:
            self.error(f"{path}.{key}", f"must be {minimum} or more")
        return number

    def integer(self, data: dict, key: str, path: str, *, required=False):
        value = data.get(key)
        if value is None:
            if required:
                self.error(f"{path}.{key}", "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
            self.error(f"{path}.{key}", "must be a whole number of 0 or more")
        return value

    def date(self, data: dict, key: str, path: str):
        value = data.get(key)
        if value in (None, ""):
            return None
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.error(f"{path}.{key}", f"{value!r} is not a date like 2026-01-31")
            return None

    def known(self, value, path: str, known: set, what: str):
        if value not in known:
            self.error(path, f"unknown {what} {value!r}")


def document_validate(document) -> None:
    """Raise InterchangeError listing every problem, or return for a valid document."""
    check = Validator()
    if not check.mapping(document, "file"):
        raise InterchangeError(check.errors)
    if document.get("format") != FORMAT:
        check.error("format", f"must be {FORMAT!r}")
    if document.get("version") != VERSION:
        check.error("version", f"must be {VERSION}")
    lists = {
        key: check.items(document, key, "", required=key == "recipes")
        for key in ("standards", "components", "suppliers", "offerings", "recipes")
    }

    def slugs_of(key, model):
        in_file = {item.get("slug") for item in lists[key] if isinstance(item, dict)}
        return in_file | set(model.objects.values_list("slug", flat=True))

    standards = slugs_of("standards", Standard)
    components = slugs_of("components", Component)
    suppliers = slugs_of("suppliers", Supplier)

    for i, item in enumerate(lists["standards"]):
        path = f"standards[{i}]"
        if check.mapping(item, path):
            check.slug(item, path)
            check.field_text(item, "name", path, Standard)
            check.field_text(item, "short_name", path, Standard, required=False)
            check.choice(item, "category", path, set(Standard.Category.values))
            check.field_text(item, "summary", path, Standard)
            check.text(item, "url", path, max_length=200)
    for i, item in enumerate(lists["components"]):
        path = f"components[{i}]"
        if check.mapping(item, path):
            check.slug(item, path)
            check.field_text(item, "name", path, Component)
            check.choice(item, "category", path, set(Component.Category.values))
            check.field_text(item, "summary", path, Component)
            for j, slug in enumerate(check.items(item, "standards", f"{path}.")):
                check.known(slug, f"{path}.standards[{j}]", standards, "standard")
    for i, item in enumerate(lists["suppliers"]):
        path = f"suppliers[{i}]"
        if check.mapping(item, path):
            check.slug(item, path)
            check.field_text(item, "name", path, Supplier)
            check.field_text(item, "companies_house_number", path, Supplier, required=False)
            if not isinstance(item.get("is_sample", False), bool):
                check.error(f"{path}.is_sample", "must be true or false")
    for i, item in enumerate(lists["offerings"]):
        offering_validate(check, item, f"offerings[{i}]", suppliers, components, standards)

    file_recipes = {item.get("slug") for item in lists["recipes"] if isinstance(item, dict)}
    known = {
        "recipes": file_recipes | set(RecipePage.objects.values_list("slug", flat=True)),
        "components": components,
        "standards": standards,
        "areas": {str(i) for i in ServiceArea.objects.values_list("identifier", flat=True)},
        "lgsl": {str(i) for i in LocalService.objects.values_list("identifier", flat=True)},
        "council_types": set(CouncilType.objects.values_list("code", flat=True)),
        "councils": set(Council.objects.values_list("code", flat=True)),
    }
    seen = set()
    for i, item in enumerate(lists["recipes"]):
        path = f"recipes[{i}]"
        if check.mapping(item, path):
            slug = check.slug(item, path)
            if slug in seen:
                check.error(f"{path}.slug", f"{slug!r} appears twice in the file")
            seen.add(slug)
            recipe_validate(check, item, path, known)
    if check.errors:
        raise InterchangeError(check.errors)


def offering_validate(check: Validator, item, path, suppliers, components, standards):
    if not check.mapping(item, path):
        return
    check.slug(item, path)
    check.field_text(item, "name", path, Offering)
    check.known(item.get("supplier"), f"{path}.supplier", suppliers, "supplier")
    check.field_text(item, "summary", path, Offering)
    offered = check.items(item, "components", f"{path}.", required=True)
    if not offered and isinstance(item.get("components"), list):
        check.error(f"{path}.components", "needs at least one component")
    for j, slug in enumerate(offered):
        check.known(slug, f"{path}.components[{j}]", components, "component")
    check.choice(item, "pricing_unit", path, set(Offering.PricingUnit.values))
    check.decimal(item, "price", path, minimum=0)
    check.decimal(item, "price_max", path, required=False, minimum=0)
    check.decimal(item, "setup_fee", path, required=False, minimum=0)
    check.field_text(item, "pricing_notes", path, Offering, required=False)
    check.choice(item, "hosting", path, set(Offering.Hosting.values))
    gcloud = check.text(item, "gcloud_service_id", path, required=False)
    if gcloud and not GCLOUD_ID.match(gcloud):
        check.error(f"{path}.gcloud_service_id", "must be 15 digits")
    for j, claim in enumerate(check.items(item, "claims", f"{path}.")):
        claim_path = f"{path}.claims[{j}]"
        if check.mapping(claim, claim_path):
            check.known(claim.get("standard"), f"{claim_path}.standard", standards, "standard")
            check.choice(claim, "status", claim_path, {"verified", "claimed"})


def recipe_validate(check: Validator, item: dict, path: str, known: dict):
    check.field_text(item, "title", path, RecipePage)
    check.field_text(item, "summary", path, RecipePage)
    check.text(item, "problem", path)
    check.text(item, "when_to_use", path)
    check.text(item, "when_not_to_use", path, required=False)
    check.choice(item, "maturity", path, set(Maturity.values))
    check.date(item, "last_reviewed", path)
    check.integer(item, "population_min", path)
    check.integer(item, "population_max", path)
    for j, need in enumerate(check.items(item, "user_needs", f"{path}.")):
        if check.mapping(need, f"{path}.user_needs[{j}]"):
            for key in ("as_a", "i_need", "so_that"):
                check.text(need, key, f"{path}.user_needs[{j}]", max_length=300)
    for key, what in (("service_areas", "areas"), ("lgsl", "lgsl"), ("serves", "council_types")):
        label = {"areas": "service area", "lgsl": "LGSL service", "council_types": "council type"}
        for j, value in enumerate(check.items(item, key, f"{path}.")):
            check.known(str(value), f"{path}.{key}[{j}]", known[what], label[what])
    for j, slug in enumerate(check.items(item, "related", f"{path}.")):
        check.known(slug, f"{path}.related[{j}]", known["recipes"], "recipe")

    ingredients = check.items(item, "ingredients", f"{path}.", required=True)
    if not any(isinstance(i, dict) and i.get("type") == "component" for i in ingredients):
        check.error(f"{path}.ingredients", "needs at least one component")
    for j, ingredient in enumerate(ingredients):
        where = f"{path}.ingredients[{j}]"
        if not check.mapping(ingredient, where):
            continue
        kind = check.choice(ingredient, "type", where, {"component", "standard", "people"})
        if kind in ("component", "standard"):
            check.known(ingredient.get(kind), f"{where}.{kind}", known[f"{kind}s"], kind)
            check.text(ingredient, "why", where)
        elif kind == "people":
            check.text(ingredient, "role", where, max_length=100)
            check.decimal(ingredient, "days", where, minimum=0)
            check.text(ingredient, "notes", where, required=False, max_length=300)

    steps = check.items(item, "method", f"{path}.", required=True)
    if isinstance(item.get("method"), list) and not steps:
        check.error(f"{path}.method", "needs at least one step")
    patterns = set(design_system_items())
    for j, step in enumerate(steps):
        where = f"{path}.method[{j}]"
        if check.mapping(step, where):
            check.text(step, "title", where, max_length=150)
            check.text(step, "body", where)
            check.choice(step, "design_system", where, patterns, required=False)

    costs = item.get("costs")
    if check.mapping(costs, f"{path}.costs"):
        for key in ("setup_min", "setup_max", "yearly_min", "yearly_max", "staff_days"):
            check.decimal(costs, key, f"{path}.costs", minimum=0)
        check.integer(costs, "weeks_to_launch", f"{path}.costs", required=True)
        check.text(costs, "volume_driver", f"{path}.costs", required=False, max_length=100)
        check.decimal(costs, "volume_per_1000_residents", f"{path}.costs", required=False)

    units = {value for value, _ in OUTCOME_UNIT_CHOICES}
    for j, outcome in enumerate(check.items(item, "outcomes", f"{path}.")):
        where = f"{path}.outcomes[{j}]"
        if check.mapping(outcome, where):
            check.text(outcome, "metric", where, max_length=150)
            check.decimal(outcome, "value", where)
            check.decimal(outcome, "baseline", where, required=False)
            check.choice(outcome, "unit", where, units)
            check.text(outcome, "source", where, max_length=300)
    types = {value for value, _ in COUNCIL_TYPE_CHOICES}
    for j, variation in enumerate(check.items(item, "variations", f"{path}.")):
        where = f"{path}.variations[{j}]"
        if check.mapping(variation, where):
            check.choice(variation, "council_type", where, types)
            check.text(variation, "title", where, max_length=150)
            check.text(variation, "body", where)

    councils = set()
    for j, adoption in enumerate(check.items(item, "adoptions", f"{path}.")):
        where = f"{path}.adoptions[{j}]"
        if not check.mapping(adoption, where):
            continue
        code = adoption.get("council")
        check.known(code, f"{where}.council", known["councils"], "council code")
        if code in councils:
            check.error(f"{where}.council", f"{code!r} adopts this recipe twice")
        councils.add(code)
        status = check.choice(adoption, "status", where, set(Adoption.Status.values))
        if check.date(adoption, "live_since", where) and status != Adoption.Status.LIVE:
            check.error(f"{where}.live_since", "only a live adoption has a live-since date")
        for k, outcome in enumerate(check.items(adoption, "outcomes", f"{where}.")):
            owhere = f"{where}.outcomes[{k}]"
            if check.mapping(outcome, owhere):
                check.text(outcome, "metric", owhere, max_length=150)
                check.decimal(outcome, "value", owhere)
                check.decimal(outcome, "baseline", owhere, required=False)
                check.choice(outcome, "unit", owhere, units)


# Import


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: dict, kind: str):
        bucket[kind] = bucket.get(kind, 0) + 1


def _money(value):
    return None if value in (None, "") else Decimal(str(value))


def recipes_import(
    document, *, publish: bool = False, dry_run: bool = False, change_summary: str = ""
) -> ImportReport:
    """Validate, then write the whole document in one transaction (rolled back for a dry
    run). Raises InterchangeError, changing nothing, when the document is invalid."""
    document_validate(document)
    report = ImportReport()
    with transaction.atomic():
        _catalogue_import(document, report, publish=publish)
        _recipes_import(document, report, publish=publish, change_summary=change_summary)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _catalogue_import(document: dict, report: ImportReport, *, publish: bool):
    for item in document.get("standards") or []:
        if Standard.objects.filter(slug=item["slug"]).exists():
            report.count(report.kept, "standards")
            continue
        Standard.objects.create(
            **{
                key: item.get(key) or ""
                for key in ("slug", "name", "short_name", "category", "summary", "description")
            },
            url=item["url"],
            owner=item.get("owner") or "",
            licence=item.get("licence") or "",
        )
        report.count(report.created, "standards")
    standards = {s.slug: s for s in Standard.objects.all()}
    for item in document.get("components") or []:
        if Component.objects.filter(slug=item["slug"]).exists():
            report.count(report.kept, "components")
            continue
        component = Component.objects.create(
            slug=item["slug"],
            name=item["name"],
            category=item["category"],
            summary=item["summary"],
            description=item.get("description") or "",
        )
        component.standards.set([standards[slug] for slug in item.get("standards") or []])
        component.save()
        report.count(report.created, "components")
    components = {c.slug: c for c in Component.objects.all()}
    for item in document.get("suppliers") or []:
        if Supplier.objects.filter(slug=item["slug"]).exists():
            report.count(report.kept, "suppliers")
            continue
        Supplier.objects.create(
            slug=item["slug"],
            name=item["name"],
            website=item.get("website") or "",
            companies_house_number=item.get("companies_house_number") or "",
            is_sme=item.get("is_sme"),
            is_sample=item.get("is_sample", False),
            description=item.get("description") or "",
        )
        report.count(report.created, "suppliers")
    suppliers = {s.slug: s for s in Supplier.objects.all()}
    for item in document.get("offerings") or []:
        if Offering.objects.filter(slug=item["slug"]).exists():
            report.count(report.kept, "offerings")
            continue
        offering = Offering(
            slug=item["slug"],
            supplier=suppliers[item["supplier"]],
            name=item["name"],
            summary=item["summary"],
            description=item.get("description") or "",
            pricing_unit=item["pricing_unit"],
            price=_money(item["price"]),
            price_max=_money(item.get("price_max")),
            setup_fee=_money(item.get("setup_fee")),
            pricing_notes=item.get("pricing_notes") or "",
            hosting=item["hosting"],
            gcloud_service_id=item.get("gcloud_service_id") or "",
            open_source_licence=item.get("open_source_licence") or "",
            repository_url=item.get("repository_url") or "",
            live=False,
        )
        offering.components.set([components[slug] for slug in item["components"]])
        # A claim verified on another site is only a claim here until an editor checks it,
        # unless the import is trusted enough to publish.
        verified_at = timezone.now() if publish else None
        offering.claims.set(
            [
                ConformanceClaim(
                    standard=standards[claim["standard"]],
                    evidence_url=claim.get("evidence_url") or "",
                    statement=claim.get("statement") or "",
                    verified_at=verified_at if claim["status"] == "verified" else None,
                )
                for claim in item.get("claims") or []
            ]
        )
        offering.save()
        revision = offering.save_revision()
        if publish:
            revision.publish()
        report.count(report.created, "offerings")


def _recipes_import(document: dict, report: ImportReport, *, publish: bool, change_summary: str):
    _home, index = page_tree_ensure()
    components = {c.slug: c for c in Component.objects.all()}
    standards = {s.slug: s for s in Standard.objects.all()}
    areas = {str(area.identifier): area for area in ServiceArea.objects.all()}
    services = {str(service.identifier): service for service in LocalService.objects.all()}
    council_types = {council_type.code: council_type for council_type in CouncilType.objects.all()}
    councils = {council.code: council for council in Council.objects.all()}
    pages = {}
    for item in document["recipes"]:
        values = recipe_fields(
            {**item, "user_needs": item.get("user_needs") or []}, components, standards
        )
        page = RecipePage.objects.filter(slug=item["slug"]).first()
        created = page is None
        if created:
            page = RecipePage(slug=item["slug"], live=False, **values)
        else:
            for key, value in values.items():
                setattr(page, key, value)
        page.change_summary = change_summary
        page.service_areas.set([areas[str(i)] for i in item.get("service_areas") or []])
        page.serves.set([council_types[code] for code in item.get("serves") or []])
        page.lgsl_links.set(
            [RecipeLocalService(service=services[str(i)]) for i in item.get("lgsl") or []]
        )
        if created:
            index.add_child(instance=page)
        pages[item["slug"]] = page
        report.count(report.created if created else report.updated, "recipes")
    for item in document["recipes"]:
        page = pages[item["slug"]]
        related = [
            pages[slug] if slug in pages else RecipePage.objects.filter(slug=slug).first()
            for slug in item.get("related") or []
        ]
        page.related_links.set([RecipeRelation(related=other) for other in related])
        revision = page.save_revision()
        if publish:
            revision.publish()
        for adoption_item in item.get("adoptions") or []:
            created = _adoption_import(page, councils[adoption_item["council"]], adoption_item)
            report.count(report.created if created else report.updated, "adoptions")


def _adoption_import(page: RecipePage, council: Council, item: dict) -> bool:
    adoption = Adoption.objects.filter(recipe=page, council=council).first()
    created = adoption is None
    adoption = adoption or Adoption(recipe=page, council=council)
    adoption.status = item["status"]
    adoption.live_since = date.fromisoformat(item["live_since"]) if item.get("live_since") else None
    adoption.notes = item.get("notes") or ""
    adoption.is_sample = bool(item.get("is_sample", False))
    adoption.outcomes.set(
        [
            AdoptionOutcome(
                metric=outcome["metric"],
                value=Decimal(str(outcome["value"])),
                baseline=_money(outcome.get("baseline")),
                unit=outcome["unit"],
            )
            for outcome in item.get("outcomes") or []
        ]
    )
    adoption.save()
    return created


def document_load(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InterchangeError(
            [f"line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})"]
        ) from None
