"""Writes for recipe pages that are not an editor's: where the recipe index lives, and
redrawing architecture pictures when the catalogue they draw changes."""

from django.db import transaction
from django.db.models import Q
from wagtail.models import Site

from catalogue.models import Component

from .models import RecipeIndexPage, RecipePage

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


def architectures_redraw(*, component_ids=(), standard_ids=()) -> int:
    """Redraw the stored picture of every recipe that uses these components or standards
    (directly or through a component's standards), from each page row as it is. Returns
    how many were redrawn."""
    pages = RecipePage.objects.filter(
        Q(components_used__in=component_ids)
        | Q(standards_used__in=standard_ids)
        | Q(components_used__standards__in=standard_ids)
    ).distinct()
    count = 0
    for page in pages:
        page.architecture_draw()
        RecipePage.objects.filter(pk=page.pk).update(
            architecture=page.architecture, architecture_svg=page.architecture_svg
        )
        count += 1
    return count


def architectures_redraw_for(sender, instance, raw=False, **kwargs) -> None:
    """post_save receiver for Component and Standard. After the commit, so that a
    component's standards (saved after the row, by modelcluster) are read as saved."""
    if raw:  # loading fixtures
        return
    if isinstance(instance, Component):
        transaction.on_commit(lambda: architectures_redraw(component_ids=[instance.pk]))
    else:
        transaction.on_commit(lambda: architectures_redraw(standard_ids=[instance.pk]))


def adoption_map_redraw(*, recipe_id: int) -> None:
    """Redraw one recipe's stored map of the councils that adopted it."""
    page = RecipePage.objects.filter(pk=recipe_id).first()
    if page is not None:
        page.adoption_map_draw()
        RecipePage.objects.filter(pk=page.pk).update(adoption_map_svg=page.adoption_map_svg)


def adoption_map_redraw_for(sender, instance, raw=False, **kwargs) -> None:
    """post_save and post_delete receiver for Adoption."""
    if not raw:
        recipe_id = instance.recipe_id
        transaction.on_commit(lambda: adoption_map_redraw(recipe_id=recipe_id))
