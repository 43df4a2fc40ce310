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
    """Components with how many published offerings provide them and how many live
    recipes need them."""
    provides = Offering.components.through.objects.filter(
        component_id=OuterRef("pk"), offering__live=True, offering__withdrawn_at__isnull=True
    )
    needed_by = Component._meta.get_field("recipes").through.objects.filter(
        component_id=OuterRef("pk"), recipepage__live=True
    )
    return Component.objects.annotate(
        offering_count=count_of(provides), recipe_count=count_of(needed_by)
    ).order_by("category", "name")


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
    claims = ConformanceClaim.objects.filter(
        standard_id=OuterRef("pk"), offering__live=True, offering__withdrawn_at__isnull=True
    )
    wanted_by = Component.standards.through.objects.filter(standard_id=OuterRef("pk"))
    return Standard.objects.annotate(
        component_count=count_of(wanted_by), offering_count=count_of(claims)
    ).order_by("name")


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
