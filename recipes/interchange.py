"""The one mapping between the recipe file format (recipes.file_format) and the site's
models, in both directions.

content_write() takes validated content and creates or updates catalogue objects,
recipes and adoptions, matched by slug (adoptions by recipe and council), so running it
twice changes nothing the second time. A WritePolicy says what happens to objects the
site already has and whether to publish: the demo loader brings them in line only when
asked (`--refresh`) and always publishes; import_recipes leaves a site's own catalogue
as it is, updates recipes and publishes only when asked. recipes_export() reads live
recipes back into the same models, so an export imports again unchanged.
"""

import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from catalogue.models import (
    Component,
    ConformanceClaim,
    Council,
    CouncilType,
    LocalService,
    Offering,
    OfferingPriceBand,
    ServiceArea,
    Standard,
    Supplier,
)

from .architecture import step_component_ids
from .file_format import (
    FORMAT,
    VERSION,
    ComponentItem,
    InterchangeError,
    OfferingItem,
    RecipeContent,
    RecipeFile,
    RecipeItem,
    StandardItem,
    SupplierItem,
    content_validate,
)
from .models import (
    Adoption,
    AdoptionOutcome,
    RecipeIndexPage,
    RecipeLocalService,
    RecipePage,
    RecipeRelation,
)
from .services import RecipeIndexMissing, recipe_index_ensure

# Fields of a file's items that are relations, not values of the model's own fields.
COMPONENT_RELATIONS = {"slug", "standards"}
OFFERING_RELATIONS = {"slug", "supplier", "components", "claims", "price_bands"}
# StreamField block ids are derived from the recipe, the field and the position, so the
# same content gives the same stream: reloading or reseeding is reproducible.
BLOCK_IDS = uuid.UUID("0b5c1f0e-8d43-4a8e-9a53-5d0c2f3e7a11")


@dataclass(frozen=True)
class WritePolicy:
    """What content_write does with objects the site already has, and with new ones."""

    update_catalogue: bool = False
    update_recipes: bool = True
    # Publish recipes and offerings; also the only way a claim marked verified in a
    # file stays verified, as an editor's check on another site is not one here.
    publish: bool = False
    change_summary: str = ""


@dataclass
class WriteReport:
    """How many objects of each kind were created, updated or kept as the site had them."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, *, created: bool | None):
        bucket = self.kept if created is None else self.created if created else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1


# File to models -------------------------------------------------------------------------


def _existing(model, slug: str, *, update: bool, report: WriteReport, kind: str):
    """The site's object with this slug, or a new one; None when it is kept as it is."""
    instance = model.objects.filter(slug=slug).first()
    if instance is not None and not update:
        report.count(kind, created=None)
        return None
    return instance or model(slug=slug)


def _assign(instance, item, exclude=frozenset({"slug"})):
    """Set a model's own fields from an item's values of the same names."""
    for name, value in item.model_dump(exclude=exclude).items():
        setattr(instance, name, value)


def _entries_write(model, items, kind: str, *, policy, report, exclude=("slug",), relate=None):
    """Standards, components or suppliers, saved through their models; returns the site's
    objects of that kind by slug."""
    for item in items:
        instance = _existing(
            model, item.slug, update=policy.update_catalogue, report=report, kind=kind
        )
        if instance is None:
            continue
        created = instance.pk is None
        _assign(instance, item, frozenset(exclude))
        if relate:
            relate(instance, item)
        instance.save()
        report.count(kind, created=created)
    return {instance.slug: instance for instance in model.objects.all()}


def catalogue_write(content, *, policy: WritePolicy, report: WriteReport) -> None:
    """Standards, components, suppliers and offerings, saved through their models."""
    options = {"policy": policy, "report": report}
    standards = _entries_write(Standard, content.standards, "standards", **options)
    components = _entries_write(
        Component,
        content.components,
        "components",
        exclude=COMPONENT_RELATIONS,
        relate=lambda component, item: component.standards.set(
            [standards[slug] for slug in item.standards]
        ),
        **options,
    )
    suppliers = _entries_write(Supplier, content.suppliers, "suppliers", **options)
    for item in content.offerings:
        offering_write(
            item, suppliers=suppliers, components=components, standards=standards, **options
        )


def offering_write(
    item: OfferingItem, *, suppliers, components, standards, policy, report
) -> Offering | None:
    """An offering with its components and claims, saved as a new revision (published
    when the policy says so; a new one stays a draft otherwise)."""
    offering = _existing(
        Offering, item.slug, update=policy.update_catalogue, report=report, kind="offerings"
    )
    if offering is None:
        return None
    created = offering.pk is None
    if created:
        offering.live = False
    _assign(offering, item, OFFERING_RELATIONS)
    offering.supplier = suppliers[item.supplier]
    offering.components.set([components[slug] for slug in item.components])
    verified_at = timezone.now() if policy.publish else None
    offering.claims.set(
        [
            ConformanceClaim(
                standard=standards[claim.standard],
                evidence_url=claim.evidence_url,
                statement=claim.statement,
                verified_at=verified_at if claim.status == "verified" else None,
            )
            for claim in item.claims
        ]
    )
    offering.price_bands.set(
        [
            OfferingPriceBand(band=band.band, price=band.price, price_max=band.price_max)
            for band in item.price_bands
        ]
    )
    offering.save()
    revision = offering.save_revision()
    if policy.publish:
        revision.publish()
    report.count("offerings", created=created)
    return offering


def _stream(slug: str, name: str, blocks: list[tuple[str, dict]]) -> list[dict]:
    """A StreamField's raw data, as Wagtail stores it (and accepts it assigned)."""
    # One name-based UUID per stream, its lowest bits set to the block's position.
    base = uuid.uuid5(BLOCK_IDS, f"{slug}/{name}").int
    return [
        {"type": kind, "value": value, "id": str(uuid.UUID(int=base ^ n))}
        for n, (kind, value) in enumerate(blocks)
    ]


def _ingredient_block(ingredient, components, standards) -> tuple[str, dict]:
    """A component or standard block holds the snippet's id; a people block its values."""
    kind = ingredient.type
    if kind == "people":
        return kind, ingredient.model_dump(mode="json", exclude={"type"})
    chosen = {"component": components, "standard": standards}[kind][getattr(ingredient, kind)]
    return kind, {kind: chosen.pk, "why": ingredient.why}


def recipe_page_fields(item: RecipeItem, *, components: dict, standards: dict) -> dict:
    """A recipe's values for RecipePage's own fields (not its relations), with the
    catalogue objects its ingredients name, by slug."""
    costs = item.costs

    def stream(name, kind, values):
        return _stream(item.slug, name, [(kind, value.model_dump(mode="json")) for value in values])

    return {
        "title": item.title,
        "summary": item.summary,
        "problem": item.problem,
        "user_needs": stream("user_needs", "user_need", item.user_needs),
        "when_to_use": item.when_to_use,
        "when_not_to_use": item.when_not_to_use,
        "maturity": item.maturity,
        "last_reviewed": item.last_reviewed,
        "serves_population_min": item.population_min,
        "serves_population_max": item.population_max,
        "ingredients": _stream(
            item.slug,
            "ingredients",
            [_ingredient_block(i, components, standards) for i in item.ingredients],
        ),
        "method": _stream(
            item.slug,
            "method",
            [
                (
                    "step",
                    {
                        **step.model_dump(mode="json", exclude={"components"}),
                        "components": [components[slug].pk for slug in step.components],
                    },
                )
                for step in item.method
            ],
        ),
        "setup_cost_min": costs.setup_min,
        "setup_cost_max": costs.setup_max,
        "yearly_cost_min": costs.yearly_min,
        "yearly_cost_max": costs.yearly_max,
        "staff_effort_days": costs.staff_days,
        "weeks_to_launch": costs.weeks_to_launch,
        "volume_driver": costs.volume_driver,
        "volume_per_1000_residents": costs.volume_per_1000_residents,
        "outcomes": stream("outcomes", "outcome", item.outcomes),
        "variations": stream("variations", "variation", item.variations),
    }


def recipes_write(
    items: list[RecipeItem], *, index: RecipeIndexPage, policy: WritePolicy, report: WriteReport
) -> None:
    """Recipe pages under the index, then their related recipes (which all exist by
    then) and a revision each, then their adoptions."""
    components = {component.slug: component for component in Component.objects.all()}
    standards = {standard.slug: standard for standard in Standard.objects.all()}
    areas = {str(area.identifier): area for area in ServiceArea.objects.all()}
    services = {str(service.identifier): service for service in LocalService.objects.all()}
    council_types = {council_type.code: council_type for council_type in CouncilType.objects.all()}

    pages, written = {}, []
    for item in items:
        page = RecipePage.objects.filter(slug=item.slug).first()
        if page is not None and not policy.update_recipes:
            report.count("recipes", created=None)
            pages[item.slug] = page
            continue
        created = page is None
        values = recipe_page_fields(item, components=components, standards=standards)
        if created:
            page = RecipePage(slug=item.slug, live=False, **values)
        else:
            for name, value in values.items():
                setattr(page, name, value)
        page.change_summary = policy.change_summary
        page.service_areas.set([areas[identifier] for identifier in item.service_areas])
        page.serves.set([council_types[code] for code in item.serves])
        page.lgsl_links.set(
            [RecipeLocalService(service=services[identifier]) for identifier in item.lgsl]
        )
        if created:
            index.add_child(instance=page)
        pages[item.slug] = page
        written.append(item)
        report.count("recipes", created=created)

    for item in written:
        page = pages[item.slug]
        page.related_links.set(
            [
                RecipeRelation(related=pages.get(slug) or RecipePage.objects.get(slug=slug))
                for slug in item.related
            ]
        )
        revision = page.save_revision()
        if policy.publish:
            revision.publish()

    codes = {adoption.council for item in items for adoption in item.adoptions}
    councils = Council.objects.in_bulk(codes, field_name="code")
    for item in items:
        adoptions_write(pages[item.slug], item, councils=councils, policy=policy, report=report)


def adoptions_write(page: RecipePage, item: RecipeItem, *, councils, policy, report) -> None:
    """The councils that adopted a recipe, with the outcomes they measured."""
    existing = {adoption.council_id: adoption for adoption in page.adoptions.all()}
    for adoption_item in item.adoptions:
        council = councils[adoption_item.council]
        adoption = existing.get(council.pk)
        if adoption is not None and not policy.update_recipes:
            report.count("adoptions", created=None)
            continue
        created = adoption is None
        adoption = adoption or Adoption(recipe=page, council=council)
        _assign(adoption, adoption_item, frozenset({"council", "outcomes"}))
        adoption.outcomes.set(
            [AdoptionOutcome(**outcome.model_dump()) for outcome in adoption_item.outcomes]
        )
        adoption.save()
        report.count("adoptions", created=created)


def content_write(
    content: RecipeContent, *, index: RecipeIndexPage, policy: WritePolicy
) -> WriteReport:
    """Write validated content (catalogue first, then recipes) in one transaction."""
    report = WriteReport()
    with transaction.atomic():
        catalogue_write(content, policy=policy, report=report)
        recipes_write(content.recipes, index=index, policy=policy, report=report)
    return report


def recipes_import(
    document, *, publish: bool = False, dry_run: bool = False, change_summary: str = ""
) -> WriteReport:
    """Validate a whole parsed file, then write it in one transaction (rolled back for a
    dry run). Raises InterchangeError, changing nothing, when the file is invalid."""
    content = content_validate(document, RecipeFile)
    policy = WritePolicy(
        update_catalogue=False, update_recipes=True, publish=publish, change_summary=change_summary
    )
    with transaction.atomic():
        try:
            index = recipe_index_ensure()
        except RecipeIndexMissing as error:
            raise InterchangeError([str(error)]) from None
        report = content_write(content, index=index, policy=policy)
        if dry_run:
            transaction.set_rollback(True)
    return report


# Models to file -------------------------------------------------------------------------


def _attributes(instance, item_class, exclude=frozenset()) -> dict:
    return {
        name: getattr(instance, name) for name in item_class.model_fields if name not in exclude
    }


def _raw(stream, block_type: str) -> list[dict]:
    return [item["value"] for item in stream.raw_data if item["type"] == block_type]


def recipes_export(slugs: list[str] | None = None) -> dict:
    """Live recipes (all, or those slugs) and the catalogue objects they need, as a
    recipe file (JSON-ready)."""
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
    components = list(
        Component.objects.filter(pk__in=component_ids)
        .prefetch_related("standards")
        .order_by("slug")
    )
    offerings = list(
        Offering.objects.public()
        .filter(components__in=component_ids)
        .distinct()
        .select_related("supplier")
        .prefetch_related("components", "claims__standard", "price_bands")
        .order_by("slug")
    )
    for component in components:
        standard_ids.update(s.pk for s in component.standards.all())
    for offering in offerings:
        standard_ids.update(claim.standard_id for claim in offering.claims.all())
    standards = list(Standard.objects.filter(pk__in=standard_ids).order_by("slug"))
    component_slugs = {c.pk: c.slug for c in components}
    standard_slugs = {s.pk: s.slug for s in standards}
    adoptions = {}
    for adoption in (
        Adoption.objects.public()
        .filter(recipe__in=pages)
        .select_related("council")
        .prefetch_related("outcomes")
        .order_by("council__code")
    ):
        adoptions.setdefault(adoption.recipe_id, []).append(adoption)
    suppliers = sorted(
        {o.supplier.slug: o.supplier for o in offerings}.values(), key=lambda s: s.slug
    )
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().replace(microsecond=0),
        "standards": [_attributes(s, StandardItem) for s in standards],
        "components": [
            {
                **_attributes(c, ComponentItem, COMPONENT_RELATIONS),
                "slug": c.slug,
                "standards": sorted(s.slug for s in c.standards.all()),
            }
            for c in components
        ],
        "suppliers": [_attributes(s, SupplierItem) for s in suppliers],
        "offerings": [offering_item(o) for o in offerings],
        "recipes": [
            recipe_item(page, component_slugs, standard_slugs, adoptions.get(page.pk, []), exported)
            for page in pages
        ],
    }
    # Read back through the format, so a site never writes a file it would refuse.
    return content_validate(document, RecipeFile, references={}).model_dump(mode="json")


def offering_item(offering: Offering) -> dict:
    return {
        **_attributes(offering, OfferingItem, OFFERING_RELATIONS),
        "slug": offering.slug,
        "supplier": offering.supplier.slug,
        "components": sorted(c.slug for c in offering.components.all()),
        "claims": [
            {
                "standard": claim.standard.slug,
                "evidence_url": claim.evidence_url,
                "statement": claim.statement,
                "status": "verified" if claim.is_verified else "claimed",
            }
            for claim in sorted(offering.claims.all(), key=lambda claim: claim.standard.slug)
        ],
        "price_bands": [
            {"band": band.band, "price": band.price, "price_max": band.price_max}
            for band in sorted(offering.price_bands.all(), key=lambda band: band.band)
        ],
    }


def _ingredient_item(item: dict, component_slugs, standard_slugs) -> dict | None:
    value = item["value"]
    if item["type"] == "component" and value.get("component"):
        slug = component_slugs[int(value["component"])]
        return {"type": "component", "component": slug, "why": value.get("why", "")}
    if item["type"] == "standard" and value.get("standard"):
        slug = standard_slugs[int(value["standard"])]
        return {"type": "standard", "standard": slug, "why": value.get("why", "")}
    if item["type"] == "people":
        return {"type": "people", **value}
    return None


def recipe_item(page: RecipePage, component_slugs, standard_slugs, adoptions, slugs) -> dict:
    ingredients = [
        _ingredient_item(item, component_slugs, standard_slugs)
        for item in page.ingredients.raw_data
    ]
    return {
        "slug": page.slug,
        "title": page.title,
        "summary": page.summary,
        "problem": page.problem,
        "user_needs": _raw(page.user_needs, "user_need"),
        "when_to_use": page.when_to_use,
        "when_not_to_use": page.when_not_to_use,
        "service_areas": sorted(str(area.identifier) for area in page.service_areas.all()),
        "lgsl": [str(link.service.identifier) for link in page.lgsl_links.all()],
        "serves": sorted(council_type.code for council_type in page.serves.all()),
        "population_min": page.serves_population_min,
        "population_max": page.serves_population_max,
        "maturity": page.maturity,
        "last_reviewed": page.last_reviewed,
        "ingredients": [ingredient for ingredient in ingredients if ingredient],
        "method": [
            {
                **{key: value for key, value in step.items() if key != "components"},
                "components": [
                    component_slugs[pk] for pk in step_component_ids(step) if pk in component_slugs
                ],
            }
            for step in _raw(page.method, "step")
        ],
        "costs": {
            "setup_min": page.setup_cost_min,
            "setup_max": page.setup_cost_max,
            "yearly_min": page.yearly_cost_min,
            "yearly_max": page.yearly_cost_max,
            "staff_days": page.staff_effort_days,
            "weeks_to_launch": page.weeks_to_launch,
            "volume_driver": page.volume_driver,
            "volume_per_1000_residents": page.volume_per_1000_residents,
        },
        "outcomes": _raw(page.outcomes, "outcome"),
        "variations": _raw(page.variations, "variation"),
        # Only links to recipes in the same file: the other site may not have the rest.
        "related": [
            link.related.slug for link in page.related_links.all() if link.related.slug in slugs
        ],
        "adoptions": [
            {
                "council": adoption.council.code,
                "status": adoption.status,
                "live_since": adoption.live_since,
                "notes": adoption.notes,
                "is_sample": adoption.is_sample,
                "outcomes": [
                    {
                        "metric": outcome.metric,
                        "value": outcome.value,
                        "baseline": outcome.baseline,
                        "unit": outcome.unit,
                    }
                    for outcome in adoption.outcomes.all()
                ],
            }
            for adoption in adoptions
        ],
    }
