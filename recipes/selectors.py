"""Read-side queries for recipe pages and the home page. Every function returns what a
page needs in a fixed number of queries, whatever the amount of content."""

from django.db.models import Count, Q

from catalogue.models import Component, Council, Offering, ServiceArea

from .models import Adoption, RecipePage, summarise_outcomes


def recipe_list():
    """Live recipes with what a list shows: council types served and adoption counts."""
    return (
        RecipePage.objects.live()
        .prefetch_related("serves", "service_areas")
        .annotate(
            adoption_total=Count("adoptions", distinct=True),
            live_adoptions=Count(
                "adoptions", filter=Q(adoptions__status=Adoption.Status.LIVE), distinct=True
            ),
        )
    )


def recipe_detail_context(page: RecipePage) -> dict:
    """Everything the recipe page shows beyond its own fields."""
    adoptions = list(
        Adoption.objects.filter(recipe=page)
        .select_related("council__council_type")
        .prefetch_related("outcomes")
        .order_by("status", "council__name")
    )
    component_ids = [item["component"].pk for item in page.component_ingredients]
    offering_counts = dict(
        Component.objects.filter(pk__in=component_ids)
        .annotate(
            published=Count(
                "offerings",
                filter=Q(offerings__live=True, offerings__withdrawn_at__isnull=True),
                distinct=True,
            )
        )
        .values_list("pk", "published")
    )
    related = [
        link.related
        for link in page.related_links.select_related("related").all()
        if link.related.live
    ]
    return {
        "adoptions": adoptions,
        "live_adoption_count": sum(1 for a in adoptions if a.status == Adoption.Status.LIVE),
        "adoption_outcomes": summarise_outcomes(adoptions),
        "offering_counts": offering_counts,
        "people_days": page.people_days,
        "serves": list(page.serves.all()),
        "service_areas": list(page.service_areas.select_related("parent")),
        "lgsl_services": [link.service for link in page.lgsl_links.select_related("service")],
        "related_recipes": related,
        "has_sample_adoptions": any(a.is_sample for a in adoptions),
        "recipe_breadcrumbs": [
            ("Home", "/"),
            ("Recipes", page.get_parent().url),
            (page.title, ""),
        ],
    }


def home_page_context() -> dict:
    """Service areas to browse, newest and most-adopted recipes, catalogue counts."""
    recipes = recipe_list()
    areas = (
        ServiceArea.objects.filter(parent__isnull=True)
        .annotate(
            recipe_count=Count(
                "children__recipes",
                filter=Q(children__recipes__live=True),
                distinct=True,
            )
            + Count("recipes", filter=Q(recipes__live=True), distinct=True)
        )
        .order_by("name")
    )
    return {
        "service_areas": areas,
        "newest_recipes": list(recipes.order_by("-first_published_at", "title")[:4]),
        "most_adopted_recipes": list(recipes.order_by("-adoption_total", "title")[:4]),
        "counts": {
            "recipes": RecipePage.objects.live().count(),
            "components": Component.objects.count(),
            "offerings": Offering.objects.public().count(),
            "councils": Council.objects.count(),
        },
    }
