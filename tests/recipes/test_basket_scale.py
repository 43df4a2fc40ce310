"""The basket at marketplace scale: a short ranked list per component, a fixed number of
queries and a bounded page whatever the size of the catalogue."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import ConformanceClaim, Offering
from catalogue.services import component_price_summary_rebuild
from tests.factories import (
    ComponentFactory,
    RecipePageFactory,
    StandardFactory,
    SupplierFactory,
)
from tests.pages import parse

pytestmark = pytest.mark.django_db


def more_offerings(components, count, standard):
    """count offerings for every component, in bulk, half of them claiming the standard."""
    supplier = SupplierFactory(live=True)
    offerings = Offering.objects.bulk_create(
        [
            Offering(
                supplier=supplier,
                name=f"Bulk {component.pk}-{count}-{n}",
                slug=f"bulk-{component.pk}-{count}-{n}",
                summary="Sample.",
                pricing_unit="per_year",
                price=Decimal(1000 + n),
                hosting="cloud_uk",
                live=True,
            )
            for component in components
            for n in range(count)
        ]
    )
    through = Offering.components.through
    through.objects.bulk_create(
        [
            through(offering_id=o.pk, component_id=components[i // count].pk)
            for i, o in enumerate(offerings)
        ]
    )
    ConformanceClaim.objects.bulk_create(
        [ConformanceClaim(offering=o, standard=standard) for o in offerings[::2]]
    )
    component_price_summary_rebuild()


def basket_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/basket/")
    assert response.status_code == 200
    return response, len(queries)


def test_basket_queries_and_size_stay_fixed_as_the_catalogue_grows(client, recipe_index):
    """Ten recipes' basket makes the same number of queries with 2 or 40 offerings per
    component, shows at most 5 products per component, and stays under 150 KB."""
    standard = StandardFactory()
    components = [ComponentFactory(standards=[standard]) for _ in range(12)]
    recipes = [
        RecipePageFactory(components=components[i : i + 3], standards=[standard]) for i in range(10)
    ]
    more_offerings(components, 2, standard)
    for recipe in recipes:
        client.post("/basket/add/", {"recipe": recipe.pk})
    client.get("/basket/")
    _small, small_queries = basket_queries(client)

    more_offerings(components, 38, standard)
    large, large_queries = basket_queries(client)

    assert large_queries == small_queries
    assert len(large.content) < 150_000
    page = parse(large)
    for component in components:
        section = page.find(id=f"line-{component.pk}")
        offered = section.find_all("input", attrs={"type": "radio"})
        assert len(offered) - 2 <= 5  # the shortlist, plus "already have" and "not decided"
        # Conforming products come first, and the rest are one link away.
        assert "See all 20 conforming products" in section.get_text(" ")
