"""Every page type fits a phone and prints cleanly: no sideways scrolling at 320px (WCAG
1.4.10 Reflow), a header search whose button and suggestions can be used on a phone, and
a print view without the screen-only parts and with links as absolute addresses."""

import re

from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import RequestFactory
from playwright.sync_api import expect

from catalogue.models import Offering, Supplier
from patterns_site import views
from patterns_site.accounts.views import too_many_attempts
from recipes.models import RecipePage
from tests.browser.test_accessibility import page_type_urls
from tests.factories import SupplierMembershipFactory, UserFactory

PHONE_WIDTHS = (320, 375)
RECIPE = "Report a missed bin collection"


def sign_in(page, base, user):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(UserFactory.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def portal_urls(supplier, offering) -> dict[str, str]:
    organisation = f"/supplier/organisations/{supplier.pk}/"
    return {
        "supplier portal": "/supplier/",
        "portal organisation": organisation,
        "portal organisation form": organisation + "edit/",
        "portal offering": f"{organisation}offerings/{offering.pk}/",
        "portal offering form": f"{organisation}offerings/{offering.pk}/edit/",
        "portal new offering": f"{organisation}offerings/new/",
        "portal invitation": f"{organisation}invitations/new/",
        "change password": "/accounts/password/change/",
        "change email": "/accounts/email/",
    }


def error_pages() -> dict[str, str]:
    """The error pages the server renders when it cannot render a normal page, as the
    browser would receive them."""
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    try:
        raise OperationalError("the database went away")
    except OperationalError:
        unavailable = views.server_error(request)
    return {
        "server error": views.server_error(request).content.decode(),
        "service unavailable": unavailable.content.decode(),
        "too many attempts": too_many_attempts(request).content.decode(),
    }


def serve(html):
    """A route handler that answers with this HTML."""
    return lambda route: route.fulfill(body=html, content_type="text/html")


def overflow(page, width: int) -> str | None:
    """None when the document is no wider than the viewport, else what sticks out (a box
    past the edge, or a box whose text spills out of it, like an unbroken URL). Read
    once the page's scripts have finished fetching (the markdown preview, suggestions),
    in one step, so that what is named is what made the page wide."""
    page.wait_for_load_state("networkidle")
    scroll_width, culprits = page.evaluate(
        """(width) => [
            document.documentElement.scrollWidth,
            [...document.querySelectorAll("body *")]
                .filter((e) => e.getBoundingClientRect().right > width || (
                    e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1
                    && getComputedStyle(e).overflowX === "visible"))
                .slice(-3).map((e) => `${e.tagName}.${e.className}#${e.id}`),
        ]""",
        width,
    )
    if scroll_width <= width:
        return None
    return f"{scroll_width}px wide: {culprits}"


def test_no_page_type_scrolls_sideways_on_a_phone(demo_site, page):
    """Every page type, public, signed in and error, is no wider than a 320px or 375px
    viewport: wide tables scroll inside their own region and the header search fits."""
    base = demo_site.url
    recipe = RecipePage.objects.get(title=RECIPE)
    member = SupplierMembershipFactory(supplier=Supplier.objects.filter(is_sample=True).first())
    offering = Offering.objects.filter(supplier=member.supplier).first()

    page.goto(base + recipe.url)
    page.get_by_role("button", name="Add ingredients to basket").click()
    expect(page).to_have_url(base + "/basket/")
    urls = {
        **page_type_urls(),
        "recipe with the widest tables": "/recipes/apply-for-a-resident-parking-permit/",
        "basket with a recipe in it": "/basket/",
        "printable brief of that basket": "/basket/brief/",
        "that basket's architecture pictures": "/basket/architecture/",
        "council search for the basket": "/basket/council/?q=bor",
    }
    failures = {}
    for name, path in urls.items():
        for width in PHONE_WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(base + path)
            if problem := overflow(page, width):
                failures[f"{name} ({path}) at {width}px"] = problem

    sign_in(page, base, member.user)
    for name, path in portal_urls(member.supplier, offering).items():
        page.set_viewport_size({"width": 320, "height": 800})
        response = page.goto(base + path)
        assert response.status == 200, f"{name}: {response.status}"
        if problem := overflow(page, 320):
            failures[f"{name} ({path}) at 320px"] = problem

    for name, html in error_pages().items():
        page.route(base + "/error-page/", serve(html))
        page.goto(base + "/error-page/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if problem := overflow(page, 320):
            failures[f"{name} at 320px"] = problem
        page.unroute(base + "/error-page/")

    assert not failures, "\n".join(f"{name}: {problem}" for name, problem in failures.items())


def contrast_ratio(page, locator) -> float:
    """The WCAG contrast ratio of an element's text colour on its background colour."""
    return locator.evaluate(
        """(element) => {
            const channels = (colour) => colour.match(/[\\d.]+/g).slice(0, 3).map(Number);
            const luminance = (colour) => {
                const [r, g, b] = channels(colour).map((c) => {
                    c /= 255;
                    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
                });
                return 0.2126 * r + 0.7152 * g + 0.0722 * b;
            };
            let background = element;
            while (getComputedStyle(background).backgroundColor === "rgba(0, 0, 0, 0)") {
                background = background.parentElement;
            }
            const text = luminance(getComputedStyle(element).color);
            const ground = luminance(getComputedStyle(background).backgroundColor);
            return (Math.max(text, ground) + 0.05) / (Math.min(text, ground) + 0.05);
        }"""
    )


def test_header_search_works_on_a_phone_with_readable_suggestions(demo_site, page):
    """At 320px the header search box and its button are whole and on screen, and its
    suggestions are readable both before and after one is highlighted."""
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(demo_site.url + "/recipes/")
    search = page.get_by_role("search", name="Site")
    for part in (search.get_by_role("combobox"), search.get_by_role("button", name="Search")):
        box = part.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320, box
        assert box["width"] >= 44, box

    search.get_by_role("combobox").fill("bin collection")
    option = page.get_by_role("option", name=re.compile(RECIPE))
    expect(option).to_be_visible()
    assert contrast_ratio(page, option) >= 4.5
    assert contrast_ratio(page, option.locator(".app-suggestions__type")) >= 4.5
    page.keyboard.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    assert contrast_ratio(page, option) >= 4.5
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(RECIPE)
