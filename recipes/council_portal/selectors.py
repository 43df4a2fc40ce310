"""Reads for the council portal. Every query starts from the signed-in user's council
memberships, so another council's objects are simply not found (404)."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from catalogue.models import Component, Council, CouncilMembership
from catalogue.portal.selectors import (
    ModerationStatus,
    current_workflow_states,
    latest_version,
    moderation_status,
    single_status,
)
from catalogue.selectors import user_council_memberships

from ..models import Adoption, RecipePage, RecipeProposal


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


def council_proposal(council: Council, proposal_id: int) -> RecipeProposal:
    """One of the council's proposed recipes; 404 if it is another council's."""
    return get_object_or_404(
        RecipeProposal.objects.select_related("page", "based_on", "proposed_by"),
        pk=proposal_id,
        council=council,
    )


def proposal_status(proposal: RecipeProposal, state) -> ModerationStatus:
    """Where a proposal is: in review, changes requested (with the editor's comment),
    published, or not taken forward (the editor stopped its moderation or deleted it)."""
    if proposal.page is None:
        return ModerationStatus("Not taken forward", "red", "rejected")
    status = moderation_status(proposal.page, state)
    if status.key == "draft":
        return ModerationStatus("Not taken forward", "grey", "stopped")
    return status


def council_proposals_with_status(council: Council) -> list:
    """The council's proposed recipes, newest first, each with its status, in a fixed
    number of queries."""
    proposals = list(council.recipe_proposals.select_related("page", "based_on"))
    pages = [proposal.page for proposal in proposals if proposal.page is not None]
    states = current_workflow_states(pages)
    return [
        (proposal, proposal_status(proposal, states.get(str(proposal.page_id))))
        for proposal in proposals
    ]


def single_proposal_status(proposal: RecipeProposal) -> ModerationStatus:
    state = (
        current_workflow_states([proposal.page]).get(str(proposal.page_id))
        if (proposal.page)
        else None
    )
    return proposal_status(proposal, state)


COMPONENT_SEARCH_LIMIT = 10


def components_matching(query: str) -> list[Component]:
    """The components whose name or slug holds the words searched for, for the proposal
    form's search-then-pick: at most ten, so the page stays short at any catalogue size."""
    query = query.strip()
    if not query:
        return []
    return list(
        Component.objects.filter(Q(name__icontains=query) | Q(slug__icontains=query))
        .order_by("name")
        .only("name", "slug", "summary")[:COMPONENT_SEARCH_LIMIT]
    )
