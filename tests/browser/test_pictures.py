"""The pictures in a real browser: axe finds nothing on a recipe page with the picture's
list open, nor on a basket with its "your architecture", and no CSP violation."""

from axe_playwright_python.sync_playwright import Axe

from recipes.models import RecipePage

from .test_accessibility import WCAG_TAGS


def axe_report(page) -> str:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return results.generate_report() if results.violations_count else ""


def test_recipe_pictures_and_your_architecture_have_no_axe_violations(demo_site, page):
    """The recipe page (architecture with its list open, charts, map), the basket with
    the recipe in it and the basket's architecture page pass axe."""
    recipe = RecipePage.objects.get(slug="report-a-missed-bin-collection")
    page.goto(demo_site.url + recipe.url)
    page.get_by_text("The picture as a list").click()
    assert page.locator("svg.app-arch a").count() >= 6
    assert page.locator("svg.app-map").count() == 1
    assert page.locator("svg.app-chart").count() >= 4
    assert axe_report(page) == ""

    page.get_by_role("button", name="Add ingredients to basket").click()
    assert axe_report(page) == ""
    page.get_by_role(
        "link", name="See the picture of your recipe with the products you chose"
    ).click()
    assert page.locator("svg.app-arch").count() == 1
    assert axe_report(page) == ""
