"""Read-side queries for catalogue pages. Each returns a queryset carrying the joins and
prefetches its page needs, so a page makes the same number of queries at any size."""

from django.db.models import Count, F, Prefetch, Q, QuerySet

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


def component_list() -> QuerySet[Component]:
    """Components with how many published offerings provide them and how many live
    recipes need them."""
    return Component.objects.annotate(
        offering_count=Count(
            "offerings",
            filter=Q(offerings__live=True, offerings__withdrawn_at__isnull=True),
            distinct=True,
        ),
        recipe_count=Count("recipes", filter=Q(recipes__live=True), distinct=True),
    ).order_by("category", "name")


def component_offerings(component: Component) -> QuerySet[Offering]:
    return public_offerings().filter(components=component).order_by("name")


def component_recipes(component: Component):
    return component.recipes.live().order_by("title")


def standard_list() -> QuerySet[Standard]:
    return Standard.objects.annotate(
        component_count=Count("components", distinct=True),
        offering_count=Count(
            "claims",
            filter=Q(claims__offering__live=True, claims__offering__withdrawn_at__isnull=True),
            distinct=True,
        ),
    ).order_by("name")


def standard_claims(standard: Standard) -> QuerySet[ConformanceClaim]:
    """Claims of published offerings to meet a standard, verified ones first."""
    return (
        standard.claims.filter(offering__live=True, offering__withdrawn_at__isnull=True)
        .select_related("offering__supplier", "verified_by")
        .order_by(F("verified_at").desc(nulls_last=True), "offering__name")
    )


def supplier_list() -> QuerySet[Supplier]:
    return Supplier.objects.annotate(
        offering_count=Count(
            "offerings",
            filter=Q(offerings__live=True, offerings__withdrawn_at__isnull=True),
            distinct=True,
        )
    ).order_by("name")


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
