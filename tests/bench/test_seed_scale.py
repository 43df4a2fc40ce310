from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.search.backends import get_search_backend

from catalogue.models import Component, ConformanceClaim, Offering, Supplier
from recipes.models import Adoption, RecipePage
from tests.factories import (
    AdoptionFactory,
    ComponentFactory,
    ConformanceClaimFactory,
    CouncilFactory,
    OfferingFactory,
    RecipePageFactory,
    StandardFactory,
    SupplierFactory,
)
from tests.pages import page_text

pytestmark = pytest.mark.django_db

SMALL = {"recipes": 5, "offerings": 40, "suppliers": 4, "components": 3, "adoptions": 2}


@pytest.fixture
def demo(recipe_index):
    """A little hand-made catalogue standing in for the demo content."""
    component = ComponentFactory(name="Look up an address", slug="look-up-an-address")
    standard = StandardFactory(name="Unique Property Reference Number", slug="uprn")
    supplier = SupplierFactory(name="Real Supplier Ltd", slug="real-supplier")
    offering = OfferingFactory(supplier=supplier, components=[component], slug="real-offering")
    ConformanceClaimFactory(offering=offering, standard=standard)
    councils = CouncilFactory.create_batch(6)
    recipe = RecipePageFactory(title="Report a missed bin", components=[component])
    adoption = AdoptionFactory(recipe=recipe, council=councils[0])
    return {"component": component, "offering": offering, "recipe": recipe, "adoption": adoption}


def search(query, model):
    return get_search_backend().search(query, model)


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_scale", **{**SMALL, "seed": 7, **options}, stdout=out)
    return out.getvalue()


def test_seed_creates_the_numbers_asked_for_all_marked_synthetic(demo):
    """Every generated supplier, offering and recipe is named and slugged as synthetic, and
    suppliers and adoptions are flagged as sample data so the site labels them."""
    seed()
    suppliers = Supplier.objects.filter(slug__startswith="synthetic-")
    offerings = Offering.objects.filter(slug__startswith="synthetic-")
    recipes = RecipePage.objects.filter(slug__startswith="synthetic-")
    assert suppliers.count() == 4
    assert offerings.count() == 40
    assert recipes.count() == 5
    assert Component.objects.filter(slug__startswith="synthetic-").count() == 3
    assert all(s.name.startswith("[Synthetic] ") and s.is_sample for s in suppliers)
    assert all(o.name.startswith("[Synthetic] ") for o in offerings)
    assert all(r.title.startswith("[Synthetic] ") for r in recipes)
    assert all(a.is_sample for a in Adoption.objects.filter(recipe__in=recipes))


def test_seed_output_shows_progress_and_totals(demo):
    """The command prints a line per batch with counts and a rate, then totals and time."""
    output = seed(batch_size=15)
    assert "offerings: 15/40" in output
    assert "offerings: 40/40" in output
    assert "/s)" in output
    assert "Created 3 components, 4 suppliers" in output
    assert "40 offerings, 5 recipes" in output
    assert "Done in" in output


def test_offerings_are_varied_like_real_listings(demo):
    """Offerings use demo and synthetic components, several pricing units and hostings,
    and include drafts, withdrawn ones, price ranges and verified claims."""
    seed(offerings=200)
    offerings = Offering.objects.filter(slug__startswith="synthetic-")
    assert offerings.filter(components=demo["component"]).exists()
    assert offerings.filter(components__slug__startswith="synthetic-").exists()
    assert offerings.values("pricing_unit").distinct().count() == 4
    assert offerings.values("hosting").distinct().count() == 4
    assert offerings.filter(live=False).exists()
    assert offerings.filter(withdrawn_at__isnull=False).exists()
    assert offerings.public().count() > offerings.count() * 0.7
    assert offerings.filter(price_max__gt=0).exists()
    claims = ConformanceClaim.objects.filter(offering__in=offerings)
    assert claims.filter(verified_at__isnull=False).exists()
    assert claims.filter(verified_at__isnull=True).exists()


def test_synthetic_recipe_page_shows_its_ingredients_and_adoptions(client, demo):
    """A generated recipe is served like any other: its components, standards and the
    councils that adopted it are on the page."""
    seed(adoptions=3)
    recipe = (
        RecipePage.objects.live()
        .filter(slug__startswith="synthetic-", adoptions__isnull=False)
        .first()
    )
    response = client.get(recipe.url)
    assert response.status_code == 200
    text = page_text(response)
    assert recipe.title in text
    assert {c.name for c in recipe.components_used.all()} == {
        item["component"].name for item in recipe.component_ingredients
    }
    for component in recipe.components_used.all():
        assert component.name in text
    assert recipe.adoptions.first().council.name in text


def test_pages_can_still_be_added_under_the_index_after_seeding(demo, recipe_index):
    """The bulk-inserted pages keep the page tree valid, so an editor's next recipe gets
    its own place in it."""
    seed()
    recipe_index.refresh_from_db()
    assert recipe_index.numchild == recipe_index.get_children().count() == 6
    page = RecipePageFactory(title="A recipe added by an editor")
    assert page.get_parent().pk == recipe_index.pk
    assert RecipePage.find_problems() == ([], [], [], [], [])


def test_synthetic_objects_can_be_found_by_search(demo):
    """Generated offerings and recipes are in the search index."""
    seed()
    assert search("Synthetic", Offering).count() == 40
    assert RecipePage.objects.live().search("Synthetic").count() == (
        RecipePage.objects.live().filter(slug__startswith="synthetic-").count()
    )


def test_supplier_page_labels_a_synthetic_supplier_as_sample_data(client, demo):
    """A generated supplier's page carries the sample-data label."""
    seed()
    supplier = Supplier.objects.filter(slug__startswith="synthetic-").first()
    text = page_text(client.get(supplier.get_absolute_url()))
    assert "Sample data" in text
    assert "fictional supplier" in text


def test_same_seed_gives_the_same_data(demo):
    """--seed makes runs reproducible."""

    def snapshot():
        return list(
            Offering.objects.filter(slug__startswith="synthetic-")
            .order_by("slug")
            .values_list("slug", "price", "pricing_unit", "hosting", "live")
        )

    seed()
    first = snapshot()
    call_command("seed_scale", clear=True, stdout=StringIO())
    seed()
    assert snapshot() == first


def test_clear_removes_synthetic_objects_and_keeps_demo_data(demo, recipe_index):
    """--clear deletes every synthetic object and its search entries, and nothing else."""
    seed()
    out = StringIO()
    call_command("seed_scale", clear=True, stdout=out)
    assert "Deleted" in out.getvalue()
    for model in (Supplier, Offering, Component, RecipePage):
        assert not model.objects.filter(slug__startswith="synthetic-").exists()
    assert Offering.objects.filter(pk=demo["offering"].pk).exists()
    assert Component.objects.filter(pk=demo["component"].pk).exists()
    assert RecipePage.objects.filter(pk=demo["recipe"].pk).exists()
    assert Adoption.objects.filter(pk=demo["adoption"].pk).exists()
    assert ConformanceClaim.objects.filter(offering=demo["offering"]).exists()
    recipe_index.refresh_from_db()
    assert recipe_index.numchild == 1
    assert search("Synthetic", Offering).count() == 0


def test_negative_counts_are_refused(demo):
    """A negative number is a clear error, not a crash."""
    with pytest.raises(CommandError, match="--offerings must be 0 or more"):
        seed(offerings=-1)


def _index_rows():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT content_type_id, object_id, title::text, autocomplete::text, body::text,"
            " title_text, body_text FROM wagtailsearch_indexentry"
            " ORDER BY content_type_id, object_id"
        )
        return cursor.fetchall()


def test_index_rows_compiled_once_equal_the_backends_own(demo):
    """The seed's faster indexing writes exactly the rows the search backend writes."""
    from wagtail.search.models import IndexEntry

    from bench.scale_data import vectors_compiled_once

    seed()
    offerings = list(Offering.objects.select_related("supplier").prefetch_related("components"))
    recipes = list(RecipePage.objects.all())
    suppliers = list(Supplier.objects.all())
    backend = get_search_backend()

    def index_all():
        IndexEntry.objects.all().delete()
        for model, objects in ((Offering, offerings), (RecipePage, recipes), (Supplier, suppliers)):
            backend.add_bulk(model, objects)
        return _index_rows()

    expected = index_all()
    with vectors_compiled_once():
        compiled = index_all()
    assert len(expected) >= len(offerings) + len(recipes) + len(suppliers)
    assert compiled == expected
