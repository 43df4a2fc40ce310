from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from catalogue.models import Council
from recipes.models import Adoption, RecipePage
from tests.factories import (
    AdoptionFactory,
    AdoptionOutcomeFactory,
    CouncilFactory,
    RecipePageFactory,
    stream,
)
from tests.pages import parse, table_with_caption, text

pytestmark = pytest.mark.django_db


def test_target_outcome_is_drawn_as_before_and_after_bars_with_unit_date_and_source(client):
    """A target outcome becomes two labelled bars, the after bar longer for the larger
    figure, with values written as the table writes them, and its unit, date and source
    beneath."""
    page = RecipePageFactory(
        outcomes=stream(
            [
                (
                    "outcome",
                    {
                        "metric": "Reports made online",
                        "value": "78",
                        "baseline": "41",
                        "unit": "percent",
                        "source": "Council survey",
                        "date": "2025-03-01",
                    },
                )
            ]
        )
    )
    soup = parse(client.get(page.url))
    figure = soup.select_one(".app-chart-figure")
    svg = figure.find("svg")
    bars = {bar["class"][-1]: float(bar["width"]) for bar in svg.select("rect.app-chart__bar")}
    assert bars["app-chart__bar--after"] > bars["app-chart__bar--before"]
    assert "Before" in svg.get_text() and "After" in svg.get_text()
    assert "41%" in svg.get_text() and "78%" in svg.get_text()
    assert svg.find("title").get_text() == "Reports made online. Before: 41%. After: 78%."
    assert (
        text(figure.find("figcaption")) == "Per cent, measured March 2025. Source: Council survey"
    )
    row = table_with_caption(soup, "Outcomes this recipe targets").select("tbody tr")[0]
    assert "78%" in text(row) and "41%" in text(row)


def test_outcome_without_a_baseline_draws_one_bar():
    """With no baseline there is only the after bar, never a bar for nothing."""
    from patterns_site.templatetags.pictures import outcome_bars

    chart = outcome_bars("Cost per report", Decimal("2.40"), None, "pounds", "x", 1)
    assert [bar["label"] for bar in chart["bars"]] == ["After"]


def test_councils_range_chart_shows_lowest_median_and_highest(client):
    """For a measure two councils reported, the range chart writes the lowest, median and
    highest figures that the councils' table gives."""
    page = RecipePageFactory()
    for value in ("72", "81"):
        AdoptionOutcomeFactory(
            adoption=AdoptionFactory(recipe=page),
            metric="Reports made online",
            value=Decimal(value),
            baseline=Decimal("40"),
            unit="percent",
        )
    soup = parse(client.get(page.url))
    title = soup.select_one("#council-outcome-1-title").get_text()
    assert "lowest 72%, median 76.5%, highest 81%" in title
    row = table_with_caption(soup, "Outcomes councils measured").select("tbody tr")[0]
    assert "76.5%" in text(row) and "72% to 81%" in text(row)


def test_council_page_draws_what_it_measured_before_and_after(client):
    """A council's page draws each outcome it reported as before and after bars."""
    council = CouncilFactory()
    adoption = AdoptionFactory(council=council)
    AdoptionOutcomeFactory(
        adoption=adoption, metric="Cost per report", value=Decimal("2.10"),
        baseline=Decimal("6.20"), unit="pounds",
    )  # fmt: skip
    soup = parse(client.get(council.get_absolute_url()))
    svg = soup.select_one(".app-chart-figure svg")
    assert "£6.2" in svg.get_text() and "£2.1" in svg.get_text()
    assert f"{council.name}'s own figures" in text(soup.select_one(".app-chart-figure"))


def placed(lat, lon, **kwargs):
    return CouncilFactory(latitude=Decimal(lat), longitude=Decimal(lon), **kwargs)


def test_map_plots_every_council_with_a_centroid_and_marks_the_adopters(
    client, django_capture_on_commit_callbacks
):
    """Every council with a centroid is a faint dot; each adopter is a linked marker on
    top, with a shape for its status; a council without a centroid is listed but not
    drawn; the map's adopters are the table's."""
    leeds = placed("53.8", "-1.5", name="Leeds")
    placed("51.5", "-0.1", name="Camden")
    placed("57.1", "-2.1", name="Aberdeen")
    nowhere = CouncilFactory(name="Nowhere")
    page = RecipePageFactory()
    with django_capture_on_commit_callbacks(execute=True):
        AdoptionFactory(recipe=page, council=leeds, status=Adoption.Status.LIVE)
        AdoptionFactory(recipe=page, council=nowhere, status=Adoption.Status.BUILDING)

    stored = RecipePage.objects.get(pk=page.pk).adoption_map_svg
    svg = BeautifulSoup(stored, "html.parser")
    with_centroid = Council.objects.filter(latitude__isnull=False).count()
    assert len(svg.select(".app-map__council circle")) == with_centroid == 3
    markers = svg.select("a.app-map__link")
    assert [a["href"] for a in markers] == [leeds.get_absolute_url()]
    assert markers[0].find("circle")  # live is a circle
    assert "Leeds (live)" in svg.find("desc").get_text()

    soup = parse(client.get(page.url))
    table = table_with_caption(soup, "Councils that have adopted this recipe")
    assert {"Leeds", "Nowhere"} <= {text(th.find("a")) for th in table.select("tbody th")}
    map_links = {a["href"] for a in soup.select(".app-map-figure a")}
    table_links = {a["href"] for a in table.select("a")}
    assert map_links <= table_links


def test_map_is_redrawn_when_an_adoption_is_removed(django_capture_on_commit_callbacks):
    """Deleting the only adoption takes its marker off the stored map."""
    page = RecipePageFactory()
    with django_capture_on_commit_callbacks(execute=True):
        adoption = AdoptionFactory(recipe=page, council=placed("53.8", "-1.5"))
    assert "app-map__link" in RecipePage.objects.get(pk=page.pk).adoption_map_svg
    with django_capture_on_commit_callbacks(execute=True):
        adoption.delete()
    assert "app-map__link" not in RecipePage.objects.get(pk=page.pk).adoption_map_svg


def test_map_places_north_above_south_and_west_left_of_east():
    """The projection keeps the country the right way up: Aberdeen above Camden, Belfast
    left of Norwich, all inside the picture."""
    from recipes.maps import HEIGHT, WIDTH, project

    aberdeen, camden = project("57.1", "-2.1"), project("51.5", "-0.1")
    belfast, norwich = project("54.6", "-5.9"), project("52.6", "1.3")
    assert aberdeen[1] < camden[1]
    assert belfast[0] < norwich[0]
    for x, y in (aberdeen, camden, belfast, norwich, project("60.2", "-1.2")):
        assert 0 < x < WIDTH and 0 < y < HEIGHT


def test_recipe_page_pictures_use_no_inline_style(client, django_capture_on_commit_callbacks):
    """No style attribute or element anywhere in the page's pictures (strict CSP)."""
    page = RecipePageFactory(
        outcomes=stream(
            [("outcome", {"metric": "M", "value": "2", "baseline": "1", "unit": "days",
                          "source": "S"})]
        )
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        AdoptionFactory(recipe=page, council=placed("53.8", "-1.5"))
    soup = parse(client.get(page.url))
    svgs = soup.find_all("svg")
    assert len(svgs) >= 3  # architecture, chart, map
    for svg in svgs:
        assert not svg.find_all(attrs={"style": True})
        assert not svg.find_all("style") and not svg.find_all("script")
