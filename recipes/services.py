"""Writes for recipe pages that are not an editor's: where the recipe index lives."""

from wagtail.models import Site

from .models import RecipeIndexPage

RECIPES_INTRO = (
    "<p>Each recipe is a reusable pattern for a council service: its ingredients (common "
    "components, data standards and people), the method, costs and measured outcomes.</p>"
)


class RecipeIndexMissing(Exception):
    """The site has no page a recipe index may go under."""


def recipe_index_ensure() -> RecipeIndexPage:
    """The recipe index, created and published under the default site's root page when
    there is none and Wagtail's page rules allow it there (its parent type is the site's
    home page, which the site layer creates)."""
    index = RecipeIndexPage.objects.first()
    if index is not None:
        return index
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    root = site.root_page.specific if site else None
    if root is None or not RecipeIndexPage.can_create_at(root):
        raise RecipeIndexMissing(
            "The site has no home page for recipes to go under: run "
            "`manage.py load_demo_data` to build the page tree."
        )
    index = root.add_child(
        instance=RecipeIndexPage(title="Recipes", slug="recipes", intro=RECIPES_INTRO)
    )
    index.save_revision().publish()
    return index
