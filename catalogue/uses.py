"""What the apps built on the catalogue say about its items.

The catalogue's pages show which recipes need a component or a standard and which recipes
a council runs, but recipes live in an app above the catalogue, which the catalogue may not
import and whose tables it does not query. That app registers a provider when Django starts
(recipes/apps.py); the catalogue asks it through uses(). With no provider registered
(the catalogue on its own) nothing uses anything.
"""

from typing import Protocol

from django.db.models import QuerySet
from wagtail.models import Page


class CatalogueUses(Protocol):
    def component_needs(self) -> QuerySet | None:
        """Rows with a component_id, one for each live recipe that needs the component."""

    def recipes_needing(self, item) -> QuerySet:
        """Live recipe pages that need a component or a standard."""

    def adoption_counts(self) -> QuerySet | None:
        """Rows with a council_id, one for each adoption of a live recipe."""

    def council_adoptions(self, council) -> QuerySet:
        """A council's approved adoptions of live recipes, with what their rows show."""

    def adoptions_using(self, item) -> QuerySet | None:
        """Approved adoptions of live recipes that record using a component or an offering,
        with their council and recipe."""

    def reviews_of(self, offering) -> QuerySet | None:
        """Councils' reviews of an offering (with public(), the rule for which count)."""

    def adopted_kit(self, council) -> dict[str, dict[int, list]]:
        """What a council's approved adoptions of live recipes record using:
        {"components": {component id: [recipes]}, "offerings": {offering id: [recipes]},
        "has_sample": whether any of those adoptions is sample data}, each recipe with
        title and url. A fixed number of queries."""

    def offering_reviews(self) -> QuerySet | None:
        """Councils' reviews of any offering, with an offering field (for lists to
        annotate each offering's rating)."""


class NothingUsesIt:
    """The catalogue on its own: no counts to make, and empty lists."""

    def component_needs(self):
        return None

    def recipes_needing(self, item):
        return Page.objects.none()

    def adoption_counts(self):
        return None

    def council_adoptions(self, council):
        return []

    def adoptions_using(self, item):
        return None

    def reviews_of(self, offering):
        return None

    def adopted_kit(self, council):
        return {"components": {}, "offerings": {}, "has_sample": False}

    def offering_reviews(self):
        return None


_provider: CatalogueUses = NothingUsesIt()


def register(provider: CatalogueUses) -> None:
    global _provider
    _provider = provider


def uses() -> CatalogueUses:
    return _provider
