"""Read-side queries for catalogue pages. Each returns a queryset carrying the joins and
prefetches its page needs, so a page makes the same number of queries at any size."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce

from foundations.content_cache import until_content_changes

from .models import (
    Component,
    ConformanceClaim,
    Council,
    CouncilMembership,
    CouncilPantryItem,
    Offering,
    Standard,
    Supplier,
    email_domain,
    public_offering_q,
)
from .uses import uses


def public_offerings() -> QuerySet[Offering]:
    """Published offerings with what the offering page shows about each, their councils'
    rating included (with_offering_ratings). The components and claims load only what
    the page shows of them (catalogue/offering_detail.html): whole components, standards
    and editors' user rows were 3 ms of the page."""
    return with_offering_ratings(
        Offering.objects.public()
        .select_related("supplier")
        .prefetch_related(
            Prefetch("components", queryset=Component.objects.only("name", "slug")),
            Prefetch(
                "claims",
                queryset=ConformanceClaim.objects.select_related("standard", "verified_by").only(
                    "offering_id",
                    "evidence_url",
                    "statement_html",
                    "verified_at",
                    "standard__name",
                    "standard__short_name",
                    "standard__slug",
                    "verified_by__first_name",
                    "verified_by__last_name",
                ),
            ),
        )
    )


# What a list or table row shows of an offering and its supplier (the templates
# catalogue/offering_list.html and includes/offering_table.html, and the supplier page's
# JSON-LD, structured_data.offer): rows load only these, not the long texts or the
# moderation fields. A field missing here costs a query per row: the pages' query-count
# tests catch that.
ROW_FIELDS = (
    "name",
    "slug",
    "summary",
    "price",
    "price_max",
    "setup_fee",
    "pricing_unit",
    "pricing_notes",
    "hosting",
    "open_source_licence",
    "gcloud_service_id",
    *Offering.RATING_FIELDS,
    "supplier__name",
    "supplier__slug",
    "supplier__is_sample",
    "supplier__website",
)


def listed_offerings() -> QuerySet[Offering]:
    """Public offerings as list rows and tables show them: supplier, rating, price, and
    only the fields they show (ROW_FIELDS). What a row shows of their relations is read
    for the page's rows by with_claim_summaries (a table) or with_component_links (the
    offering list)."""
    return with_offering_ratings(
        Offering.objects.public().select_related("supplier").only(*ROW_FIELDS)
    )


@dataclass(frozen=True)
class ClaimSummary:
    """A claim as a table row shows it: the standard's name and whether it is verified."""

    standard_name: str
    is_verified: bool


@dataclass(frozen=True)
class ItemLink:
    """A link to an item as a list row shows it."""

    name: str
    url: str


def with_claim_summaries(offerings) -> list[Offering]:
    """The offerings as a list, each with claim_summaries (ClaimSummary, by standard name),
    in one query of four columns. Prefetching the claims built a claim, its standard and
    a queryset for every row: 4 of the 8 ms that a component page's 20 rows took to read."""
    offerings = list(offerings)
    found: dict[int, list[ClaimSummary]] = {offering.pk: [] for offering in offerings}
    if found:
        rows = (
            ConformanceClaim.objects.filter(offering_id__in=list(found))
            .order_by("standard__name")
            .values_list("offering_id", "verified_at", "standard__name", "standard__short_name")
        )
        for offering_id, verified_at, name, short_name in rows:
            found[offering_id].append(
                ClaimSummary(Standard.display_name_of(name, short_name), verified_at is not None)
            )
    for offering in offerings:
        offering.claim_summaries = found[offering.pk]
    return offerings


def with_component_links(offerings) -> list[Offering]:
    """The offerings as a list, each with component_links (ItemLink, by name): what each
    provides, in one query of three columns rather than a component instance each."""
    offerings = list(offerings)
    found: dict[int, list[ItemLink]] = {offering.pk: [] for offering in offerings}
    if found:
        rows = (
            Offering.components.through.objects.filter(offering_id__in=list(found))
            .order_by("component__name")
            .values_list("offering_id", "component__name", "component__slug")
        )
        for offering_id, name, slug in rows:
            found[offering_id].append(ItemLink(name, Component.url_of(slug)))
    for offering in offerings:
        offering.component_links = found[offering.pk]
    return offerings


def with_offering_ratings(offerings) -> QuerySet[Offering]:
    """Offerings with rating_count and rating_average as with_ratings annotates them, read
    from each offering's stored figures (Offering.review_count, review_average) so the
    list sorts best rated from an index instead of counting every offering's reviews.
    "Councils like mine" counts afresh (with_ratings with a council type)."""
    return offerings.annotate(rating_count=F("review_count"), rating_average=F("review_average"))


def _grouped_counts(queryset, field: str) -> dict[int, int]:
    if queryset is None:  # nothing above the catalogue counts these (catalogue.uses)
        return {}
    rows = queryset.order_by().values(field).annotate(n=Count("pk")).values_list(field, "n")
    return dict(rows)


def component_offering_counts(component_required: dict[int, int]) -> dict[int, tuple[int, int]]:
    """component id -> (published offerings, those claiming every standard in the mask),
    read from the price summary (a few rows a component) instead of counting offerings:
    one small query at any catalogue size. (Counting the join table was the recipe
    page's slowest query at 50,000 offerings: 33 ms.)"""
    from .costs import POPULATION_BANDS
    from .models import ComponentPriceSummary

    if not component_required:
        return {}
    totals: dict[tuple[int, int], int] = {}
    # The summary counts every offering once in each band: one band gives the counts.
    rows = (
        ComponentPriceSummary.objects.filter(
            component_id__in=list(component_required),
            standards_mask__in={0, *component_required.values()},
            band=POPULATION_BANDS[0].key,
        )
        .order_by()  # the default order joins the components for nothing
        .values_list("component_id", "standards_mask", "offering_count")
    )
    for component_id, mask, count in rows:
        totals[component_id, mask] = totals.get((component_id, mask), 0) + count
    return {
        component_id: (totals.get((component_id, 0), 0), totals.get((component_id, mask), 0))
        for component_id, mask in component_required.items()
    }


def public_offering_total() -> int:
    """How many offerings anyone may see, from the stored total (PublicOfferingTotal),
    counted when it has not been stored yet."""
    from .models import PublicOfferingTotal

    total = PublicOfferingTotal.objects.filter(pk=1).values_list("count", flat=True).first()
    return Offering.objects.public().count() if total is None else total


def published_offering_counts(component_ids) -> dict[int, int]:
    """How many published offerings provide each component (0 for none), by component id,
    in one query (component_offering_counts)."""
    counts = component_offering_counts(dict.fromkeys(component_ids, 0))
    return {component_id: total for component_id, (total, _) in counts.items()}


def _with_counts(objects, *, field: str, cache_key: str, counted: dict) -> list:
    """Set each attribute named in `counted` on each object to how many rows of its
    queryset point at the object through `field`; returns the objects as a list.

    A list's counts are the same for every visitor: they are counted for all objects with
    one grouped query per attribute and kept until content changes. A single object (an
    API detail) is counted directly."""
    objects = list(objects)

    def count(ids=None):
        return {
            attribute: _grouped_counts(
                queryset
                if ids is None or queryset is None
                else queryset.filter(**{f"{field}__in": ids}),
                field,
            )
            for attribute, queryset in counted.items()
        }

    if len(objects) == 1:
        counts = count([objects[0].pk])
    else:
        counts = until_content_changes(cache_key, count)
    for obj in objects:
        for attribute, by_id in counts.items():
            setattr(obj, attribute, by_id.get(obj.pk, 0))
    return objects


def count_of(queryset) -> Coalesce:
    """A correlated COUNT subquery (0 when nothing matches). Two counted joins on one
    query multiply each other's rows: at 50,000 offerings the component list took
    seconds that way."""
    counts = (
        queryset.order_by()
        .annotate(_group=Value(1))
        .values("_group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def component_list() -> QuerySet[Component]:
    """Components in list order; with_component_counts adds what each list row counts."""
    return Component.objects.order_by("category", "name")


def with_component_counts(components) -> list:
    """Each component with offering_count (published offerings providing it, from the
    price summary: counting 80,000 offering links at 50,000 offerings took 43 ms) and
    recipe_count (live recipes needing it)."""
    components = _with_counts(
        components,
        field="component_id",
        cache_key="component-counts",
        counted={"recipe_count": uses().component_needs()},
    )
    offering_counts = published_offering_counts(component.pk for component in components)
    for component in components:
        component.offering_count = offering_counts[component.pk]
    return components


def component_standards(component: Component) -> list[Standard]:
    """The standards a component's products should meet, by name, with what a link to
    each needs (prefetching whole standards cost its page twice as much)."""
    return list(Standard.objects.filter(components=component).only("name", "slug"))


def component_offerings(component: Component) -> QuerySet[Offering]:
    """A component's public offerings as its page's table shows them (with
    with_claim_summaries for the page's rows)."""
    return listed_offerings().filter(components=component).order_by("name")


RECIPE_PREVIEW_SIZE = 10


def first_and_total(queryset, size: int) -> tuple[list, int]:
    """The first `size` rows of an ordered queryset and how many rows it has in all, in
    one query: each row carries the count of the whole result (a window over it, counted
    before the LIMIT). A second COUNT query cost a page 1-2 ms of building and planning
    SQL for a figure PostgreSQL had at hand."""
    rows = list(queryset.annotate(result_total=Window(Count("pk")))[:size])
    return rows, rows[0].result_total if rows else 0


def recipe_preview(recipes, size: int = RECIPE_PREVIEW_SIZE) -> tuple[list, int]:
    """The first live recipes by title, loading only what a link to each needs (not their
    StreamFields), and how many there are in all: one query at any size."""
    return first_and_total(recipes.order_by("title").only("title", "url_path"), size)


def component_recipes(component: Component) -> tuple[list, int]:
    return recipe_preview(uses().recipes_needing(component))


def standard_list() -> QuerySet[Standard]:
    """Standards by name; with_standard_counts adds what each list row counts."""
    return Standard.objects.order_by("name")


def standard_claim_totals(standard_ids) -> dict[int, dict[str, int]]:
    """standard id -> {"verified", "claimed"}: how many public offerings' claims to meet it
    are verified and how many only claimed, read from StandardClaimCount (one small query;
    counting 100,000 claims joined to their offerings took 49 ms at scale)."""
    from .models import StandardClaimCount

    totals = {pk: {"verified": 0, "claimed": 0} for pk in standard_ids}
    rows = StandardClaimCount.objects.filter(standard_id__in=list(totals)).values_list(
        "standard_id", "verified_count", "claimed_count"
    )
    for standard_id, verified, claimed in rows:
        totals[standard_id] = {"verified": verified, "claimed": claimed}
    return totals


def with_standard_counts(standards) -> list:
    """Each standard with component_count (components that should meet it) and
    offering_count (published offerings claiming it, standard_claim_totals)."""
    standards = _with_counts(
        standards,
        field="standard_id",
        cache_key="standard-counts",
        counted={"component_count": Component.standards.through.objects.all()},
    )
    totals = standard_claim_totals(standard.pk for standard in standards)
    for standard in standards:
        standard.offering_count = totals[standard.pk]["verified"] + totals[standard.pk]["claimed"]
    return standards


def standard_recipes(standard: Standard) -> tuple[list, int]:
    return recipe_preview(uses().recipes_needing(standard))


def published_claims(standard: Standard) -> QuerySet[ConformanceClaim]:
    return standard.claims.filter(public_offering_q("offering__"))


def standard_claim_counts(standard: Standard) -> dict[str, int]:
    """How many published offerings' claims to meet a standard are verified and how many
    only claimed (standard_claim_totals)."""
    return standard_claim_totals([standard.pk])[standard.pk]


def standard_claims(standard: Standard) -> QuerySet[ConformanceClaim]:
    """Claims of published offerings to meet a standard, verified ones first."""
    return (
        published_claims(standard)
        .select_related("offering__supplier", "verified_by")
        # What the claims table shows (catalogue/includes/claims_table.html), not whole
        # offerings and users.
        .only(
            "standard",  # the related manager sets each claim's standard from it
            "evidence_url",
            "statement_html",
            "verified_at",
            "offering__name",
            "offering__slug",
            "offering__supplier__name",
            "offering__supplier__slug",
            "offering__supplier__is_sample",
            "verified_by__first_name",
            "verified_by__last_name",
        )
        .order_by(F("verified_at").desc(nulls_last=True), "offering__name")
    )


def supplier_list() -> QuerySet[Supplier]:
    """Approved organisations, each with how many public offerings it lists."""
    published = Offering.objects.filter(
        live=True, withdrawn_at__isnull=True, supplier_id=OuterRef("pk")
    )
    return Supplier.objects.public().annotate(offering_count=count_of(published)).order_by("name")


def supplier_offerings(supplier: Supplier) -> list[Offering]:
    """A supplier's public offerings as its page's table shows them."""
    return with_claim_summaries(listed_offerings().filter(supplier=supplier).order_by("name"))


def council_list() -> QuerySet[Council]:
    """Councils by name; with_council_counts adds what each list row counts."""
    return Council.objects.select_related("council_type").order_by("name")


def with_council_counts(councils) -> list:
    """Each council with adoption_count: its approved adoptions of live recipes."""
    return _with_counts(
        councils,
        field="council_id",
        cache_key="council-counts",
        counted={"adoption_count": uses().adoption_counts()},
    )


def council_adoptions(council: Council):
    """A council's approved adoptions of live recipes, with the outcomes it measured."""
    return uses().council_adoptions(council)


def council_shared_recipes(council: Council) -> list:
    """The published recipes a council's staff shared (title, url, is_sample)."""
    return uses().council_shared_recipes(council)


def councils_for_email(email: str) -> QuerySet[Council]:
    """The councils whose staff domains include this address's domain exactly (several for
    councils that share staff, none for any other address)."""
    domain = email_domain(email)
    if not domain:
        return Council.objects.none()
    return Council.objects.filter(domains__domain=domain).distinct().order_by("name")


def user_council_memberships(user) -> QuerySet[CouncilMembership]:
    """The councils a signed-in user works for (none for anyone else)."""
    if not user.is_authenticated:
        return CouncilMembership.objects.none()
    return CouncilMembership.objects.filter(user=user).select_related("council__council_type")


# --- a council's pantry ------------------------------------------------------------------


@dataclass
class Pantry:
    """What a council already runs: what its staff entered (reported_components and
    reported_offerings, CouncilPantryItem) and what its approved adoptions record using
    (adopted_components and adopted_offerings, each with the recipes that say so).
    component_ids is every component it has: those listed either way, and those the
    listed products provide. The basket's "already have" and the recipe page's "your
    council already has" both read component_ids, so they always agree."""

    council: Council
    reported_components: list = field(default_factory=list)
    reported_offerings: list = field(default_factory=list)
    adopted_components: list = field(default_factory=list)  # (component, recipes)
    adopted_offerings: list = field(default_factory=list)  # (offering, recipes)
    component_ids: frozenset = frozenset()
    # Every public product it has, entered or adopted: the basket's shortlist puts them
    # before others that meet the standards as well.
    offering_ids: frozenset = frozenset()
    has_sample: bool = False  # of what staff entered
    adopted_has_sample: bool = False

    @property
    def is_empty(self) -> bool:
        return not (
            self.reported_components
            or self.reported_offerings
            or self.adopted_components
            or self.adopted_offerings
        )


def council_pantry_items(council: Council) -> QuerySet[CouncilPantryItem]:
    """The components and public offerings a council's staff entered, components first."""
    return (
        CouncilPantryItem.objects.filter(council=council)
        .filter(Q(offering__isnull=True) | public_offering_q("offering__"))
        .select_related("component", "offering__supplier")
        .order_by(F("component__name").asc(nulls_last=True), "offering__name", "pk")
    )


def council_pantry(council: Council) -> Pantry:
    """A council's pantry (see Pantry), in seven queries at any size."""
    items = list(council_pantry_items(council))
    kit = uses().adopted_kit(council)
    components = Component.objects.in_bulk(list(kit["components"]))
    offerings = Offering.objects.public().select_related("supplier").in_bulk(list(kit["offerings"]))
    pantry = Pantry(
        council=council,
        reported_components=[item for item in items if item.component_id],
        reported_offerings=[item for item in items if item.offering_id],
        adopted_components=sorted(
            (
                (components[pk], recipes)
                for pk, recipes in kit["components"].items()
                if pk in components
            ),
            key=lambda pair: pair[0].name,
        ),
        adopted_offerings=sorted(
            (
                (offerings[pk], recipes)
                for pk, recipes in kit["offerings"].items()
                if pk in offerings
            ),
            key=lambda pair: pair[0].name,
        ),
        has_sample=any(item.is_sample for item in items),
        adopted_has_sample=kit["has_sample"],
    )
    offering_ids = {item.offering_id for item in pantry.reported_offerings} | set(offerings)
    pantry.offering_ids = frozenset(offering_ids)
    provided = Offering.components.through.objects.filter(
        offering_id__in=list(offering_ids)
    ).values_list("component_id", flat=True)
    pantry.component_ids = frozenset(
        {item.component_id for item in pantry.reported_components} | set(components) | set(provided)
    )
    return pantry


def pantry_have(component_ids, pantry: Pantry | None) -> list[int]:
    """Which of these components (a recipe's, a basket's) the council already has, in
    their order, without repeats: the one rule the recipe page and the basket share."""
    if pantry is None:
        return []
    return [pk for pk in dict.fromkeys(component_ids) if pk in pantry.component_ids]


# --- prices for the cost model ----------------------------------------------------------

# Conformance in the price summary counts a component's first standards (by id) up to this
# many: 2^6 sets of standards per component keeps the table small.
SUMMARY_MAX_STANDARDS = 6


def component_standard_order(component_ids=None) -> dict[int, list[int]]:
    """Each component's standards by id, as the price summary's mask bits number them.
    One query."""
    through = Component.standards.through.objects.all()
    if component_ids is not None:
        through = through.filter(component_id__in=list(component_ids))
    order: dict[int, list[int]] = {}
    for component_id, standard_id in through.order_by("component_id", "standard_id").values_list(
        "component_id", "standard_id"
    ):
        order.setdefault(component_id, []).append(standard_id)
    return {key: ids[:SUMMARY_MAX_STANDARDS] for key, ids in order.items()}


def standards_mask(standard_order: list[int], standard_ids) -> int:
    """The summary mask for a set of standards (those the component does not list, or
    beyond SUMMARY_MAX_STANDARDS, are left out)."""
    wanted = set(standard_ids)
    return sum(1 << i for i, standard_id in enumerate(standard_order) if standard_id in wanted)


def component_price_summaries(
    component_ids, band_key: str, *, pairs=None
) -> dict[tuple[int, int], list]:
    """(component id, standards mask) -> its PriceSummary rows in one population band, for
    the components given, or only for the (component id, mask) `pairs` given: a page of
    20 recipe cards reads the 300 rows it uses rather than all 64 masks' 1,200. One query;
    a pair is compared as one number, which either database filters on without a query
    per pair (masks are below 2 ** SUMMARY_MAX_STANDARDS)."""
    from .costs import PriceSummary
    from .models import ComponentPriceSummary

    result: dict[tuple[int, int], list] = {}
    rows = ComponentPriceSummary.objects.filter(component_id__in=list(component_ids), band=band_key)
    if pairs is not None:
        width = 2**SUMMARY_MAX_STANDARDS
        rows = rows.alias(pair=F("component_id") * width + F("standards_mask")).filter(
            pair__in=[component_id * width + mask for component_id, mask in pairs]
        )
    rows = rows.order_by().values_list(
        "component_id",
        "standards_mask",
        "pricing_unit",
        "offering_count",
        "price_low",
        "price_high",
        "setup_low",
        "setup_high",
    )
    for component_id, mask, *values in rows:
        result.setdefault((component_id, mask), []).append(PriceSummary(*values))
    return result


COOKED_BY_PREVIEW_SIZE = 10


def cooked_by(adoptions_using, size: int = COOKED_BY_PREVIEW_SIZE) -> tuple[list, int]:
    """The approved adoptions of live recipes that use a component or offering (from
    uses().adoptions_using), first councils by name, and how many there are: one query
    at any size."""
    if adoptions_using is None:  # nothing above the catalogue records adoptions
        return [], 0
    return first_and_total(adoptions_using.order_by("council__name", "pk"), size)


# An average is shown to one decimal place, half up: 4.25 shows as 4.3 everywhere.
RATING_PLACES = Decimal("0.1")
# "Rated 4 or more" keeps what shows as 4.0 or more.
RATED_HIGHLY = Decimal("3.95")


def rating_figure(count: int | None, average) -> dict:
    """{count, average} as every page, the API and schema.org AggregateRating show them:
    the average to one place (None with no reviews)."""
    if not count or average is None:
        return {"count": count or 0, "average": None}
    return {
        "count": count,
        "average": Decimal(str(average)).quantize(RATING_PLACES, rounding=ROUND_HALF_UP),
    }


def rating_summary(reviews) -> dict:
    """How many public reviews and their average rating (None when there are none), in
    one query, for one recipe or offering. `reviews` is a recipe's reviews or
    uses().reviews_of(offering) (recipes.Review, whose public() is the rule for which
    reviews count). Lists annotate the same figures (with_ratings, rating_of)."""
    if reviews is None:
        return rating_figure(0, None)
    figures = reviews.public().aggregate(count=Count("pk"), average=Avg("rating"))
    return rating_figure(figures["count"], figures["average"])


def with_ratings(queryset, reviews, *, field: str, council_type=None) -> QuerySet:
    """The queryset with rating_count and rating_average (None with no reviews) from the
    public reviews pointing at each row through `field`, as correlated subqueries: no
    query per item, and the list can filter and sort on them. With a council_type, only
    reviews by councils of that type count ("councils like mine").

    `reviews` is recipes.Review (uses().offering_reviews() for offerings; None when
    nothing above the catalogue records reviews)."""
    if reviews is None:
        return queryset.annotate(
            rating_count=Value(0, output_field=IntegerField()),
            rating_average=Value(None, output_field=DecimalField()),
        )
    mine = reviews.public().filter(**{field: OuterRef("pk")})
    if council_type is not None:
        mine = mine.filter(council__council_type=council_type)
    average = (
        mine.order_by()
        .annotate(_group=Value(1))
        .values("_group")
        .annotate(average=Avg("rating"))
        .values("average")
    )
    return queryset.annotate(
        rating_count=count_of(mine),
        rating_average=Subquery(average, output_field=DecimalField()),
    )


def rating_of(obj) -> dict:
    """The rating of one row of a with_ratings queryset, as rating_summary gives it."""
    return rating_figure(obj.rating_count, obj.rating_average)


def best_rated_order() -> tuple:
    """Best rated first: average, then how many reviewed, unrated last."""
    return (F("rating_average").desc(nulls_last=True), F("rating_count").desc())


def council_type_of(slug: str):
    """The type of the visitor's chosen council (catalogue.cost_choice), or None: one
    query, none without a council."""
    if not slug:
        return None
    council = Council.objects.filter(slug=slug).select_related("council_type").first()
    return council.council_type if council else None


REVIEW_PREVIEW_SIZE = 10


def public_reviews(reviews, size: int = REVIEW_PREVIEW_SIZE) -> list:
    """The most recent public reviews, with their council: one query."""
    return list(reviews.public().select_related("council").order_by("-updated_at", "pk")[:size])
