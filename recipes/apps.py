from django.apps import AppConfig


class RecipesConfig(AppConfig):
    name = "recipes"
    verbose_name = "Recipes"

    def ready(self):
        from catalogue.uses import register

        from .uses import RecipeUses

        register(RecipeUses())
