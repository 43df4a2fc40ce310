import csv
import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from wagtail.models import Page, Revision

from catalogue.models import (
    Component,
    ConformanceClaim,
    Council,
    Offering,
    Standard,
    Supplier,
)
from catalogue.reference_data import OPEN_DATA
from recipes.demo_data import (
    DEMO_DIR,
    DemoReport,
    catalogue_load,
    page_tree_ensure,
    recipes_load,
)
from recipes.design_system import design_system_items
from recipes.models import Adoption, RecipePage
from tests.pages import parse, text

# Loading the demo saves hundreds of councils and pages; keeping the search index up to
# date would triple the time, and nothing here searches.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unindexed")]


@pytest.fixture(scope="module", autouse=True)
def first_run(shared_data):
    """The demo site, loaded once for this module as `make demo` loads it."""
    with shared_data():
        output = StringIO()
        call_command("load_demo_data", stdout=output)
        yield output.getvalue()


def demo_fixture(name):
    with (DEMO_DIR / name).open(encoding="utf-8") as source:
        return json.load(source)


def snapshot():
    """Everything a second load could change: a count of every model's rows, and the
    identity and published state of every page, offering, claim and adoption."""
    return {
        "counts": {
            model._meta.label: model._default_manager.count() for model in apps.get_models()
        },
        "revisions": Revision.objects.count(),
        "pages": sorted(
            Page.objects.values_list(
                "url_path", "title", "live", "latest_revision_id", "last_published_at"
            )
        ),
        "recipes": sorted(
            (page.slug, sorted(page.components_used.values_list("slug", flat=True)))
            for page in RecipePage.objects.all()
        ),
        "offerings": sorted(
            Offering.objects.values_list(
                "slug", "name", "live", "latest_revision_id", "price", "updated_at"
            )
        ),
        "claims": sorted(
            ConformanceClaim.objects.values_list("offering__slug", "standard__slug", "verified_at")
        ),
        "adoptions": sorted(
            Adoption.objects.values_list("recipe__slug", "council__code", "status", "updated_at")
        ),
        "suppliers": sorted(Supplier.objects.values_list("slug", "name", "is_sample")),
        "components": sorted(Component.objects.values_list("slug", "name")),
        "standards": sorted(Standard.objects.values_list("slug", "name")),
        "councils": sorted(Council.objects.values_list("code", "slug", "parent__code")),
    }


def test_loading_demo_data_twice_changes_nothing(first_run):
    """Running load_demo_data again creates, publishes and changes nothing, and says so."""
    before = snapshot()
    output = StringIO()

    call_command("load_demo_data", stdout=output)

    assert snapshot() == before
    assert "Demo data already loaded; nothing changed." in output.getvalue()
    assert "Created" in first_run


def content_counts(counts):
    return {
        label: count
        for label, count in counts.items()
        if label.split(".")[0] in {"catalogue", "recipes", "patterns_site"}
        or label == "wagtailcore.Page"
    }


def test_refreshing_demo_content_updates_in_place_without_duplicating(first_run):
    """Refreshing the demo catalogue and recipes puts edited demo content back as the
    fixtures have it, publishing new revisions but adding no other row."""
    before = snapshot()
    Offering.objects.update(name="Renamed by an editor")
    report = DemoReport()

    catalogue_load(demo_fixture("catalogue.json"), refresh=True, report=report)
    recipes_load(demo_fixture("recipes.json"), page_tree_ensure()[1], refresh=True, report=report)

    after = snapshot()
    assert report.created == {}
    assert report.updated["offerings"] == len(before["offerings"])
    assert report.updated["recipes"] == RecipePage.objects.count()
    assert content_counts(after["counts"]) == content_counts(before["counts"])
    assert after["revisions"] > before["revisions"]
    assert [row[:2] for row in after["offerings"]] == [row[:2] for row in before["offerings"]]
    assert [row[:2] for row in after["claims"]] == [row[:2] for row in before["claims"]]
    assert after["recipes"] == before["recipes"]


def test_demo_has_enough_content_to_show_every_page(first_run):
    """The demo has at least 8 live recipes, 12 components, 10 standards, 6 sample
    suppliers and 25 published offerings."""
    assert RecipePage.objects.live().count() >= 8
    assert Component.objects.count() >= 12
    assert Standard.objects.count() >= 10
    assert Supplier.objects.filter(is_sample=True).count() >= 6
    assert Offering.objects.public().count() >= 25


def test_demo_adoptions_are_by_real_councils_and_labelled_sample(first_run):
    """Every demo adoption is by a current council from mySociety's register, and is
    labelled as sample data."""
    with (OPEN_DATA / "uk_local_authorities.csv").open(encoding="utf-8-sig") as source:
        register = {
            row["local-authority-code"]: row["official-name"]
            for row in csv.DictReader(source)
            if row["current-authority"] == "True"
        }
    adoptions = list(Adoption.objects.select_related("council"))

    assert len(adoptions) >= 8
    assert {adoption.council.code for adoption in adoptions} <= register.keys()
    assert all(
        register[adoption.council.code] == adoption.council.official_name for adoption in adoptions
    )
    assert all(adoption.is_sample for adoption in adoptions)
    assert Adoption.objects.filter(status=Adoption.Status.LIVE).exists()


def test_demo_catalogue_passes_model_validation(first_run):
    """Demo suppliers, offerings and adoptions pass the rules an editor's would: valid
    G-Cloud IDs, Companies House numbers and live-since dates."""
    for instance in [
        *Supplier.objects.all(),
        *Offering.objects.all(),
        *Adoption.objects.all(),
    ]:
        instance.full_clean()


def test_demo_recipes_use_existing_design_system_patterns(first_run):
    """Every method step that names a GOV.UK Design System pattern names a real one, so
    its link appears."""
    known = design_system_items()

    chosen = [
        block.value["design_system"]
        for page in RecipePage.objects.live()
        for block in page.method
        if block.value["design_system"]
    ]

    assert chosen
    assert set(chosen) <= known.keys()


def test_every_demo_recipe_page_renders(client, first_run):
    """Each demo recipe page shows its title, its ingredients and its method."""
    for page in RecipePage.objects.live():
        response = client.get(page.url)

        assert response.status_code == 200, page.url
        soup = parse(response)
        assert text(soup.find("h1")) == page.title
        assert soup.select("#ingredients ~ table tbody tr"), page.url
        assert soup.select("ol.app-numbered-steps > li"), page.url


def test_every_demo_offering_page_renders(client, first_run):
    """Each published demo offering's page shows its name and price, and sample
    suppliers' offerings say they are fictional."""
    for offering in Offering.objects.public().select_related("supplier"):
        response = client.get(offering.get_absolute_url())

        assert response.status_code == 200, offering.slug
        soup = parse(response)
        assert text(soup.find("h1")) == offering.name
        inset = soup.find("div", class_="govuk-inset-text")
        assert (inset is not None) == offering.supplier.is_sample, offering.slug
