"""A council's pantry in the catalogue: what its staff entered, the components the listed
products provide, and the limits of the services that change it."""

from unittest import mock

import pytest

from catalogue import uses
from catalogue.models import CouncilPantryItem
from catalogue.selectors import council_pantry, pantry_have
from catalogue.services import PortalError, council_pantry_add, council_pantry_remove
from tests.factories import ComponentFactory, CouncilFactory, OfferingFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_on_its_own_the_catalogue_counts_what_staff_entered_and_what_products_provide():
    """With nothing above the catalogue (no adoptions), the pantry is the entries, and a
    listed product counts for every component it provides; a draft product for none."""
    council = CouncilFactory()
    forms, cases, payments, drafts = ComponentFactory.create_batch(4)
    platform = OfferingFactory(components=[cases, payments])
    draft = OfferingFactory(components=[drafts], live=False)
    user = UserFactory()
    council_pantry_add(council=council, user=user, component=forms)
    council_pantry_add(council=council, user=user, offering=platform)
    CouncilPantryItem.objects.create(council=council, offering=draft)
    with mock.patch.object(uses, "_provider", uses.NothingUsesIt()):
        pantry = council_pantry(council)
    assert pantry.component_ids == {forms.pk, cases.pk, payments.pk}
    assert [item.offering for item in pantry.reported_offerings] == [platform]
    assert pantry.adopted_components == [] and not pantry.is_empty
    assert pantry_have([payments.pk, drafts.pk, forms.pk, payments.pk], pantry) == [
        payments.pk,
        forms.pk,
    ]
    assert pantry_have([forms.pk], None) == []


def test_adding_a_draft_product_or_past_the_limit_is_refused():
    council = CouncilFactory()
    user = UserFactory()
    with pytest.raises(PortalError):
        council_pantry_add(council=council, user=user, offering=OfferingFactory(live=False))
    with (
        mock.patch("catalogue.services.PANTRY_MAX_ITEMS", 1),
        pytest.raises(PortalError, match="remove one first"),
    ):
        council_pantry_add(council=council, user=user, component=ComponentFactory())
        council_pantry_add(council=council, user=user, component=ComponentFactory())
    assert CouncilPantryItem.objects.count() == 1


def test_one_council_cannot_remove_anothers_entry():
    leeds, bradford = CouncilFactory(), CouncilFactory()
    component = ComponentFactory()
    item = CouncilPantryItem.objects.create(council=leeds, component=component)
    assert council_pantry_remove(council=bradford, item_id=item.pk) is None
    assert CouncilPantryItem.objects.filter(pk=item.pk).exists()
    assert council_pantry_remove(council=leeds, item_id=item.pk).component == component
    assert not CouncilPantryItem.objects.exists()
