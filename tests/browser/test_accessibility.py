"""Every page type in a real browser: no axe violations at WCAG 2.2 AA, and the pages
work with JavaScript switched off."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from catalogue.models import Component, Council, Offering, Standard, Supplier
from recipes.models import RecipePage

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def page_type_urls() -> dict[str, str]:
    recipe = RecipePage.objects.live().order_by("title").first()
    adopted_council = Council.objects.filter(adoptions__isnull=False).order_by("name").first()
    return {
        "home": "/",
        "recipe index": "/recipes/",
        "recipe index, filtered": "/recipes/?maturity=live&sort=adopted",
        "recipe index, bad filter": "/recipes/?maturity=cooked",
        "recipe": recipe.url,
        "component list": "/components/",
        "component": Component.objects.order_by("name").first().get_absolute_url(),
        "standard list": "/standards/",
        "standard": Standard.objects.get(slug="open-referral-uk").get_absolute_url(),
        "supplier list": "/suppliers/",
        "supplier": Supplier.objects.filter(is_sample=True).first().get_absolute_url(),
        "offering list": "/offerings/",
        "offering": Offering.objects.public().order_by("name").first().get_absolute_url(),
        "council list": "/councils/",
        "council": adopted_council.get_absolute_url(),
        "how costs are worked out": "/costs/",
        "choose your council": "/costs/council/?q=leeds",
        "about the data": "/about/data/",
        "accessibility statement": "/accessibility/",
        "privacy notice": "/privacy/",
        "search results": "/search/?q=waste",
        "API guide": "/api/",
        "open data downloads": "/data/",
        "compare offerings": "/compare/?offerings="
        + ",".join(Offering.objects.public().order_by("name").values_list("slug", flat=True)[:3]),
        "sign in": "/accounts/login/",
        "sign in, old address": "/supplier/sign-in/",
        "create an account": "/accounts/signup/",
        "check your email": "/accounts/confirm-email/",
        "confirmation link that does not work": "/accounts/confirm-email/not-a-key/",
        "reset your password": "/accounts/password/reset/",
        "password reset sent": "/accounts/password/reset/done/",
        "account cannot be used": "/accounts/inactive/",
        "search, no results": "/search/?q=zzzzqqq",
        "not found": "/no-such-page/",
    }


def test_every_page_type_has_no_axe_violations(demo_site, page):
    """Each page type passes an axe-core scan for WCAG 2.2 A and AA and best practice."""
    axe = Axe()
    failures = {}
    for name, path in page_type_urls().items():
        page.goto(demo_site.url + path)
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        if results.violations_count:
            failures[name] = results.generate_report()
    assert not failures, "\n\n".join(f"{name}:\n{report}" for name, report in failures.items())


def test_recipe_filters_and_pages_work_without_javascript(demo_site, browser):
    """With JavaScript off, a visitor can filter recipes, open one and follow an ingredient."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(demo_site.url + "/recipes/")
    page.get_by_label("Maturity").select_option("live")
    page.get_by_role("button", name="Apply filters").click()
    assert "maturity=live" in page.url
    live_count = RecipePage.objects.live().filter(maturity="live").count()
    expect(page.get_by_role("status")).to_have_text(f"{live_count} recipes")

    page.get_by_role("link", name="Report a missed bin collection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a missed bin collection")
    page.get_by_role("link", name="Look up an address", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Look up an address")
    expect(page.get_by_role("table")).to_contain_text("OS Places API")
    context.close()


def test_keyboard_user_can_skip_to_content_and_reach_navigation(demo_site, page):
    """The first Tab lands on the skip link, which moves focus to the main content."""
    page.goto(demo_site.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(demo_site.url + "/#main-content")
    page.keyboard.press("Tab")
    focused_text = page.evaluate("document.activeElement.textContent.trim()")
    assert focused_text == "Browse recipes"
