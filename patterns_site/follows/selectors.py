"""Reads for following: which public thing a follow URL names, what a person follows,
and the events a digest holds."""

import operator
from functools import reduce

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from catalogue.models import Component, Offering, ServiceArea
from recipes.models import RecipePage

from ..models import Follow, FollowEvent

# URL word -> (target field, the public things of that kind, how a person reads the kind,
# everything of that kind, public or not).
KINDS = {
    "recipe": (
        "recipe",
        lambda: RecipePage.objects.live().public(),
        "recipe",
        lambda: RecipePage.objects.all(),
    ),
    "component": ("component", lambda: Component.objects.all(), "component", None),
    "offering": ("offering", lambda: Offering.objects.public(), "offering", Offering.objects.all),
    # Lists filter by the top-level areas, which cover their sub-areas' recipes.
    "service-area": (
        "service_area",
        lambda: ServiceArea.objects.filter(parent__isnull=True),
        "service area",
        None,
    ),
}


def follow_target_get(*, kind: str, slug: str, public: bool = True):
    """The public recipe, component, offering or top-level service area a follow URL
    names; a 404 for anything else (a draft, a withdrawn offering, a sub-area, none).
    With public=False, also one no longer public, which a follower may stop following."""
    if kind not in KINDS:
        raise Http404
    field, public_things, _label, all_things = KINDS[kind]
    things = public_things if public or all_things is None else all_things
    target = things().filter(slug=slug).first()
    if target is None:
        raise Http404
    return field, target


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
    return target.get_absolute_url()


def is_public(target) -> bool:
    """Whether a followed thing can still be seen (read from what user_follows loaded)."""
    if isinstance(target, RecipePage):
        return target.live
    if isinstance(target, Offering):
        return target.is_public
    return True


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
