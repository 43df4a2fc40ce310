"""What recipes say about the catalogue's items, registered with catalogue.uses when Django
starts: which live recipes need a component or a standard, and which a council runs."""

from catalogue.models import Component, Offering, Standard

from .models import Adoption, RecipePage, RecipeProposal, Review


class RecipeUses:
    def component_needs(self):
        return RecipePage.components_used.through.objects.filter(recipepage__live=True)

    def recipes_needing(self, item):
        field = {Component: "components_used", Standard: "standards_used"}[type(item)]
        return RecipePage.objects.live().filter(**{field: item})

    def adoption_counts(self):
        return Adoption.objects.public().filter(recipe__live=True)

    def adoptions_using(self, item):
        field = {Component: "components_used", Offering: "offerings_used"}[type(item)]
        return (
            Adoption.objects.public()
            .filter(recipe__live=True, **{field: item})
            .select_related("council", "recipe")
            # What "cooked by" shows (catalogue/includes/cooked-by.html): a whole recipe
            # page and adoption per row cost 3 ms of a component page.
            .only(
                "status",
                "is_sample",
                "reported_by_staff",
                "council__name",
                "council__slug",
                "recipe__title",
                "recipe__url_path",
            )
        )

    def reviews_of(self, offering):
        return Review.objects.filter(offering=offering)

    def offering_reviews(self):
        return Review.objects.filter(offering__isnull=False)

    def council_shared_recipes(self, council):
        return [
            {
                "title": proposal.page.title,
                "url": proposal.page.url,
                "is_sample": proposal.is_sample,
            }
            for proposal in RecipeProposal.objects.filter(council=council, page__live=True)
            .select_related("page")
            .order_by("page__title")
        ]

    def council_adoptions(self, council):
        return (
            Adoption.objects.public()
            .filter(council=council, recipe__live=True)
            .select_related("recipe")
            .prefetch_related("outcomes")
            .order_by("recipe__title")
        )

    def adopted_kit(self, council):
        adoptions = Adoption.objects.public().filter(council=council, recipe__live=True)
        recipes = {
            page.pk: page
            for page in RecipePage.objects.filter(pk__in=adoptions.values("recipe_id")).only(
                "title", "url_path"
            )
        }
        kit = {"has_sample": False}
        for kind, through, field in (
            ("components", Adoption.components_used.through, "component_id"),
            ("offerings", Adoption.offerings_used.through, "offering_id"),
        ):
            rows = (
                through.objects.filter(adoption__in=adoptions)
                .order_by(field, "adoption__recipe__title")
                .values_list(field, "adoption__recipe_id", "adoption__is_sample")
            )
            found: dict[int, list] = {}
            for thing_id, recipe_id, is_sample in rows:
                found.setdefault(thing_id, []).append(recipes[recipe_id])
                kit["has_sample"] |= is_sample
            kit[kind] = found
        return kit
