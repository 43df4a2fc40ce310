"""What recipes say about the catalogue's items, registered with catalogue.uses when Django
starts: which live recipes need a component or a standard, and which a council runs."""

from catalogue.models import Component, Standard

from .models import Adoption, RecipePage


class RecipeUses:
    def component_needs(self):
        return RecipePage.components_used.through.objects.filter(recipepage__live=True)

    def recipes_needing(self, item):
        field = {Component: "components_used", Standard: "standards_used"}[type(item)]
        return RecipePage.objects.live().filter(**{field: item})

    def adoption_counts(self):
        return Adoption.objects.filter(recipe__live=True)

    def council_adoptions(self, council):
        return (
            Adoption.objects.filter(council=council, recipe__live=True)
            .select_related("recipe")
            .prefetch_related("outcomes")
            .order_by("recipe__title")
        )
