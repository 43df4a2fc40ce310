"""Synthetic data at scale, for load tests and query-count checks: thousands of suppliers,
offerings and recipes written with bulk inserts, each visibly marked as synthetic.

Everything made here has a slug starting "synthetic-" and a name or title starting
"[Synthetic] "; suppliers and adoptions are also flagged is_sample, so the site labels
them sample data. scale_clear() removes exactly those objects and nothing else.

Recipes are described in the recipe file format (recipes.file_format) and turned into
page fields by the same mapping the demo loader and import_recipes use, so synthetic
pages are shaped like real ones. They are then inserted in bulk rather than one
add_child at a time (dozens of queries and a search-index write per page): the Page rows
with materialised paths numbered the way treebeard numbers them (the parent's path plus
a fixed-width step in its alphabet), the RecipePage rows with one multi-row INSERT per
batch, and the parent's numchild updated once. The search index is filled with the
search backend's add_bulk, a batch at a time, with its SQL built once per shape of
document rather than once per object (see vectors_compiled_once).
"""

import random
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.signals import post_delete
from django.utils import timezone
from django.utils.text import slugify
from modelsearch.backends.database.postgres.postgres import ObjectIndexer
from modelsearch.signal_handlers import (
    post_delete_signal_handler as search_post_delete_signal_handler,
)
from wagtail.models import Page, ReferenceIndex
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry
from wagtail.signal_handlers import disable_reference_index_auto_update

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
from patterns_site.services import page_tree_ensure
from recipes.design_system import design_system_items
from recipes.file_format import RecipeItem
from recipes.interchange import recipe_page_fields
from recipes.models import (
    Adoption,
    AdoptionOutcome,
    Maturity,
    RecipeLocalService,
    RecipePage,
    RecipeRelation,
)
from recipes.services import adoption_counts_rebuild

PREFIX = "[Synthetic] "
SLUG_PREFIX = "synthetic-"
SAMPLE_NOTE = "Synthetic data generated for load testing; not a real council's figures."

SUPPLIER_FIRST = [
    "Northgate", "Harbour", "Civic", "Meridian", "Kestrel", "Oakfield", "Brightwater",
    "Pennine", "Lantern", "Fenland", "Granite", "Heron", "Juniper", "Marlow", "Quayside",
    "Riverside", "Saltmarsh", "Thistle", "Wessex", "Yarrow",
]  # fmt: skip
SUPPLIER_SECOND = [
    "Digital", "Systems", "Software", "Technology", "Data", "Cloud", "Labs", "Services",
]  # fmt: skip
SUPPLIER_SUFFIX = ["Ltd", "Limited", "LLP", "Co-operative", "CIC", "plc"]

COMPONENT_KINDS = {
    "notifications": ["Notify gateway", "SMS and email relay", "Letter printing service"],
    "payments": ["Card payments", "Direct Debit collection", "Payment reconciliation"],
    "identity": ["Resident sign-in", "Staff single sign-on", "Identity verification"],
    "location": ["Address lookup", "Street gazetteer", "Map layers"],
    "forms": ["Online form builder", "Eligibility checker", "Document upload"],
    "case_management": ["Case management", "Workflow engine", "Field worker app"],
    "booking": ["Appointment booking", "Room and asset booking", "Bulky waste booking"],
    "content": ["Content management", "Service directory", "Open Referral directory"],
    "integration": ["Integration hub", "Event bus", "Open data API"],
    "documents": ["Records management", "Document generation", "E-signature"],
    "reporting": ["Performance dashboards", "Data warehouse", "Survey and feedback"],
}
PRODUCT_WORDS = ["One", "Flow", "Hub", "Plus", "Connect", "Cloud", "Pro", "Go", "Base"]

RECIPE_TOPICS = [
    ("Report a missed bin collection", "missed bin reports"),
    ("Order a replacement bin", "bin orders"),
    ("Book a bulky waste collection", "bulky waste bookings"),
    ("Apply for a resident parking permit", "parking permit applications"),
    ("Pay a parking fine", "parking fine payments"),
    ("Apply for a visitor parking permit", "visitor permits"),
    ("Find local support services (Open Referral directory)", "directory searches"),
    ("Report a pothole", "pothole reports"),
    ("Report fly-tipping", "fly-tipping reports"),
    ("Request a housing repair", "repair requests"),
    ("Apply for a blue badge", "blue badge applications"),
    ("Check your council tax band and pay", "council tax payments"),
    ("Register a birth or death appointment", "register office bookings"),
    ("Apply for a school place", "school applications"),
    ("Report a noise nuisance", "noise reports"),
    ("Look up an address and your bin days", "address lookups"),
    ("Get notified about planning applications near you", "planning alerts"),
    ("Subscribe to garden waste collections", "garden waste subscriptions"),
]
PEOPLE_ROLES = [
    "Product manager", "Service designer", "User researcher", "Developer",
    "Content designer", "Delivery manager", "Technical architect", "Data analyst",
]  # fmt: skip
OUTCOME_METRICS = [
    ("Share of reports made online", "percent"),
    ("Cost per transaction", "pounds"),
    ("Average time to resolve", "days"),
    ("Calls to the contact centre", "count"),
    ("Staff time saved per week", "hours"),
]
FEATURES = [
    "Sends messages through GOV.UK Notify",
    "Takes payments through GOV.UK Pay",
    "Open API with OpenAPI 3 documentation",
    "Looks up addresses by UPRN",
    "Exports data as CSV and JSON",
    "WCAG 2.2 AA accessibility statement",
    "Single sign-on with Microsoft Entra ID",
    "Publishes services in the Open Referral UK format",
]
STEP_NAMES = ["Discover", "Build", "Test", "Launch", "Run"]
LICENCES = ["MIT", "AGPL-3.0-only", "GPL-3.0-or-later", "Apache-2.0", "MPL-2.0"]
HOSTING_WEIGHTS = [
    (Offering.Hosting.CLOUD_UK, 50),
    (Offering.Hosting.SELF_HOSTED, 25),
    (Offering.Hosting.GOV_PLATFORM, 15),
    (Offering.Hosting.CLOUD_NON_UK, 10),
]
# Price bands per pricing unit, in pence, so every price is an exact Decimal.
PRICE_BANDS = {
    Offering.PricingUnit.PER_YEAR: (100_000, 15_000_000, 5_000),
    Offering.PricingUnit.PER_MONTH: (5_000, 800_000, 500),
    Offering.PricingUnit.PER_TRANSACTION: (2, 250, 1),
    Offering.PricingUnit.PER_USER: (500, 40_000, 100),
}


@dataclass
class ScaleReport:
    """Counts of what was created or deleted, and how long each step took."""

    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def add(self, kind: str, count: int):
        self.counts[kind] = self.counts.get(kind, 0) + count


class Progress:
    """Prints one line per batch: the step, how many done out of how many, and the rate."""

    def __init__(self, write: Callable[[str], None], report: ScaleReport):
        self.write = write
        self.report = report

    def step(self, name: str, total: int):
        return _Step(self, name, total)


class _Step:
    def __init__(self, progress: Progress, name: str, total: int):
        self.progress, self.name, self.total = progress, name, total
        self.done = 0
        self.started = time.monotonic()

    def __enter__(self):
        return self

    def advance(self, count: int):
        self.done += count
        elapsed = max(time.monotonic() - self.started, 1e-6)
        self.progress.write(
            f"  {self.name}: {self.done:,}/{self.total:,} ({self.done / elapsed:,.0f}/s)"
        )

    def __exit__(self, *exc):
        self.progress.report.timings[self.name] = time.monotonic() - self.started
        return False


def _batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _next_number(model, field_name: str = "slug") -> int:
    """Numbering continues after existing synthetic objects, so a second run adds more
    objects rather than failing on a duplicate slug."""
    return model._default_manager.filter(**{f"{field_name}__startswith": SLUG_PREFIX}).count() + 1


def _pence(rng: random.Random, low: int, high: int, step: int) -> Decimal:
    return Decimal(rng.randrange(low, high, step)) / 100


def _tree_path(parent_path: str, position: int) -> str:
    """The materialised path of a parent's child at a position (1 first), as treebeard
    writes it: a step of Page.steplen characters of Page.alphabet."""
    step = Page.numconv_obj().int2str(position)
    return f"{parent_path}{step.rjust(Page.steplen, Page.alphabet[0])}"


class _CompiledVector:
    """A search vector whose SQL was compiled for an earlier object of the same shape
    (the same weights, in the same order, under the same text search configuration):
    only the texts differ, so they are put in place of the placeholders' parameters."""

    contains_column_references = False
    contains_aggregate = False
    contains_over_clause = False

    def __init__(self, shape: dict, texts: list[str]):
        self.shape = shape
        self.texts = texts

    def resolve_expression(self, *args, **kwargs):
        return self

    def as_sql(self, compiler, connection):
        if "sql" not in self.shape:
            expression = self.shape["expression"].resolve_expression(
                compiler.query, allow_joins=False, for_save=True
            )
            sql, params = expression.as_sql(compiler, connection)
            placeholders = self.shape["placeholders"]
            self.shape["sql"] = sql
            self.shape["params"] = [placeholders.get(param, param) for param in params]
        params = [
            self.texts[param.index] if isinstance(param, _TextSlot) else param
            for param in self.shape["params"]
        ]
        return self.shape["sql"], params


@dataclass(frozen=True)
class _TextSlot:
    index: int


@contextmanager
def vectors_compiled_once():
    """The PostgreSQL search backend builds and compiles a tree of Django expressions for
    every object it indexes (about 20 ms of Python each: 50,000 offerings took over half
    an hour). Every object of a model has the same fields, so the compiled SQL is reused
    and only the texts change, and each object's fields are read once, not five times.
    The rows written are the same (tests/bench/test_seed_scale.py checks)."""
    original = ObjectIndexer.as_vector
    original_prepare_field = ObjectIndexer.prepare_field
    shapes: dict = {}

    def prepare_field(self, obj, field):
        # Title, body, autocomplete and both plain texts each walk every field again.
        prepared = self.__dict__.setdefault("_prepared_fields", {})
        key = (id(obj), id(field))
        if key not in prepared:
            prepared[key] = list(original_prepare_field(self, obj, field))
        return prepared[key]

    def as_vector(self, texts, for_autocomplete=False):
        texts = [(text.strip(), weight) for text, weight in texts]
        texts = [(text, weight) for text, weight in texts if text]
        config = self.autocomplete_config if for_autocomplete else self.config
        key = (tuple(weight for _text, weight in texts), config, for_autocomplete)
        shape = shapes.get(key)
        if shape is None:
            marks = [f"\x00slot{i}\x00" for i in range(len(texts))]
            shape = shapes[key] = {
                "expression": original(
                    self,
                    [(mark, weight) for mark, (_t, weight) in zip(marks, texts, strict=True)],
                    for_autocomplete,
                ),
                "placeholders": {mark: _TextSlot(i) for i, mark in enumerate(marks)},
            }
        return _CompiledVector(shape, [text for text, _weight in texts])

    ObjectIndexer.as_vector = as_vector
    ObjectIndexer.prepare_field = prepare_field
    try:
        yield
    finally:
        ObjectIndexer.as_vector = original
        ObjectIndexer.prepare_field = original_prepare_field


class ScaleBuilder:
    """Builds the synthetic data set; one instance per run."""

    def __init__(self, *, seed: int, batch_size: int, write: Callable[[str], None]):
        self.rng = random.Random(seed)
        self.batch_size = batch_size
        self.report = ScaleReport()
        self.progress = Progress(write, self.report)
        self.now = timezone.now()
        self.backend = get_search_backend()

    # Search index -----------------------------------------------------------------

    def index(self, model, objects: list, name: str):
        """Add objects to the search index a batch at a time, from the objects in memory:
        their related objects are already attached, so indexing makes no query per object
        (see offerings() for the components)."""
        with (
            self.progress.step(f"search index: {name}", len(objects)) as step,
            vectors_compiled_once(),
        ):
            for batch in _batches(objects, self.batch_size):
                self.backend.add_bulk(model, batch)
                step.advance(len(batch))

    # Catalogue ----------------------------------------------------------------------

    def standards(self) -> list[Standard]:
        """Existing standards, or ten synthetic ones on an empty catalogue."""
        existing = list(Standard.objects.all())
        if existing:
            return existing
        start = _next_number(Standard)
        created = Standard.objects.bulk_create(
            [
                Standard(
                    name=f"{PREFIX}Data standard {start + i}",
                    slug=f"{SLUG_PREFIX}standard-{start + i}",
                    category=self.rng.choice(Standard.Category.values),
                    summary="A fictional standard generated for load testing.",
                    url="https://example.org/synthetic-standard",
                )
                for i in range(10)
            ]
        )
        self.report.add("standards", len(created))
        self.index(Standard, created, "standards")
        return created

    def components(self, count: int, standards: list[Standard]) -> list[Component]:
        start = _next_number(Component)
        objects = []
        categories = list(COMPONENT_KINDS)
        for i in range(count):
            category = categories[i % len(categories)]
            kind = self.rng.choice(COMPONENT_KINDS[category])
            number = start + i
            objects.append(
                Component(
                    name=f"{PREFIX}{kind} {number}",
                    slug=f"{SLUG_PREFIX}{slugify(kind)}-{number}",
                    category=category,
                    summary=f"A fictional {kind.lower()} capability, generated for load tests.",
                    description=f"{kind} for council services. Synthetic sample data.",
                )
            )
        with self.progress.step("components", count) as step:
            created = Component.objects.bulk_create(objects, batch_size=self.batch_size)
            step.advance(len(created))
        through = Component.standards.through
        Component.standards.through.objects.bulk_create(
            [
                through(component_id=component.pk, standard_id=standard.pk)
                for component in created
                for standard in self.rng.sample(standards, min(len(standards), 3))
            ],
            batch_size=self.batch_size,
        )
        self.report.add("components", len(created))
        self.index(Component, created, "components")
        return created

    def suppliers(self, count: int) -> list[Supplier]:
        start = _next_number(Supplier)
        objects = []
        for i in range(count):
            number = start + i
            name = (
                f"{self.rng.choice(SUPPLIER_FIRST)} {self.rng.choice(SUPPLIER_SECOND)} "
                f"{number} {self.rng.choice(SUPPLIER_SUFFIX)}"
            )
            objects.append(
                Supplier(
                    name=f"{PREFIX}{name}",
                    slug=f"{SLUG_PREFIX}{slugify(name)}",
                    website="https://example.org/",
                    is_sme=self.rng.random() < 0.7,
                    description="A fictional supplier generated for load testing.",
                    is_sample=True,
                )
            )
        created = []
        with self.progress.step("suppliers", count) as step:
            for batch in _batches(objects, self.batch_size):
                created += Supplier.objects.bulk_create(batch)
                step.advance(len(batch))
        self.report.add("suppliers", len(created))
        self.index(Supplier, created, "suppliers")
        return created

    def _offering(self, number, supplier, components, standards):
        rng = self.rng
        component = components[0]
        brand = supplier.name.removeprefix(PREFIX).split()[0]
        product = f"{brand} {rng.choice(PRODUCT_WORDS)} {number}"
        unit = rng.choice(Offering.PricingUnit.values)
        low, high, step = PRICE_BANDS[unit]
        price = _pence(rng, low, high, step)
        roll = rng.random()
        live = roll >= 0.08
        published = self.now - timedelta(days=rng.randrange(1, 900))
        hosting = rng.choices(
            [h for h, _ in HOSTING_WEIGHTS], weights=[w for _, w in HOSTING_WEIGHTS]
        )[0]
        licence = rng.choice(LICENCES) if rng.random() < 0.25 else ""
        offering = Offering(
            supplier=supplier,
            name=f"{PREFIX}{product}",
            slug=f"{SLUG_PREFIX}{slugify(product)}",
            summary=f"{component.name.removeprefix(PREFIX)} from {brand}, "
            f"{Offering.Hosting(hosting).label.lower()}. Fictional sample offering.",
            description=(
                f"**{product}** provides "
                f"{', '.join(c.name.removeprefix(PREFIX) for c in components)}."
                f"\n\n- {rng.choice(FEATURES)}\n- {rng.choice(FEATURES)}\n\n"
                "This is synthetic sample data generated for load testing."
            ),
            pricing_unit=unit,
            price=price,
            price_max=(price * rng.choice([2, 3, 5])) if rng.random() < 0.3 else None,
            setup_fee=_pence(rng, 50_000, 2_500_000, 5_000) if rng.random() < 0.4 else None,
            pricing_notes="Sample price, not a real quote." if rng.random() < 0.5 else "",
            hosting=hosting,
            gcloud_service_id=str(rng.randrange(10**14, 10**15)) if rng.random() < 0.6 else "",
            open_source_licence=licence,
            repository_url=f"https://example.org/synthetic/{slugify(product)}" if licence else "",
            live=live,
            has_unpublished_changes=not live,
            first_published_at=published if live else None,
            last_published_at=published if live else None,
            withdrawn_at=self.now - timedelta(days=rng.randrange(1, 60)) if roll >= 0.93 else None,
        )
        claims = [
            ConformanceClaim(
                standard=standard,
                evidence_url="https://example.org/synthetic-evidence",
                statement="Fictional claim generated for load testing.",
                verified_at=published if rng.random() < 0.4 else None,
            )
            for standard in rng.sample(standards, rng.randint(0, min(4, len(standards))))
        ]
        return offering, claims

    def offerings(self, count, suppliers, components, standards) -> list[Offering]:
        """Offerings spread over every component, demo and synthetic alike."""
        start = _next_number(Offering)
        through = Offering.components.through
        created_all = []
        with self.progress.step("offerings", count) as step:
            for batch_start in range(0, count, self.batch_size):
                size = min(self.batch_size, count - batch_start)
                rows = []
                for i in range(size):
                    chosen = self.rng.sample(components, self.rng.choice([1, 1, 1, 2, 3]))
                    supplier = self.rng.choice(suppliers)
                    rows.append(
                        (
                            *self._offering(start + batch_start + i, supplier, chosen, standards),
                            chosen,
                        )
                    )
                created = Offering.objects.bulk_create([row[0] for row in rows])
                through.objects.bulk_create(
                    [
                        through(offering_id=offering.pk, component_id=component.pk)
                        for offering, (_o, _c, chosen) in zip(created, rows, strict=True)
                        for component in chosen
                    ]
                )
                for offering, (_o, _claims, chosen) in zip(created, rows, strict=True):
                    # modelcluster keeps this in memory until a save (which bulk inserts
                    # skip), and the search index reads it: no query per offering.
                    offering.components.set(chosen)
                claims = []
                for offering, (_o, offering_claims, _c) in zip(created, rows, strict=True):
                    for claim in offering_claims:
                        claim.offering = offering
                        claims.append(claim)
                ConformanceClaim.objects.bulk_create(claims)
                self.report.add("conformance claims", len(claims))
                created_all += created
                step.advance(size)
        self.report.add("offerings", len(created_all))
        self.index(Offering, created_all, "offerings")
        return created_all

    # Recipes -------------------------------------------------------------------------

    def _recipe(self, number, topic, volume_driver, components, standards, design_slugs):
        """A synthetic recipe in the file format, and the components and standards its
        ingredients use."""
        rng = self.rng
        chosen_components = rng.sample(components, rng.randint(2, min(6, len(components))))
        chosen_standards = rng.sample(standards, rng.randint(1, min(3, len(standards))))
        setup_min = Decimal(rng.randrange(5, 200) * 1000)
        yearly_min = Decimal(rng.randrange(1, 80) * 1000)
        item = RecipeItem.model_validate(
            {
                "slug": f"{SLUG_PREFIX}{slugify(topic)}-{number}",
                "title": f"{PREFIX}{topic} ({number})",
                "summary": f"A synthetic variant of '{topic}', generated for load testing.",
                "problem": f"<p>Residents contact the council about {volume_driver} by phone "
                "and email, and staff rekey every request. This is synthetic sample data.</p>",
                "user_needs": [
                    {
                        "as_a": "resident",
                        "i_need": f"to do this online: {topic.lower()}",
                        "so_that": "I do not have to phone the council",
                    }
                ],
                "when_to_use": "<p>Use it when your council runs this service in house.</p>",
                "maturity": rng.choice(Maturity.values[:3]),
                "last_reviewed": (self.now - timedelta(days=rng.randrange(1, 700))).date(),
                "ingredients": [
                    {
                        "type": "component",
                        "component": c.slug,
                        "why": f"The service needs {c.name.removeprefix(PREFIX).lower()}.",
                    }
                    for c in chosen_components
                ]
                + [
                    {
                        "type": "standard",
                        "standard": s.slug,
                        "why": "So data can move between councils.",
                    }
                    for s in chosen_standards
                ]
                + [
                    {"type": "people", "role": role, "days": rng.randint(2, 60)}
                    for role in rng.sample(PEOPLE_ROLES, rng.randint(1, 3))
                ],
                "method": [
                    {
                        "title": f"Step {step}: {rng.choice(STEP_NAMES)}",
                        "body": "<p>Work with residents and staff to shape this step.</p>",
                        "design_system": rng.choice(design_slugs)
                        if design_slugs and rng.random() < 0.4
                        else "",
                    }
                    for step in range(1, rng.randint(3, 7))
                ],
                "costs": {
                    "setup_min": setup_min,
                    "setup_max": setup_min * 2,
                    "yearly_min": yearly_min,
                    "yearly_max": yearly_min * 3,
                    "staff_days": rng.randint(10, 200),
                    "weeks_to_launch": rng.randint(4, 52),
                    "volume_driver": volume_driver,
                    "volume_per_1000_residents": rng.randint(5, 400),
                },
                "outcomes": [
                    {
                        "metric": metric,
                        "value": rng.randint(5, 90),
                        "baseline": rng.randint(1, 50),
                        "unit": unit,
                        "source": "Synthetic figure for load testing.",
                    }
                    for metric, unit in rng.sample(OUTCOME_METRICS, rng.randint(1, 3))
                ],
            }
        )
        fields = recipe_page_fields(
            item,
            components={c.slug: c for c in chosen_components},
            standards={s.slug: s for s in chosen_standards},
        )
        page = RecipePage(slug=item.slug, draft_title=item.title, **fields)
        return page, chosen_components, chosen_standards

    def recipes(self, count, components, standards, adoptions_per_recipe) -> list[RecipePage]:
        """Recipe pages under the recipe index, bulk-inserted with treebeard paths."""
        _home, index = page_tree_ensure()
        index.refresh_from_db()
        content_type = ContentType.objects.get_for_model(RecipePage)
        last_child = index.get_last_child()
        numbering = Page.numconv_obj()
        next_step = numbering.str2int(last_child.path[-Page.steplen :]) + 1 if last_child else 1
        depth = index.depth + 1
        start = _next_number(RecipePage)
        design_slugs = sorted(design_system_items())
        areas = list(ServiceArea.objects.all())
        council_types = list(CouncilType.objects.all())
        services = list(LocalService.objects.all())

        pages, used = [], []
        for i in range(count):
            topic, driver = RECIPE_TOPICS[i % len(RECIPE_TOPICS)]
            page, used_components, used_standards = self._recipe(
                start + i, topic, driver, components, standards, design_slugs
            )
            live = self.rng.random() >= 0.05
            published = self.now - timedelta(days=self.rng.randrange(1, 900))
            page.path = _tree_path(index.path, next_step + i)
            page.depth = depth
            page.numchild = 0
            page.url_path = f"{index.url_path}{page.slug}/"
            page.content_type = content_type
            page.locale_id = index.locale_id
            page.live = live
            page.has_unpublished_changes = not live
            page.first_published_at = published if live else None
            page.last_published_at = published if live else None
            page.latest_revision_created_at = published
            pages.append(page)
            used.append((used_components, used_standards))

        page_fields = [f for f in RecipePage._meta.local_concrete_fields if not f.primary_key]
        components_through = RecipePage.components_used.through
        standards_through = RecipePage.standards_used.through
        areas_through = RecipePage.service_areas.through
        serves_through = RecipePage.serves.through
        with self.progress.step("recipes", count) as step:
            for batch_pages, batch_used in zip(
                _batches(pages, self.batch_size), _batches(used, self.batch_size), strict=True
            ):
                # Page rows first (bulk_create returns their ids on PostgreSQL and SQLite),
                # then the RecipePage rows that point at them, in one INSERT.
                base_rows = Page.objects.bulk_create(
                    [
                        Page(
                            **{
                                f.attname: getattr(p, f.attname)
                                for f in Page._meta.concrete_fields
                                if not f.primary_key
                            }
                        )
                        for p in batch_pages
                    ]
                )
                for page, base in zip(batch_pages, base_rows, strict=True):
                    page.pk = page.id = page.page_ptr_id = base.pk
                    page.translation_key = base.translation_key
                    page._state.adding = False
                # Django cannot bulk-create a child of a multi-table model; this is the
                # insert its bulk_create makes for a plain one.
                RecipePage._base_manager._insert(
                    batch_pages,
                    fields=[RecipePage._meta.pk, *page_fields],
                    raw=True,
                )
                components_through.objects.bulk_create(
                    [
                        components_through(recipepage_id=p.pk, component_id=c.pk)
                        for p, (cs, _s) in zip(batch_pages, batch_used, strict=True)
                        for c in cs
                    ]
                )
                standards_through.objects.bulk_create(
                    [
                        standards_through(recipepage_id=p.pk, standard_id=s.pk)
                        for p, (_c, ss) in zip(batch_pages, batch_used, strict=True)
                        for s in ss
                    ]
                )
                if areas:
                    areas_through.objects.bulk_create(
                        [
                            areas_through(recipepage_id=p.pk, servicearea_id=a.pk)
                            for p in batch_pages
                            for a in self.rng.sample(areas, min(2, len(areas)))
                        ]
                    )
                if council_types:
                    serves_through.objects.bulk_create(
                        [
                            serves_through(recipepage_id=p.pk, counciltype_id=t.pk)
                            for p in batch_pages
                            for t in self.rng.sample(
                                council_types, self.rng.randint(1, len(council_types))
                            )
                        ]
                    )
                if services:
                    RecipeLocalService.objects.bulk_create(
                        [
                            RecipeLocalService(page_id=p.pk, service=s, sort_order=n)
                            for p in batch_pages
                            for n, s in enumerate(self.rng.sample(services, 2))
                        ]
                    )
                step.advance(len(batch_pages))
        Page.objects.filter(pk=index.pk).update(numchild=F("numchild") + count)

        live_pages = [p for p in pages if p.live]
        RecipeRelation.objects.bulk_create(
            [
                RecipeRelation(page_id=p.pk, related_id=r.pk, sort_order=n)
                for p in pages
                for n, r in enumerate(self.rng.sample(live_pages, min(2, len(live_pages))))
                if r.pk != p.pk
            ],
            batch_size=self.batch_size,
        )
        self.report.add("recipes", len(pages))
        self.adoptions(pages, adoptions_per_recipe)
        self.index(RecipePage, pages, "recipes")
        return pages

    def adoptions(self, pages: list[RecipePage], per_recipe: int):
        """Adoptions by real councils: on average per_recipe a recipe, each flagged as
        sample data, with measured outcomes on the live ones."""
        councils = list(Council.objects.all())
        if not councils or per_recipe <= 0:
            return
        rows = []
        for page in pages:
            count = min(self.rng.randint(0, 2 * per_recipe), len(councils))
            for council in self.rng.sample(councils, count):
                status = self.rng.choice(Adoption.Status.values)
                rows.append(
                    Adoption(
                        recipe_id=page.pk,
                        council=council,
                        status=status,
                        live_since=(self.now - timedelta(days=self.rng.randrange(30, 1500))).date()
                        if status == Adoption.Status.LIVE
                        else None,
                        notes=f"{PREFIX}{SAMPLE_NOTE}",
                        is_sample=True,
                    )
                )
        with self.progress.step("adoptions", len(rows)) as step:
            for batch in _batches(rows, self.batch_size):
                created = Adoption.objects.bulk_create(batch)
                outcomes = [
                    AdoptionOutcome(
                        adoption=adoption,
                        metric=metric,
                        value=Decimal(self.rng.randint(5, 95)),
                        baseline=Decimal(self.rng.randint(1, 60)),
                        unit=unit,
                        sort_order=n,
                    )
                    for adoption in created
                    if adoption.status == Adoption.Status.LIVE
                    for n, (metric, unit) in enumerate(self.rng.sample(OUTCOME_METRICS, 2))
                ]
                AdoptionOutcome.objects.bulk_create(outcomes)
                self.report.add("adoption outcomes", len(outcomes))
                step.advance(len(batch))
        # Bulk inserts send no signal: count them as an adoption's save would.
        adoption_counts_rebuild(recipe_ids=[page.pk for page in pages])
        self.report.add("adoptions", len(rows))


def scale_seed(
    *,
    recipes: int,
    offerings: int,
    suppliers: int,
    components: int,
    adoptions: int,
    seed: int = 1,
    batch_size: int = 1000,
    write: Callable[[str], None] = print,
) -> ScaleReport:
    """Create synthetic suppliers, components, offerings (with claims) and recipes (with
    adoptions by real councils), and add them all to the search index."""
    started = time.monotonic()
    if not Council.objects.exists():
        write("No councils yet: loading reference data first.")
        reference_data_load()
    builder = ScaleBuilder(seed=seed, batch_size=batch_size, write=write)
    with transaction.atomic():
        standards = builder.standards()
        demo_components = list(Component.objects.exclude(slug__startswith=SLUG_PREFIX))
        all_components = demo_components + builder.components(components, standards)
        if not all_components:
            raise ValueError("No components to build offerings from: pass --components 1 or more.")
        made_suppliers = builder.suppliers(suppliers) if offerings else []
        if offerings and not made_suppliers:
            raise ValueError("Offerings need suppliers: pass --suppliers 1 or more.")
        if offerings:
            builder.offerings(offerings, made_suppliers, all_components, standards)
        if recipes:
            builder.recipes(recipes, all_components, standards, adoptions)
    # Bulk inserts send no signals: summarise prices for the recipe pages and the basket.
    with builder.progress.step("price summary", 1) as step:
        from catalogue.services import component_price_summary_rebuild

        builder.report.add("price summary rows", component_price_summary_rebuild())
        step.advance(1)
    # Planner statistics are stale after bulk inserts until autovacuum gets to them; until
    # then PostgreSQL picks plans for tables a hundred times smaller. VACUUM also marks
    # the new pages all-visible, so index-only scans (counts, the public-offerings index)
    # need not visit the table, as on a site autovacuum has caught up with. It cannot run
    # inside a transaction, as in tests.
    with builder.progress.step("analyze", 1) as step:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
        elif connection.vendor in ("postgresql", "sqlite"):
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        step.advance(1)
    builder.report.timings["total"] = time.monotonic() - started
    return builder.report


def scale_clear(*, write: Callable[[str], None] = print) -> ScaleReport:
    """Delete every synthetic object (and its search-index entries), nothing else."""
    started = time.monotonic()
    report = ScaleReport()
    synthetic = {"slug__startswith": SLUG_PREFIX}
    with transaction.atomic():
        pages = RecipePage.objects.filter(**synthetic)
        page_ids = list(pages.values_list("pk", flat=True))
        # Links from demo recipes to synthetic ones would block nothing (CASCADE) but
        # are removed with the pages; adoptions and outcomes cascade too.
        report.add("adoptions", Adoption.objects.filter(recipe_id__in=page_ids).count())
        for model, queryset in [
            (RecipePage, pages),
            (Offering, Offering.objects.filter(**synthetic)),
            (Supplier, Supplier.objects.filter(**synthetic)),
            (Component, Component.objects.filter(**synthetic)),
            (Standard, Standard.objects.filter(**synthetic)),
        ]:
            ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
            _index_entries_delete(model, ids)
            with _per_object_delete_signals_disabled(model):
                if model is RecipePage:
                    # treebeard's queryset delete also fixes the parent's numchild.
                    Page.objects.filter(pk__in=page_ids).delete()
                else:
                    queryset.delete()
            report.add(str(model._meta.verbose_name_plural), len(ids))
    report.timings["total"] = time.monotonic() - started
    write(
        "Deleted "
        + ", ".join(f"{count:,} {kind}" for kind, count in report.counts.items())
        + f" in {report.timings['total']:.1f}s"
    )
    return report


@contextmanager
def _per_object_delete_signals_disabled(model):
    """The search index and the reference index each remove a deleted object with a few
    queries per object: 50,000 offerings would take minutes. They are cleaned in bulk
    instead (see _index_entries_delete), so their post_delete handlers are paused."""
    senders = [model, Page] if issubclass(model, Page) else [model]
    paused = [
        sender
        for sender in senders
        if post_delete.disconnect(search_post_delete_signal_handler, sender=sender)
    ]
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for sender in paused:
            post_delete.connect(search_post_delete_signal_handler, sender=sender)


def _index_entries_delete(model, ids: list[str]):
    """Search-index and reference-index rows of the given objects, deleted in bulk."""
    if not ids:
        return
    content_types = [
        ContentType.objects.get_for_model(m)
        for m in {
            model,
            model._meta.get_parent_list()[-1] if model._meta.get_parent_list() else model,
        }
    ]
    IndexEntry.objects.filter(content_type__in=content_types, object_id__in=ids).delete()
    ReferenceIndex.objects.filter(
        Q(base_content_type__in=content_types, object_id__in=ids)
        | Q(to_content_type__in=content_types, to_object_id__in=ids)
    ).delete()
