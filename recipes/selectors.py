"""Read-side queries for recipe pages and the home page. Every function returns what a
page needs in a fixed number of queries, whatever the amount of content."""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from wagtail.models import PageLogEntry

from catalogue.models import Component, Council, Offering, ServiceArea
from catalogue.selectors import (
    public_reviews,
    published_offering_counts,
    rating_summary,
    with_ratings,
)

from .architecture import architecture_text
from .models import Adoption, RecipePage, RecipeProposal, Review, summarise_outcomes


def _counted(queryset, field="pk", *, distinct=False):
    """A correlated COUNT subquery, 0 when nothing matches. Unlike a join with GROUP BY over
    every recipe, PostgreSQL evaluates it only for the rows a page keeps."""
    counts = (
        queryset.order_by()
        .annotate(_group=Value(1))
        .values("_group")
        .annotate(n=Count(field, distinct=distinct))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def recipe_list():
    """Live recipes with what a list shows: council types served, adoption counts and
    councils' rating (the page and the API read the same annotations)."""
    adoptions = Adoption.objects.public().filter(recipe=OuterRef("pk"))
    return with_ratings(
        RecipePage.objects.live()
        .prefetch_related("serves", "service_areas")
        .annotate(
            adoption_total=_counted(adoptions),
            live_adoptions=_counted(adoptions.filter(status=Adoption.Status.LIVE)),
        ),
        Review.objects.all(),
        field="recipe",
    )


def recipe_credit(page: RecipePage) -> dict | None:
    """Who shared a recipe council staff proposed, as plain values: the recipe page's
    data is kept in the shared cache, which cannot store a page object."""
    proposal = (
        RecipeProposal.objects.filter(page=page).select_related("council", "based_on").first()
    )
    if proposal is None:
        return None
    based_on = proposal.based_on if proposal.based_on and proposal.based_on.live else None
    return {
        "council_name": proposal.council.official_name,
        "council_url": proposal.council.get_absolute_url(),
        "is_sample": proposal.is_sample,
        "based_on_title": based_on.title if based_on else "",
        "based_on_url": based_on.url if based_on else "",
    }


def recipe_detail_context(page: RecipePage) -> dict:
    """Everything the recipe page shows beyond its own fields."""
    adoptions = list(
        Adoption.objects.public()
        .filter(recipe=page)
        .select_related("council__council_type")
        .prefetch_related("outcomes")
        .order_by("status", "council__name")
    )
    component_ids = [item["component"].pk for item in page.component_ingredients]
    offering_counts = published_offering_counts(component_ids)
    related = [
        link.related
        for link in page.related_links.select_related("related").all()
        if link.related.live
    ]
    # Not page.reviews: a related manager hands each review this page object, which the
    # shared cache (pickle) cannot keep.
    reviews = Review.objects.filter(recipe_id=page.pk)
    rating = rating_summary(reviews)
    return {
        "shared_by": recipe_credit(page),
        "rating": rating,
        "reviews": public_reviews(reviews) if rating["count"] else [],
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
        "change_log": recipe_change_log(page),
        "architecture_text": architecture_text(page.architecture),
        "recipe_breadcrumbs": [
            ("Home", "/"),
            ("Recipes", page.get_parent().url),
            (page.title, ""),
        ],
    }


def home_page_context() -> dict:
    """Service areas that have recipes to browse, newest and most-adopted recipes,
    catalogue counts."""
    recipes = recipe_list()
    filed = RecipePage.service_areas.through.objects.filter(recipepage__live=True)
    areas = (
        ServiceArea.objects.filter(parent__isnull=True)
        .annotate(
            recipe_count=_counted(
                filed.filter(servicearea__parent=OuterRef("pk")), "recipepage", distinct=True
            )
            + _counted(filed.filter(servicearea=OuterRef("pk")))
        )
        # An area with no recipe yet would be a link to an empty list.
        .filter(recipe_count__gt=0)
        .order_by("name")
    )
    return {
        "service_areas": list(areas),
        "newest_recipes": list(recipes.order_by("-first_published_at", "title")[:4]),
        "most_adopted_recipes": most_adopted_recipes(4),
        "counts": {
            "recipes": RecipePage.objects.live().count(),
            "components": Component.objects.count(),
            "offerings": Offering.objects.public().count(),
            "councils": Council.objects.count(),
        },
    }


def most_adopted_recipes(count: int) -> list[RecipePage]:
    """The `count` live recipes with most adoptions (then by title), in two queries plus
    recipe_list's prefetches. Ordering recipe_list() itself by its adoption count would
    run two correlated counts for every live recipe before keeping four; one grouped join
    counts them all in a single pass, and only the four kept get the full annotations."""
    ranked = list(
        RecipePage.objects.live()
        .annotate(adopted=Count("adoptions"))
        .order_by("-adopted", "title")
        .values_list("pk", flat=True)[:count]
    )
    position = {pk: index for index, pk in enumerate(ranked)}
    return sorted(recipe_list().filter(pk__in=ranked), key=lambda page: position[page.pk])


def recipe_change_logs(page_ids) -> dict[int, list[dict]]:
    """Each recipe's public change log, newest first, in one query for any number of
    recipes: the date of every published revision and the editor's "What changed".

    The field is saved with each revision and carries over when an editor does not
    change it, so a summary repeated from the previous publication counts as minor edits.
    """
    entries = (
        PageLogEntry.objects.filter(page_id__in=list(page_ids), action="wagtail.publish")
        .annotate(summary=KeyTextTransform("change_summary", "revision__content"))
        .order_by("page_id", "timestamp", "pk")
        .values_list("page_id", "timestamp", "summary")
    )
    logs: dict[int, list[dict]] = {}
    previous: dict[int, str] = {}
    for page_id, timestamp, summary in entries:
        summary = (summary or "").strip()
        log = logs.setdefault(page_id, [])
        if summary and summary != previous.get(page_id):
            text = summary
        else:
            text = "First published" if not log else "Minor edits"
        previous[page_id] = summary
        log.append({"published_at": timestamp, "summary": text})
    return {page_id: log[::-1] for page_id, log in logs.items()}


def recipe_change_log(page: RecipePage) -> list[dict]:
    return recipe_change_logs([page.pk]).get(page.pk, [])
