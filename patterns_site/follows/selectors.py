"""Reads for following: which public thing a follow URL names, what a person follows,
and the events a digest holds."""

import operator
from functools import reduce

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from catalogue.models import Component, Offering, ServiceArea
from recipes.models import RecipePage

from ..models import Follow, FollowEvent

# URL word -> (target field, the public things of that kind, how a person reads the kind).
KINDS = {
    "recipe": ("recipe", lambda: RecipePage.objects.live().public(), "recipe"),
    "component": ("component", lambda: Component.objects.all(), "component"),
    "offering": ("offering", lambda: Offering.objects.public(), "offering"),
    # Lists filter by the top-level areas, which cover their sub-areas' recipes.
    "service-area": (
        "service_area",
        lambda: ServiceArea.objects.filter(parent__isnull=True),
        "service area",
    ),
}
KIND_OF_FIELD = {field: kind for kind, (field, _q, _label) in KINDS.items()}


def follow_target_get(*, kind: str, slug: str):
    """The public recipe, component, offering or top-level service area a follow URL
    names; a 404 for anything else (a draft, a withdrawn offering, a sub-area, none)."""
    if kind not in KINDS:
        raise Http404
    target = KINDS[kind][1]().filter(slug=slug).first()
    if target is None:
        raise Http404
    return KINDS[kind][0], target


def follow_kind_of(target) -> str:
    """The URL word for a target object."""
    if isinstance(target, RecipePage):
        return "recipe"
    if isinstance(target, Component):
        return "component"
    if isinstance(target, Offering):
        return "offering"
    if isinstance(target, ServiceArea):
        return "service-area"
    raise TypeError(f"Nothing follows a {type(target).__name__}")


def target_url(target) -> str:
    if isinstance(target, RecipePage):
        return target.url
    if isinstance(target, ServiceArea):
        return f"/recipes/?service_area={target.slug}"
    return target.get_absolute_url()


def is_following(*, user, target) -> bool:
    field = KINDS[follow_kind_of(target)][0]
    return Follow.objects.filter(user=user, **{f"{field}_id": target.pk}).exists()


def user_follows(*, user) -> QuerySet[Follow]:
    """What a person follows, newest first, with everything its list shows in one query."""
    return Follow.objects.filter(user=user).select_related(
        "recipe", "component", "offering__supplier", "service_area"
    )


def digest_events(*, user, since, until) -> QuerySet[FollowEvent]:
    """Events after `since` (None for no bound) up to `until` about what the person
    followed, each only if they followed it before it happened. One query whatever the
    number of follows or events."""
    followed = reduce(
        operator.or_,
        [
            Exists(
                Follow.objects.filter(
                    user=user,
                    **{f"{field}_id": OuterRef(f"{field}_id")},
                    created_at__lt=OuterRef("created_at"),
                )
            )
            for field in FollowEvent.TARGET_FIELDS
        ],
    )
    events = FollowEvent.objects.filter(followed, created_at__lte=until)
    if since is not None:
        events = events.filter(created_at__gt=since)
    return events.order_by("-created_at", "-pk")
