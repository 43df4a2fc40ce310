"""Record follow events as things happen, connected in PatternsSiteConfig.ready().

Each receiver runs inside the publish or save that sent its signal, in a savepoint, and
logs rather than raises: recording who should hear about a change must never stop an
editor publishing it."""

import functools
import logging

from django.db import transaction
from django.db.models.signals import post_save
from wagtail.signals import page_published, published

from catalogue.models import Component, Offering, ServiceArea
from recipes.models import Adoption, RecipePage

from ..models import FollowEvent
from .services import follow_event_record

logger = logging.getLogger(__name__)


def _never_raises(receiver):
    @functools.wraps(receiver)
    def safe(*args, **kwargs):
        try:
            with transaction.atomic():
                receiver(*args, **kwargs)
        except Exception:
            logger.exception("Could not record a follow event in %s", receiver.__name__)

    return safe


def _first_publish(instance) -> bool:
    # Wagtail sets both to the same moment when a thing is published for the first time.
    return instance.first_published_at == instance.last_published_at


def _top_level_area_ids(areas) -> set[int]:
    return {parent_id or pk for pk, parent_id in areas.values_list("pk", "parent_id")}


@_never_raises
def recipe_published(sender, instance, revision=None, **kwargs):
    """A recipe published: its followers hear, with the editor's change note; when it is
    new, the followers of its service areas hear too."""
    if not instance.live:  # scheduled for later: it is published when it goes live
        return
    first = _first_publish(instance)
    targets = {"recipe": [instance.pk]}
    if first:
        targets["service_area"] = list(_top_level_area_ids(instance.service_areas.all()))
    follow_event_record(
        kind=FollowEvent.Kind.NEW_RECIPE if first else FollowEvent.Kind.PUBLISHED,
        targets=targets,
        headline=f"New recipe: {instance.title}" if first else f"{instance.title} was updated",
        summary=instance.change_summary,
        path=instance.url or "",
    )


@_never_raises
def offering_published(sender, instance, revision=None, **kwargs):
    """An offering approved: when new, the followers of the components it provides and of
    the service areas whose recipes use them hear; afterwards, its own followers do."""
    if not instance.is_public:
        return
    path = instance.get_absolute_url()
    if not _first_publish(instance):
        follow_event_record(
            kind=FollowEvent.Kind.UPDATED,
            targets={"offering": [instance.pk]},
            headline=f"{instance.name} from {instance.supplier.name} was updated",
            path=path,
        )
        return
    component_ids = list(instance.components.values_list("pk", flat=True))
    areas = ServiceArea.objects.filter(
        recipes__live=True, recipes__components_used__in=component_ids
    ).distinct()
    follow_event_record(
        kind=FollowEvent.Kind.NEW_OFFERING,
        targets={"component": component_ids, "service_area": list(_top_level_area_ids(areas))},
        headline=f"New offering: {instance.name} from {instance.supplier.name}",
        summary=instance.summary,
        path=path,
    )


@_never_raises
def component_saved(sender, instance, created=False, raw=False, **kwargs):
    """An editor changed a component: its followers hear. A new component has none."""
    if created or raw:
        return
    follow_event_record(
        kind=FollowEvent.Kind.UPDATED,
        targets={"component": [instance.pk]},
        headline=f"{instance.name} was updated",
        summary=instance.summary,
        path=instance.get_absolute_url(),
    )


@_never_raises
def adoption_published(sender, instance, revision=None, **kwargs):
    """An editor approved a council's adoption: the followers of the recipe and of the
    components and offerings it used hear that the council cooks it."""
    if not instance.live:
        return
    council, recipe = instance.council.name, instance.recipe.title
    if _first_publish(instance):
        headline = f"{council} cooks {recipe} ({instance.get_status_display().lower()})"
    else:
        headline = f"{council} updated how it cooks {recipe}"
    if instance.is_sample:
        headline += " – sample data"
    follow_event_record(
        kind=FollowEvent.Kind.ADOPTED,
        targets={
            "recipe": [instance.recipe_id],
            "component": list(instance.components_used.values_list("pk", flat=True)),
            "offering": list(instance.offerings_used.values_list("pk", flat=True)),
        },
        headline=headline,
        path=instance.get_absolute_url(),
    )


def connect_signals() -> None:
    page_published.connect(recipe_published, sender=RecipePage, dispatch_uid="follows.recipe")
    published.connect(offering_published, sender=Offering, dispatch_uid="follows.offering")
    published.connect(adoption_published, sender=Adoption, dispatch_uid="follows.adoption")
    post_save.connect(component_saved, sender=Component, dispatch_uid="follows.component")
