"""Read-side queries for recipe pages and the home page. Every function returns what a
page needs in a fixed number of queries, whatever the amount of content."""

from django.db.models import Count, F
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from wagtail.models import Page, PageLogEntry

from catalogue.models import Component, Council, ServiceArea
from catalogue.selectors import (
    public_offering_total,
    public_reviews,
    published_offering_counts,
    rating_summary,
    with_ratings,
)

from .architecture import architecture_text
from .models import Adoption, RecipePage, RecipeProposal, Review, summarise_outcomes


def recipe_list():
    """Live recipes with what a list shows: council types served, adoption count and
    councils' rating (the page and the API read the same annotations)."""
    return with_ratings(
        RecipePage.objects.live()
        .prefetch_related("serves", "service_areas")
        .annotate(adoption_total=F("adoption_count")),
        Review.objects.all(),
        field="recipe",
    )


def recipe_credit(page: RecipePage) -> dict | None:
    """Who shared a recipe council staff proposed, as plain values: the recipe page's
    data is kept in the shared cache, which cannot store a page object."""
    # Only the columns shown: the recipe it is based on is a whole page row otherwise.
    proposal = (
        RecipeProposal.objects.filter(page=page)
        .select_related("council", "based_on")
        .only(
            "is_sample",
            "council__official_name",
            "council__slug",
            "based_on__title",
            "based_on__url_path",
            "based_on__live",
        )
        .first()
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
    # A link needs the related recipe's title and address, not its whole page row.
    related = [
        link.related
        for link in page.related_links.select_related("related").only(
            "page", "related__title", "related__url_path", "related__live"
        )
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


def recipe_cards():
    """recipe_list() for recipe cards (the index and the home page): without the fields
    only the recipe page shows, nor the service areas, which a card does not name."""
    return (
        recipe_list()
        .defer(*RecipePage.PAGE_ONLY_FIELDS)
        .prefetch_related(None)
        .prefetch_related("serves")
    )


def home_page_context() -> dict:
    """Service areas that have recipes to browse, newest and most-adopted recipes,
    catalogue counts."""
    newest = list(
        RecipePage.objects.live()
        .order_by("-first_published_at", "title")
        .values_list("pk", flat=True)[:4]
    )
    most_adopted = most_adopted_recipe_ids(4)
    # The two lists share one read of their cards (and of its prefetches).
    cards = recipe_cards().in_bulk([*newest, *most_adopted])
    return {
        "service_areas": service_areas_with_recipes(),
        "newest_recipes": [cards[pk] for pk in newest if pk in cards],
        "most_adopted_recipes": [cards[pk] for pk in most_adopted if pk in cards],
        "counts": {
            # Counted on the page tree alone: the recipe table's rows are wide.
            "recipes": Page.objects.live().type(RecipePage).count(),
            "components": Component.objects.count(),
            "offerings": public_offering_total(),
            "councils": Council.objects.count(),
        },
    }


def service_areas_with_recipes() -> list[ServiceArea]:
    """Top-level service areas with recipe_count, the live recipes filed under the area
    or one of its sub-areas (each once, as the list filtered by the area shows them), by
    name; an area with no recipe yet is left out, as its link would lead to an empty
    list. Two queries: the counts, grouped by top-level area in one pass over the filed
    recipes, and the areas."""
    filed = RecipePage.service_areas.through.objects.filter(recipepage__live=True)
    counts = dict(
        filed.annotate(area=Coalesce("servicearea__parent_id", "servicearea_id"))
        .values("area")
        .annotate(n=Count("recipepage_id", distinct=True))
        .values_list("area", "n")
    )
    areas = list(
        ServiceArea.objects.filter(parent__isnull=True, pk__in=list(counts)).order_by("name")
    )
    for area in areas:
        area.recipe_count = counts[area.pk]
    return areas


def most_adopted_recipe_ids(count: int) -> list[int]:
    """The ids of the `count` live recipes with most public adoptions (then by title),
    from the count each recipe keeps."""
    return list(
        RecipePage.objects.live()
        .order_by("-adoption_count", "title")
        .values_list("pk", flat=True)[:count]
    )


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
