"""Search in a real browser: suggestions as you type, used with the keyboard alone,
and the plain form without JavaScript."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def test_keyboard_user_picks_a_suggestion(demo_site, page):
    """Typing in the header search offers matching titles; arrow keys and Enter open one."""
    page.goto(demo_site.url + "/")
    search = page.get_by_role("combobox", name="Search Plumbing")
    search.click()
    search.press_sequentially("Report a mi", delay=30)
    option = page.get_by_role("option", name="Report a missed bin collection")
    expect(option).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="suggestion")).to_contain_text("suggestion")
    search.press("ArrowDown")
    expect(search).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    search.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a missed bin collection")


def test_search_results_page_passes_axe(demo_site, page):
    """The results page with facets, highlights and pagination has no axe violations."""
    page.goto(demo_site.url + "/search/?q=waste")
    expect(page.locator("p[role=status]")).to_contain_text("results for “waste”")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()
    page.goto(demo_site.url + "/search/?q=zzzzqqq")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()


def test_search_works_without_javascript(demo_site, browser):
    """With JavaScript off, the header form submits and the type facets are links."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(demo_site.url + "/components/")
    page.get_by_role("searchbox", name="Search Plumbing").fill("bins")
    page.get_by_role("button", name="Search", exact=True).first.click()
    expect(page.get_by_role("link", name="Report a missed bin collection")).to_be_visible()
    page.get_by_role("radio", name="Recipes (").check()
    page.get_by_role("button", name="Apply filters").click()
    assert "type=recipes" in page.url
    expect(page.get_by_role("link", name="Report a missed bin collection")).to_be_visible()
    context.close()
