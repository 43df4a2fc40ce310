"""Reads for the council portal. Every query starts from the signed-in user's council
memberships, so another council's objects are simply not found (404)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from catalogue.models import Council, CouncilMembership
from catalogue.portal.selectors import (
    current_workflow_states,
    latest_version,
    moderation_status,
    single_status,
)
from catalogue.selectors import user_council_memberships

from ..models import Adoption, RecipePage


def user_memberships(user) -> QuerySet[CouncilMembership]:
    return user_council_memberships(user)


def user_council(user, council_slug: str) -> Council:
    """The council, if the user is one of its staff; 404 otherwise."""
    return get_object_or_404(
        Council.objects.select_related("council_type"),
        slug=council_slug,
        memberships__user=user,
    )


def council_adoption(council: Council, adoption_id: int) -> Adoption:
    """One of the council's adoptions; 404 if it is another council's."""
    return get_object_or_404(
        Adoption.objects.select_related("recipe"), pk=adoption_id, council=council
    )


def council_adoptions_with_status(council: Council) -> list:
    """The council's adoptions, each with its moderation status and its latest version
    (which may be newer than the public one), in a fixed number of queries."""
    adoptions = list(
        council.adoptions.select_related("recipe")
        .prefetch_related("offerings_used")
        .order_by("recipe__title")
    )
    states = current_workflow_states(adoptions)
    return [
        (adoption, moderation_status(adoption, states.get(str(adoption.pk))))
        for adoption in adoptions
    ]


def recordable_recipe(recipe_id) -> RecipePage:
    return get_object_or_404(RecipePage.objects.live(), pk=recipe_id)


__all__ = ["latest_version", "single_status"]


def council_reviews_with_status(council: Council) -> list:
    """The council's reviews, each with its moderation status, in a fixed number of
    queries."""
    reviews = list(council.reviews.select_related("recipe", "offering").order_by("-updated_at"))
    states = current_workflow_states(reviews)
    return [(review, moderation_status(review, states.get(str(review.pk)))) for review in reviews]
