"""What the recipe index page shows: its filters and one page of recipes, kept out of the
page model so the model stays thin."""

from catalogue.cost_choice import assumptions_from_request
from foundations.pagination import paginate

from .costing import with_costs
from .filters import RecipeFilterSet
from .selectors import recipe_list


def recipe_index_context(request, *, index_page) -> dict:
    filterset = RecipeFilterSet(
        request.GET, recipe_list().descendant_of(index_page), request=request
    )
    form = filterset.form
    invalid = not filterset.is_valid()
    # With a value to correct, the error summary sits above the list unfiltered.
    recipes = filterset.queryset.order_by("title") if invalid else filterset.qs
    selected_filters = form.selected_filters(request.GET)
    page_obj = paginate(request, recipes, per_page=20)
    return {
        "form": form,
        "selected_filters": selected_filters,
        "filters_invalid": invalid,
        # One service area chosen: the page offers to follow it.
        "filtered_area": None if invalid else form.cleaned_data.get("service_area"),
        "ratings_like_mine": filterset.ratings_like_mine,
        "page_obj": page_obj,
        "recipes": with_costs(page_obj.object_list, assumptions_from_request(request)),
        "result_count": page_obj.paginator.count,
        "page_title": index_page.title,
        "breadcrumbs": [("Home", "/"), (index_page.title, "")],
    }
