import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from catalogue.models import Component, ConformanceClaim, Offering, Standard, Supplier
from recipes.interchange import recipes_export
from recipes.models import Adoption, RecipePage
from tests.factories import (
    AdoptionFactory,
    AdoptionOutcomeFactory,
    ComponentFactory,
    ConformanceClaimFactory,
    CouncilFactory,
    CouncilTypeFactory,
    LocalServiceFactory,
    OfferingFactory,
    RecipePageFactory,
    ServiceAreaFactory,
    StandardFactory,
    stream,
)

pytestmark = pytest.mark.django_db


def build_recipes():
    """Two related recipes with every part filled in, and the catalogue they use."""
    uprn = StandardFactory(slug="uprn", name="UPRN")
    wcag = StandardFactory(slug="wcag-22", name="WCAG 2.2")
    notify = ComponentFactory(slug="notify", name="Send notifications", standards=[wcag])
    address = ComponentFactory(slug="address", name="Look up an address")
    offering = OfferingFactory(
        slug="notify-plus", components=[notify], price=Decimal("99.99"), setup_fee=Decimal("10")
    )
    ConformanceClaimFactory(offering=offering, standard=wcag, verified=True)
    ConformanceClaimFactory(offering=offering, standard=uprn)
    district = CouncilTypeFactory(code="NMD", name="District", plural_name="Districts")
    bins = RecipePageFactory(
        slug="missed-bin",
        title="Report a missed bin",
        components=[notify, address],
        standards=[uprn],
        people=[("Developer", "12.5")],
        serves=[district],
        service_areas=[ServiceAreaFactory()],
        last_reviewed="2026-02-09",
        outcomes=stream(
            [
                (
                    "outcome",
                    {
                        "metric": "Online",
                        "value": "70",
                        "baseline": "20.5",
                        "unit": "percent",
                        "source": "Sample",
                    },
                )
            ]
        ),
        variations=stream(
            [("variation", {"council_type": "CTY", "title": "Counties", "body": "<p>Adapt.</p>"})]
        ),
    )
    bins.lgsl_links.create(service=LocalServiceFactory())
    other = RecipePageFactory(slug="garden-waste", components=[address])
    page = RecipePage.objects.get(pk=bins.pk)
    page.related_links.create(related=other)
    page.save_revision().publish()
    adoption = AdoptionFactory(
        recipe=bins, council=CouncilFactory(code="LDS"), live_since="2025-01-01", is_sample=True
    )
    AdoptionOutcomeFactory(adoption=adoption, value=Decimal("64.5"), baseline=Decimal("10"))
    AdoptionFactory(recipe=other, council=CouncilFactory(code="YRK"), status="exploring")


def snapshot(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "exported_at"}


def write(tmp_path, document, name="recipes.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def clear_recipes_and_catalogue():
    Adoption.objects.all().delete()
    for page in RecipePage.objects.all():
        page.delete()
    ConformanceClaim.objects.all().delete()
    Offering.objects.all().delete()
    Supplier.objects.all().delete()
    Component.objects.all().delete()
    Standard.objects.all().delete()


def test_export_then_import_into_an_empty_site_gives_the_same_content(tmp_path, recipe_index):
    """Recipes exported, cleared away with their catalogue, and imported back come out
    identical: ingredients, method, costs, outcomes, adoptions, offerings and claims."""
    build_recipes()
    output = tmp_path / "export.json"
    call_command("export_recipes", "--output", str(output))
    before = json.loads(output.read_text(encoding="utf-8"))
    assert [r["slug"] for r in before["recipes"]] == ["garden-waste", "missed-bin"]
    assert before["offerings"][0]["claims"][1]["status"] == "verified"

    clear_recipes_and_catalogue()
    assert not RecipePage.objects.exists()
    call_command("import_recipes", str(output), "--publish")

    assert snapshot(recipes_export()) == snapshot(before)
    imported = RecipePage.objects.get(slug="missed-bin")
    assert imported.live
    assert imported.components_used.count() == 2


def test_import_without_publish_saves_drafts(tmp_path, recipe_index):
    """Without --publish, new recipes are drafts and new offerings unpublished."""
    build_recipes()
    document = recipes_export(["missed-bin"])
    clear_recipes_and_catalogue()
    call_command("import_recipes", write(tmp_path, {**document}))
    page = RecipePage.objects.get(slug="missed-bin")
    assert not page.live
    assert page.latest_revision.as_object().title == "Report a missed bin"
    assert not Offering.objects.public().exists()


def test_existing_catalogue_objects_are_kept_as_they_are(tmp_path, recipe_index):
    """A component the site already has keeps its own name; the recipe links to it."""
    build_recipes()
    document = recipes_export(["missed-bin"])
    Component.objects.filter(slug="notify").update(name="Our own notify name")
    RecipePage.objects.get(slug="missed-bin").delete()
    call_command("import_recipes", write(tmp_path, document), "--publish")
    assert Component.objects.get(slug="notify").name == "Our own notify name"
    page = RecipePage.objects.get(slug="missed-bin")
    assert "notify" in set(page.components_used.values_list("slug", flat=True))


def test_invalid_file_reports_every_problem_with_its_location_and_changes_nothing(
    tmp_path, recipe_index
):
    """Each error names where it is, and nothing is imported, not even the valid parts."""
    build_recipes()
    document = recipes_export()
    clear_recipes_and_catalogue()
    document["recipes"][1]["ingredients"][0]["component"] = "no-such-component"
    document["recipes"][1]["adoptions"][0]["council"] = "ZZZ"
    document["recipes"][1]["costs"]["setup_min"] = "lots"
    document["recipes"][0]["maturity"] = "ripe"
    document["offerings"][0]["pricing_unit"] = "per_fortnight"
    path = write(tmp_path, document)
    with pytest.raises(CommandError, match="5 problem"):
        call_command("import_recipes", path, "--publish", stderr=(errors := io.StringIO()))
    output = errors.getvalue()
    assert "recipes[1].ingredients[0].component: unknown component 'no-such-component'" in output
    assert "recipes[1].adoptions[0].council: unknown council code 'ZZZ'" in output
    assert "recipes[1].costs.setup_min: 'lots' is not a number" in output
    assert "recipes[0].maturity: 'ripe' is not one of" in output
    assert "offerings[0].pricing_unit" in output
    assert not RecipePage.objects.exists()
    assert not Component.objects.exists()
    assert not Offering.objects.exists()


def test_dry_run_reports_but_saves_nothing(tmp_path, recipe_index):
    """--dry-run validates and counts what it would do, then rolls everything back."""
    build_recipes()
    document = recipes_export()
    clear_recipes_and_catalogue()
    out = io.StringIO()
    call_command("import_recipes", write(tmp_path, document), "--dry-run", stdout=out)
    assert "Created: 2 adoptions, 2 components, 1 offerings, 2 recipes" in out.getvalue()
    assert "Dry run" in out.getvalue()
    assert not RecipePage.objects.exists()
    assert not Component.objects.exists()


def test_not_json_or_wrong_format_is_a_clear_error(tmp_path, recipe_index):
    """A file that is not JSON, or not this format, is refused with the reason."""
    broken = tmp_path / "broken.json"
    broken.write_text('{"recipes": [', encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_recipes", str(broken), stderr=(err := io.StringIO()))
    assert "line 1" in err.getvalue()
    with pytest.raises(CommandError):
        call_command(
            "import_recipes",
            write(tmp_path, {"format": "other", "recipes": []}, "other.json"),
            stderr=(err := io.StringIO()),
        )
    assert "format: must be 'plumbing-recipes'" in err.getvalue()


def test_export_of_an_unknown_slug_is_an_error(recipe_index):
    """Asking to export a recipe that is not live says which slug is wrong."""
    with pytest.raises(CommandError, match="no-such-recipe"):
        call_command("export_recipes", "no-such-recipe")
