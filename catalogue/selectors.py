"""Read-side queries for catalogue pages. Each returns a queryset carrying the joins and
prefetches its page needs, so a page makes the same number of queries at any size."""

from decimal import Decimal

from django.db.models import (
    Avg,
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

from .models import (
    Component,
    ConformanceClaim,
    Council,
    CouncilMembership,
    Offering,
    Standard,
    Supplier,
    email_domain,
    public_offering_q,
)


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


def _published_links():
    """Offering-component links of published offerings."""
    return Offering.components.through.objects.filter(public_offering_q("offering__"))


def _grouped_counts(queryset, field: str) -> dict[int, int]:
    rows = queryset.order_by().values(field).annotate(n=Count("pk")).values_list(field, "n")
    return dict(rows)


def published_offering_counts(component_ids) -> dict[int, int]:
    """How many published offerings provide each component (0 for none), by component id,
    in one query.

    Counted on the join table without DISTINCT (a pair is unique there) and without joining
    the components: at 50,000 offerings this is the recipe page's slowest query."""
    component_ids = list(component_ids)
    links = _published_links().filter(component_id__in=component_ids)
    return dict.fromkeys(component_ids, 0) | _grouped_counts(links, "component_id")


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
                queryset if ids is None else queryset.filter(**{f"{field}__in": ids}), field
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
    """Each component with offering_count (published offerings providing it) and
    recipe_count (live recipes needing it): 80,000 offering links at 50,000 offerings."""
    needs = Component._meta.get_field("recipes").through.objects.filter(recipepage__live=True)
    return _with_counts(
        components,
        field="component_id",
        cache_key="component-counts",
        counted={"offering_count": _published_links(), "recipe_count": needs},
    )


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


def with_standard_counts(standards) -> list:
    """Each standard with component_count (components that should meet it) and
    offering_count (published offerings claiming it): 100,000 claims at scale."""
    claims = ConformanceClaim.objects.filter(public_offering_q("offering__"))
    return _with_counts(
        standards,
        field="standard_id",
        cache_key="standard-counts",
        counted={
            "component_count": Component.standards.through.objects.all(),
            "offering_count": claims,
        },
    )


def standard_recipes(standard: Standard) -> tuple[list, int]:
    return recipe_preview(standard.recipes.all())


def published_claims(standard: Standard) -> QuerySet[ConformanceClaim]:
    return standard.claims.filter(public_offering_q("offering__"))


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
    """Approved organisations, each with how many public offerings it lists."""
    published = Offering.objects.filter(
        live=True, withdrawn_at__isnull=True, supplier_id=OuterRef("pk")
    )
    return Supplier.objects.public().annotate(offering_count=count_of(published)).order_by("name")


def supplier_offerings(supplier: Supplier) -> QuerySet[Offering]:
    return public_offerings().filter(supplier=supplier).order_by("name")


def council_list() -> QuerySet[Council]:
    # An aggregate drops Meta.ordering, so order explicitly for stable pagination.
    return (
        Council.objects.select_related("council_type")
        .annotate(adoption_count=Count("adoptions", filter=Q(adoptions__live=True), distinct=True))
        .order_by("name")
    )


def council_adoptions(council: Council):
    """A council's adoptions of live recipes, with the outcomes it measured."""
    return (
        council.adoptions.filter(live=True, recipe__live=True)
        .select_related("recipe")
        .prefetch_related("outcomes")
        .order_by("recipe__title")
    )


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


COOKED_BY_PREVIEW_SIZE = 10


def cooked_by(adoptions_using, size: int = COOKED_BY_PREVIEW_SIZE) -> tuple[list, int]:
    """The approved adoptions of live recipes that use a component or offering (its
    adoptions_using relation), first councils by name, and how many there are: two
    queries at any size."""
    public = adoptions_using.filter(live=True, recipe__live=True)
    preview = public.select_related("council", "recipe").order_by("council__name", "pk")[:size]
    return list(preview), public.count()


def rating_summary(reviews) -> dict:
    """How many public reviews and their average rating (None when there are none), in
    one query: the one figure the page, the API and schema.org AggregateRating show.
    `reviews` is a recipe's or offering's reviews relation (recipes.Review, whose
    public() is the rule for which reviews count)."""
    figures = reviews.public().aggregate(count=Count("pk"), average=Avg("rating"))
    average = figures["average"]
    return {
        "count": figures["count"],
        "average": round(Decimal(str(average)), 1) if average is not None else None,
    }


REVIEW_PREVIEW_SIZE = 10


def public_reviews(reviews, size: int = REVIEW_PREVIEW_SIZE) -> list:
    """The most recent public reviews, with their council: one query."""
    return list(reviews.public().select_related("council").order_by("-updated_at", "pk")[:size])
