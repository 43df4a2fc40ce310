from django.apps import AppConfig


class RecipesConfig(AppConfig):
    name = "recipes"
    verbose_name = "Recipes"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from catalogue.models import Component, Standard
        from catalogue.uses import register

        from .models import Adoption, Review
        from .services import (
            adoption_map_redraw_for,
            architectures_redraw_for,
            review_deleted,
        )
        from .uses import RecipeUses

        register(RecipeUses())

        # A picture names components and standards and links to them: redraw the
        # recipes that show one when it changes.
        post_save.connect(architectures_redraw_for, sender=Component, dispatch_uid="arch-comp")
        post_save.connect(architectures_redraw_for, sender=Standard, dispatch_uid="arch-std")
        post_save.connect(adoption_map_redraw_for, sender=Adoption, dispatch_uid="map-save")
        post_delete.connect(adoption_map_redraw_for, sender=Adoption, dispatch_uid="map-del")
        post_delete.connect(review_deleted, sender=Review, dispatch_uid="review-rating-del")
