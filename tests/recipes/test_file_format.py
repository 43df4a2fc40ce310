import io
import json

import pytest
from django.core.management import CommandError, call_command

from catalogue.models import ConformanceClaim, Offering
from recipes.interchange import recipes_export
from recipes.models import Adoption, RecipePage
from tests.factories import (
    AdoptionFactory,
    ComponentFactory,
    ConformanceClaimFactory,
    CouncilFactory,
    OfferingFactory,
    RecipePageFactory,
    StandardFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(recipe_index):
    """A valid file exported from this site: one recipe with a component, a standard and
    people, the offering that provides the component with a claim, and an adoption."""
    standard = StandardFactory(slug="uprn")
    component = ComponentFactory(slug="notify", standards=[standard])
    offering = OfferingFactory(slug="notify-plus", components=[component])
    ConformanceClaimFactory(offering=offering, standard=standard)
    recipe = RecipePageFactory(
        slug="missed-bin", components=[component], standards=[standard], people=[("Dev", "5")]
    )
    AdoptionFactory(recipe=recipe, council=CouncilFactory(code="LDS"))
    return recipes_export()


def import_file(tmp_path, document, *options) -> str:
    path = tmp_path / "recipes.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    out = io.StringIO()
    call_command("import_recipes", str(path), *options, stdout=out)
    return out.getvalue()


def problems(tmp_path, document) -> list[str]:
    """The lines import_recipes reports for an invalid file."""
    errors = io.StringIO()
    path = tmp_path / "invalid.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_recipes", str(path), "--publish", stderr=errors)
    return errors.getvalue().splitlines()


def test_rich_text_the_page_editor_could_not_write_is_refused(tmp_path, document):
    """Scripts, event attributes, javascript: links and unclosed tags in a file's rich text
    are refused with their place, and the recipe keeps its text."""
    recipe = document["recipes"][0]
    recipe["problem"] = '<p onclick="steal()">Hi</p><script>alert(1)</script>'
    recipe["method"][0]["body"] = '<p><a href="javascript:alert(1)">Start</a></p>'
    recipe["when_to_use"] = "<p>Use it <b>always</p>"

    found = problems(tmp_path, document)

    assert any(
        line.startswith("recipes[0].problem: <p> has the attribute 'onclick'")
        and "uses <script>" in line
        for line in found
    ), found
    assert any(
        line.startswith("recipes[0].method[0].body: links to 'javascript:alert(1)'")
        for line in found
    ), found
    assert "recipes[0].when_to_use: leaves <b> open inside <p>" in found
    assert "<script>" not in RecipePage.objects.get(slug="missed-bin").problem


def test_rich_text_as_wagtail_stores_it_is_accepted(tmp_path, document):
    """Block keys, bold, italic, lists and page links, as the admin's editor saves them,
    import unchanged."""
    html = (
        '<p data-block-key="k1x9a">A <b>bold</b>, <i>italic</i> and '
        '<a linktype="page" id="3">linked</a> line<br/>and more.</p>'
        '<ul data-block-key="k2"><li data-block-key="k3">One <a href="https://x.gov.uk/">x</a>'
        "</li></ul>"
    )
    document["recipes"][0]["problem"] = html

    import_file(tmp_path, document, "--publish")

    assert RecipePage.objects.get(slug="missed-bin").problem == html


def test_decimals_are_strings_or_whole_numbers_within_the_database_limits(tmp_path, document):
    """A float, a third decimal place, a negative price or a number too big for its
    column is refused where it is; whole numbers and blanks for optional values pass."""
    offering = document["offerings"][0]
    offering["price"] = 12.5
    offering["setup_fee"] = "1.005"
    offering["price_max"] = ""
    costs = document["recipes"][0]["costs"]
    costs["setup_min"] = "-1"
    costs["yearly_max"] = "10000000000"
    costs["staff_days"] = 30

    found = problems(tmp_path, document)

    assert 'offerings[0].price: must be a decimal written as a string, like "12.50"' in found
    assert "offerings[0].setup_fee: must have at most 2 decimal places" in found
    assert "recipes[0].costs.setup_min: must be 0 or more" in found
    assert "recipes[0].costs.yearly_max: '10000000000' is out of range" in found
    assert len(found) == 4, found


def test_values_the_database_would_reject_are_refused_before_writing(tmp_path, document):
    """A number too big for its column, two claims to one standard, text longer than its
    column or a NUL character (PostgreSQL stores none) is a reported problem, not a
    database error halfway through."""
    document["recipes"][0]["costs"]["weeks_to_launch"] = 40_000
    claims = document["offerings"][0]["claims"]
    claims.append(dict(claims[0]))
    document["standards"][0]["summary"] = "x" * 301
    document["recipes"][0]["method"][0]["title"] = "Start\u0000"

    found = problems(tmp_path, document)

    assert "recipes[0].costs.weeks_to_launch: must be 32767 or less" in found
    assert "offerings[0].claims: standard 'uprn' is listed twice" in found
    assert "standards[0].summary: must be 300 characters or fewer" in found
    assert "recipes[0].method[0].title: Null characters are not allowed." in found
    assert ConformanceClaim.objects.count() == 1


def test_the_models_own_validators_apply(tmp_path, document):
    """A G-Cloud ID, Companies House number or URL the site's forms would refuse is
    refused in a file too, with the model's message."""
    offering = document["offerings"][0]
    offering["gcloud_service_id"] = "12345"
    offering["repository_url"] = "javascript:alert(1)"
    document["suppliers"][0]["companies_house_number"] = "ABC"

    found = problems(tmp_path, document)

    assert (
        "offerings[0].gcloud_service_id: Enter a G-Cloud service ID as 15 digits, "
        "like 123456789012345"
    ) in found
    assert "offerings[0].repository_url: Enter a valid URL." in found
    assert any(line.startswith("suppliers[0].companies_house_number: Enter a") for line in found)
    assert len(found) == 3, found


def test_unknown_keys_and_slugs_listed_twice_are_named(tmp_path, document):
    """A misspelt key is refused rather than silently dropped, and each copy of a slug
    the file lists twice is pointed at."""
    document["recipes"][0]["sumary"] = "A typo"
    document["offerings"].append(dict(document["offerings"][0]))

    found = problems(tmp_path, document)

    assert "recipes[0].sumary: is not part of the format" in found
    assert "offerings[0].slug: 'notify-plus' appears twice in the file" in found
    assert "offerings[1].slug: 'notify-plus' appears twice in the file" in found


def test_ingredient_problems_point_at_the_ingredient_field(tmp_path, document):
    """An ingredient of an unknown type, or a people ingredient's bad days, is reported
    at that ingredient's field."""
    ingredients = document["recipes"][0]["ingredients"]
    people = next(i for i, item in enumerate(ingredients) if item["type"] == "people")
    ingredients[people]["days"] = "lots"
    ingredients.append({"type": "spice", "why": "Flavour"})

    found = problems(tmp_path, document)

    assert f"recipes[0].ingredients[{people}].days: 'lots' is not a number" in found
    last = len(ingredients) - 1
    assert any(
        line.startswith(f"recipes[0].ingredients[{last}].type: 'spice' is not one of")
        for line in found
    ), found


def test_ranges_run_upwards_and_a_recipe_is_not_related_to_itself(tmp_path, document):
    """A maximum below its minimum and a recipe listed as related to itself are refused."""
    recipe = document["recipes"][0]
    recipe["costs"]["setup_max"] = "1.00"
    recipe["related"] = ["missed-bin"]
    recipe["population_min"], recipe["population_max"] = 5000, 100
    document["offerings"][0]["price_max"] = "0.01"

    found = problems(tmp_path, document)

    assert "recipes[0].costs.setup_max: must not be less than setup_min" in found
    assert "recipes[0].related: a recipe cannot be related to itself" in found
    assert "recipes[0].population_max: must not be less than population_min" in found
    assert "offerings[0].price_max: must not be less than price" in found


def test_the_same_file_imported_twice_adds_nothing_the_second_time(tmp_path, document):
    """A second import of one file updates the recipe and its adoption in place, keeps the
    catalogue and creates no object."""
    RecipePage.objects.get(slug="missed-bin").delete()
    first = import_file(tmp_path, document, "--publish")
    counts = (RecipePage.objects.count(), Offering.objects.count(), Adoption.objects.count())

    second = import_file(tmp_path, document, "--publish")

    assert "Created: 1 adoptions, 1 recipes" in first
    assert "Created" not in second
    assert "Updated: 1 adoptions, 1 recipes" in second
    assert "Already here, left unchanged: 1 components, 1 offerings, 1 standards" in second
    assert counts == (
        RecipePage.objects.count(),
        Offering.objects.count(),
        Adoption.objects.count(),
    )


def test_a_site_without_a_home_page_is_told_how_to_build_one(tmp_path, document, home_page):
    """Importing into a site whose page tree has no place for recipes says what to run,
    and changes nothing."""
    home_page.delete()

    found = problems(tmp_path, document)

    assert found == [
        "The site has no home page for recipes to go under: run `manage.py load_demo_data` "
        "to build the page tree."
    ]
    assert not Offering.objects.filter(live=False).exists()
