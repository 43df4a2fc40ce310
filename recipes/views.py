"""The recipe index's filtering, kept out of the page model so the model stays thin."""

from catalogue.views import paginate

from .forms import RecipeFilterForm
from .selectors import recipe_list


def recipe_index_context(request, *, index_page) -> dict:
    form = RecipeFilterForm(request.GET or None)
    recipes = recipe_list().descendant_of(index_page)
    invalid = form.is_bound and not form.is_valid()
    if invalid:
        recipes = recipes.none()
    elif form.is_bound:
        recipes = form.filter(recipes)
    else:
        recipes = recipes.order_by("title")
    selected_filters = form.selected_filters(request.GET)
    page_obj = paginate(request, recipes, per_page=20)
    return {
        "form": form,
        "selected_filters": selected_filters,
        "filters_invalid": invalid,
        "page_obj": page_obj,
        "recipes": page_obj.object_list,
        "result_count": page_obj.paginator.count,
        "page_title": index_page.title,
        "breadcrumbs": [("Home", "/"), (index_page.title, "")],
    }
