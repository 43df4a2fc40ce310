"""What the recipe index page shows: its filters and one page of recipes, kept out of the
page model so the model stays thin."""

from django.db.models import QuerySet

from catalogue.cost_choice import assumptions_from_request
from foundations.pagination import paginate

from .costing import with_costs
from .filters import RecipeFilterSet
from .selectors import recipe_cards


def recipe_index_context(request, *, index_page) -> dict:
    filterset = RecipeFilterSet(
        request.GET, recipe_cards().descendant_of(index_page), request=request
    )
    form = filterset.form
    invalid = not filterset.is_valid()
    # With a value to correct, the error summary sits above the list unfiltered.
    recipes = filterset.queryset.order_by("title") if invalid else filterset.qs
    selected_filters = form.selected_filters(request.GET)
    page_obj, cards = _page_of_cards(request, recipes)
    return {
        "form": form,
        "selected_filters": selected_filters,
        "filters_invalid": invalid,
        # One service area chosen: the page offers to follow it.
        "filtered_area": None if invalid else form.cleaned_data.get("service_area"),
        "ratings_like_mine": filterset.ratings_like_mine,
        "page_obj": page_obj,
        "recipes": with_costs(cards, assumptions_from_request(request)),
        "result_count": page_obj.paginator.count,
        "page_title": index_page.title,
        "breadcrumbs": [("Home", "/"), (index_page.title, "")],
    }


def _page_of_cards(request, recipes):
    """The page of results and its recipes. From a queryset the page is chosen on ids
    alone (ordering every matching recipe's whole row cost PostgreSQL four times as
    much), then the same queryset, with its filters and annotations (councils-like-mine
    ratings included), reads that page's cards. Search results, ranked by the site's
    search, are paged as they are."""
    if not isinstance(recipes, QuerySet):
        page_obj = paginate(request, recipes, per_page=20)
        return page_obj, list(page_obj.object_list)
    page_obj = paginate(
        request, recipes.prefetch_related(None).values_list("pk", flat=True), per_page=20
    )
    ids = list(page_obj.object_list)
    cards = recipes.order_by().in_bulk(ids)
    return page_obj, [cards[pk] for pk in ids]
