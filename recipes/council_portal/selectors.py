"""Reads for the council portal. Every query starts from the signed-in user's council
memberships, so another council's objects are simply not found (404)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from catalogue.models import Council, CouncilMembership
from catalogue.selectors import user_council_memberships


def user_memberships(user) -> QuerySet[CouncilMembership]:
    return user_council_memberships(user)


def user_council(user, council_slug: str) -> Council:
    """The council, if the user is one of its staff; 404 otherwise."""
    return get_object_or_404(
        Council.objects.select_related("council_type"),
        slug=council_slug,
        memberships__user=user,
    )
