"""Each recipe keeps how many councils anyone may see recorded it (RecipePage.adoption_count),
with its map: the lists sort by it and the cards show it, so it must equal a recount after
every change, and neither it nor the map may show an adoption an editor has not approved."""

from decimal import Decimal

import pytest

from recipes.models import Adoption, RecipePage
from recipes.selectors import most_adopted_recipe_ids
from recipes.services import adoption_counts_rebuild
from tests.factories import AdoptionFactory, CouncilFactory, RecipePageFactory

pytestmark = pytest.mark.django_db


def placed(name, lat, lon):
    return CouncilFactory(name=name, latitude=Decimal(lat), longitude=Decimal(lon))


def stored(page) -> int:
    return RecipePage.objects.get(pk=page.pk).adoption_count


def recounted(page) -> int:
    return sum(1 for adoption in Adoption.objects.filter(recipe=page) if adoption.live)


def test_the_count_follows_adoptions_approved_unpublished_and_deleted(
    django_capture_on_commit_callbacks,
):
    page = RecipePageFactory()
    with django_capture_on_commit_callbacks(execute=True):
        approved = AdoptionFactory(recipe=page, council=placed("Leeds", "53.8", "-1.5"))
        waiting = AdoptionFactory(recipe=page, council=placed("Camden", "51.5", "-0.1"), live=False)
    assert stored(page) == recounted(page) == 1
    svg = RecipePage.objects.get(pk=page.pk).adoption_map_svg
    assert approved.council.name in svg
    assert waiting.council.name not in svg  # not on the map before an editor approves it

    with django_capture_on_commit_callbacks(execute=True):
        waiting.save_revision().publish()
    assert stored(page) == recounted(page) == 2
    assert waiting.council.name in RecipePage.objects.get(pk=page.pk).adoption_map_svg

    approved.unpublish()  # counted at once, in the transaction (the map after the commit)
    assert stored(page) == recounted(page) == 1

    with django_capture_on_commit_callbacks(execute=True):
        waiting.delete()
    assert stored(page) == recounted(page) == 0


def test_publishing_an_older_revision_of_the_recipe_keeps_todays_count(
    django_capture_on_commit_callbacks,
):
    """A revision holds the count of its day; a full save counts again."""
    page = RecipePageFactory()
    old = page.save_revision()
    with django_capture_on_commit_callbacks(execute=True):
        AdoptionFactory(recipe=page, council=CouncilFactory())
    assert stored(page) == 1
    old.publish()
    assert stored(page) == recounted(page) == 1


def test_most_adopted_counts_only_what_anyone_may_see_and_the_bulk_rebuild_restores_it(
    django_capture_on_commit_callbacks,
):
    busy, quiet = RecipePageFactory(title="B busy"), RecipePageFactory(title="A quiet")
    with django_capture_on_commit_callbacks(execute=True):
        AdoptionFactory(recipe=busy, council=CouncilFactory())
        for _ in range(3):
            AdoptionFactory(recipe=quiet, council=CouncilFactory(), live=False)
    assert most_adopted_recipe_ids(2) == [busy.pk, quiet.pk]

    # Adoptions written in bulk (seed_scale) send no signal until the rebuild.
    Adoption.objects.bulk_create(
        [Adoption(recipe=quiet, council=CouncilFactory()) for _ in range(2)]
    )
    assert stored(quiet) == 0
    adoption_counts_rebuild(recipe_ids=[quiet.pk])
    assert stored(quiet) == recounted(quiet) == 2
    assert most_adopted_recipe_ids(2) == [quiet.pk, busy.pk]
