"""The basket journey in a real browser: from a recipe to a costed CSV shopping list, with
JavaScript on and off."""

import csv
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from playwright.sync_api import expect

from catalogue.models import Component, Council
from recipes.models import RecipePage

RECIPE = "Report a missed bin collection"


def line(page, slug):
    return page.locator(f"#line-{Component.objects.get(slug=slug).pk}")


def expected_yearly(population: int, per_1000: Decimal, price: Decimal) -> Decimal:
    """Worked out independently of the app: volume rounded half up, then price, to pence."""
    volume = (Decimal(population) * per_1000 / 1000).quantize(Decimal(1), ROUND_HALF_UP)
    return (volume * price).quantize(Decimal("0.01"), ROUND_HALF_UP)


def save_choice(page, slug, label):
    """Choose a product on one line and press that line's own Save choice button."""
    section = line(page, slug)
    section.get_by_label(label).check()
    section.get_by_role("button", name="Save choice").click()


def choose_council(page, name="Leeds"):
    """Find a council from the basket's chooser and choose it (back on the basket)."""
    page.locator("#costs-council").get_by_role("searchbox").fill(name)
    page.locator("#costs-council").get_by_role("button", name="Find council").click()
    page.get_by_role("button", name=f"Choose {name} City Council").click()


def test_recipe_to_costed_csv_shopping_list(demo_site, page):
    """An officer adds a recipe, picks products (each saved on its own), chooses Leeds, and
    downloads a CSV whose per-transaction figure is worked out from Leeds's population and
    whose file name says the council and the date."""
    recipe = RecipePage.objects.get(title=RECIPE)
    page.goto(demo_site.url + recipe.url)
    page.get_by_role("button", name="Add ingredients to basket").click()
    expect(page).to_have_url(demo_site.url + "/basket/")
    expect(page.get_by_role("alert")).to_contain_text("Added Report a missed bin collection")
    expect(page.get_by_role("link", name="Basket (6)")).to_be_visible()

    save_choice(page, "send-notifications", "Kestrelgate Send")
    expect(line(page, "send-notifications").locator("[data-line-status]")).to_contain_text(
        "Kestrelgate Send"
    )
    save_choice(page, "connect-systems", "We already have this")
    page.reload()  # what was saved survives a fresh page
    expect(line(page, "send-notifications").locator("[data-line-status]")).to_contain_text(
        "Kestrelgate Send"
    )

    choose_council(page)
    expect(page).to_have_url(demo_site.url + "/basket/")
    expect(page.locator("main")).to_contain_text(
        "Costs are worked out for Leeds, population 798,786"
    )

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the shopping list (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("plumbing-basket-leeds-")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines()))
    start = next(i for i, row in enumerate(rows) if row and row[0] == "Product")
    header = rows[start]
    lines = {}
    for row in rows[start + 1 :]:
        if not row:
            break
        item = dict(zip(header, row, strict=True))
        lines[item["Product"]] = item
    leeds = Council.objects.get(slug="leeds").population
    notify = lines["Kestrelgate Send"]
    assert Decimal(notify["Yearly from (£)"]) == expected_yearly(
        leeds, recipe.volume_per_1000_residents, Decimal("0.03")
    )
    assert Decimal(notify["Yearly to (£)"]) == expected_yearly(
        leeds, recipe.volume_per_1000_residents, Decimal("0.05")
    )

    page.get_by_role("button", name="Save and get a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saved basket")


def test_add_to_basket_and_choose_without_javascript(demo_site, browser):
    """With JavaScript off, adding a recipe, choosing a product and a council all work."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    recipe = RecipePage.objects.get(title=RECIPE)
    page.goto(demo_site.url + recipe.url)
    page.get_by_role("button", name="Add ingredients to basket").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your basket")
    expect(page.locator(".app-basket-line")).to_have_count(6)

    save_choice(page, "look-up-an-address", "Oakhollow Address Finder")
    expect(line(page, "look-up-an-address").locator("[data-line-status]")).to_contain_text(
        "Oakhollow Address Finder"
    )
    choose_council(page)
    expect(page.locator("main")).to_contain_text("population 798,786")

    line(page, "report-performance").get_by_role("button", name="Remove").click()
    expect(page.locator(".app-basket-line")).to_have_count(5)
    page.get_by_role("button", name="Empty basket").click()
    expect(page.locator("main")).to_contain_text("Your basket is empty")
    context.close()


def test_basket_pages_have_no_axe_violations(demo_site, page):
    """The basket, council search, comparison, brief and saved basket pass axe at WCAG 2.2 AA."""
    from axe_playwright_python.sync_playwright import Axe

    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
    recipe = RecipePage.objects.get(title=RECIPE)
    page.goto(demo_site.url + recipe.url)
    page.get_by_role("button", name="Add ingredients to basket").click()
    save_choice(page, "send-notifications", "Kestrelgate Send")
    urls = {
        "basket": "/basket/",
        "council search": "/basket/council/?q=Lee",
        "council search error": "/basket/council/?q=" + "x" * 101,
        "compare": "/compare/?offerings=govuk-notify,kestrelgate-send,thistlemere-book",
        "compare error": "/compare/?offerings=a,b,c,d,e",
        "brief": "/basket/brief/",
    }
    axe, failures = Axe(), {}
    for name, path in urls.items():
        page.goto(demo_site.url + path)
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": tags}})
        if results.violations_count:
            failures[name] = results.generate_report()
    page.goto(demo_site.url + "/basket/")
    page.get_by_role("button", name="Save and get a link").click()
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": tags}})
    if results.violations_count:
        failures["saved"] = results.generate_report()
    assert not failures, "\n\n".join(f"{name}:\n{report}" for name, report in failures.items())


def test_keyboard_user_adds_a_recipe_and_finds_a_council(demo_site, page):
    """With the keyboard alone: add a recipe's ingredients, then search for a council."""
    from recipes.models import RecipePage

    recipe = RecipePage.objects.get(slug="report-a-missed-bin-collection")
    page.goto(demo_site.url + recipe.url)
    page.get_by_role("button", name="Add ingredients to basket").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your basket")
    council_search = page.get_by_role("button", name="Find council")
    council_search.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("Leeds")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Leeds").first).to_be_visible()
