"""Read-side queries for catalogue pages. Each returns a queryset carrying the joins and
prefetches its page needs, so a page makes the same number of queries at any size."""

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from patterns_site.page_cache import until_content_changes

from .models import Component, ConformanceClaim, Council, Offering, Standard, Supplier


def public_offerings() -> QuerySet[Offering]:
    """Published offerings with what a list or table shows about each."""
    return (
        Offering.objects.public()
        .select_related("supplier")
        .prefetch_related(
            "components",
            Prefetch(
                "claims",
                queryset=ConformanceClaim.objects.select_related("standard", "verified_by"),
            ),
        )
    )


def published_offering_counts(component_ids) -> dict[int, int]:
    """How many published offerings provide each component (0 for none), by component id,
    in one query.

    Counted on the join table without DISTINCT (a pair is unique there) and without joining
    the components: at 50,000 offerings this is the recipe page's slowest query."""
    component_ids = list(component_ids)
    rows = (
        Offering.components.through.objects.filter(component_id__in=component_ids)
        .filter(offering__live=True, offering__withdrawn_at__isnull=True)
        .order_by()
        .values("component_id")
        .annotate(published=Count("offering_id"))
        .values_list("component_id", "published")
    )
    return dict.fromkeys(component_ids, 0) | dict(rows)


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


def _grouped_counts(queryset, field: str) -> dict[int, int]:
    rows = queryset.order_by().values(field).annotate(n=Count("pk")).values_list(field, "n")
    return dict(rows)


def component_counts(component_ids=None) -> dict[str, dict[int, int]]:
    """Published offerings and live recipes per component id. Counting 80,000 offering
    links at 50,000 offerings takes about 30 ms, the same for every visitor, so counts for
    all components are kept until content changes; a few ids are counted directly."""

    def count():
        links = Offering.components.through.objects.filter(
            offering__live=True, offering__withdrawn_at__isnull=True
        )
        needs = Component._meta.get_field("recipes").through.objects.filter(recipepage__live=True)
        if component_ids is not None:
            links = links.filter(component_id__in=component_ids)
            needs = needs.filter(component_id__in=component_ids)
        return {
            "offerings": _grouped_counts(links, "component_id"),
            "recipes": _grouped_counts(needs, "component_id"),
        }

    if component_ids is not None:
        return count()
    return until_content_changes("component-counts", count)


def with_component_counts(components):
    """Set offering_count and recipe_count on each component; returns them as a list."""
    components = list(components)
    counts = component_counts([c.pk for c in components] if len(components) == 1 else None)
    for component in components:
        component.offering_count = counts["offerings"].get(component.pk, 0)
        component.recipe_count = counts["recipes"].get(component.pk, 0)
    return components


def component_offerings(component: Component) -> QuerySet[Offering]:
    return public_offerings().filter(components=component).order_by("name")


RECIPE_PREVIEW_SIZE = 10


def recipe_preview(recipes, size: int = RECIPE_PREVIEW_SIZE) -> tuple[list, int]:
    """The first live recipes by title, loading only what a link to each needs (not their
    StreamFields), and how many live recipes there are in all: two queries at any size."""
    live = recipes.live()
    return list(live.order_by("title").only("title", "url_path")[:size]), live.count()


def component_recipes(component: Component) -> tuple[list, int]:
    return recipe_preview(component.recipes.all())


def standard_list() -> QuerySet[Standard]:
    """Standards by name; with_standard_counts adds what each list row counts."""
    return Standard.objects.order_by("name")


def standard_counts(standard_ids=None) -> dict[str, dict[int, int]]:
    """Components that should meet each standard and published offerings claiming it, by
    standard id: for all standards kept until content changes (100,000 claims at scale),
    for a few ids counted directly."""

    def count():
        wanted = Component.standards.through.objects.all()
        claims = ConformanceClaim.objects.filter(
            offering__live=True, offering__withdrawn_at__isnull=True
        )
        if standard_ids is not None:
            wanted = wanted.filter(standard_id__in=standard_ids)
            claims = claims.filter(standard_id__in=standard_ids)
        return {
            "components": _grouped_counts(wanted, "standard_id"),
            "offerings": _grouped_counts(claims, "standard_id"),
        }

    if standard_ids is not None:
        return count()
    return until_content_changes("standard-counts", count)


def with_standard_counts(standards):
    """Set component_count and offering_count on each standard; returns them as a list."""
    standards = list(standards)
    counts = standard_counts([s.pk for s in standards] if len(standards) == 1 else None)
    for standard in standards:
        standard.component_count = counts["components"].get(standard.pk, 0)
        standard.offering_count = counts["offerings"].get(standard.pk, 0)
    return standards


def standard_recipes(standard: Standard) -> tuple[list, int]:
    return recipe_preview(standard.recipes.all())


def published_claims(standard: Standard) -> QuerySet[ConformanceClaim]:
    return standard.claims.filter(offering__live=True, offering__withdrawn_at__isnull=True)


def standard_claim_counts(standard: Standard) -> dict[str, int]:
    """How many published offerings' claims to meet a standard are verified and how many
    only claimed, counted in one query."""
    return published_claims(standard).aggregate(
        verified=Count("pk", filter=Q(verified_at__isnull=False)),
        claimed=Count("pk", filter=Q(verified_at__isnull=True)),
    )


def standard_claims(standard: Standard) -> QuerySet[ConformanceClaim]:
    """Claims of published offerings to meet a standard, verified ones first."""
    return (
        published_claims(standard)
        .select_related("offering__supplier", "verified_by")
        .order_by(F("verified_at").desc(nulls_last=True), "offering__name")
    )


def supplier_list() -> QuerySet[Supplier]:
    published = Offering.objects.public().filter(supplier_id=OuterRef("pk"))
    return Supplier.objects.annotate(offering_count=count_of(published)).order_by("name")


def supplier_offerings(supplier: Supplier) -> QuerySet[Offering]:
    return public_offerings().filter(supplier=supplier).order_by("name")


def council_list() -> QuerySet[Council]:
    # An aggregate drops Meta.ordering, so order explicitly for stable pagination.
    return (
        Council.objects.select_related("council_type")
        .annotate(adoption_count=Count("adoptions", distinct=True))
        .order_by("name")
    )


def council_adoptions(council: Council):
    """A council's adoptions of live recipes, with the outcomes it measured."""
    return (
        council.adoptions.filter(recipe__live=True)
        .select_related("recipe")
        .prefetch_related("outcomes")
        .order_by("recipe__title")
    )
