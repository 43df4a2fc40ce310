"""The whole supplier journey in a real browser: sign up, confirm the email with the
link's button, sign in, register an organisation, list an offering, submit it, an editor
signs in by email and approves it in the Wagtail admin, and it appears on the public
site. Portal and account pages pass axe along the way."""

import re

from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import expect

from catalogue.models import Offering
from tests.factories import UserFactory

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "a-long-enough-passphrase"


def assert_accessible(page, axe, failures):
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    if results.violations_count:
        failures[page.url] = results.generate_report()


def test_supplier_lists_an_offering_and_an_editor_approves_it(demo_site, page, browser):
    """A new supplier signs up, lists an offering and submits it; once an editor approves
    it in the admin, council staff see it in the catalogue."""
    base = demo_site.url
    axe = Axe()
    failures = {}
    mail.outbox = []

    page.goto(base + "/")
    page.get_by_role("link", name="Suppliers: sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_role("link", name="Create a supplier account").click()
    page.get_by_label("Email address").fill("maker@example.com")
    page.get_by_label("Create a password").fill("too-short")
    page.get_by_label("Confirm password").fill("too-short")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("at least 12 characters")
    assert_accessible(page, axe, failures)
    expect(page.get_by_label("Email address")).to_have_value("maker@example.com")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    link = re.search(r"http://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    assert_accessible(page, axe, failures)
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("confirmed")
    page.get_by_label("Email address").fill("maker@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Register your organisation").click()
    page.get_by_label("Organisation name").fill("Journey Test Ltd")
    page.get_by_label("Website").fill("https://journey.example.com")
    page.get_by_label("Companies House number (optional)").fill("12345678")
    page.get_by_role("group", name="Is it a small or medium-sized enterprise (SME)?").get_by_label(
        "Yes"
    ).check()
    page.get_by_label("Contact email address").fill("hello@journey.example.com")
    page.get_by_role("button", name="Register organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Journey Test Ltd")
    assert_accessible(page, axe, failures)

    page.get_by_role("link", name="Add an offering").click()
    page.get_by_label("Product name").fill("Journey Notify")
    page.get_by_label("Summary").fill("Sends the letters and texts a service needs.")
    page.get_by_label("Description (optional)").fill("It **sends** things.\n\n- email\n- text")
    expect(page.locator(".markdownx-preview strong")).to_have_text("sends")
    page.get_by_role("group", name="Components it provides").get_by_label(
        "Send notifications"
    ).check()
    page.get_by_role("group", name="How it is priced").get_by_label("per year", exact=True).check()
    page.get_by_label("Price", exact=True).fill("1800")
    page.get_by_role("group", name="Hosting").get_by_label("Cloud, hosted in the UK").check()
    claim = page.get_by_role("group", name="Claim 1")
    claim.get_by_label("Standard").select_option(index=1)
    claim.get_by_label("Evidence URL").fill("https://journey.example.com/accessibility")
    assert_accessible(page, axe, failures)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved as a draft")
    expect(page.locator("main .govuk-tag").first).to_have_text("Draft")

    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("main .govuk-tag").first).to_have_text("In review")
    assert_accessible(page, axe, failures)
    offering = Offering.objects.get(name="Journey Notify")
    assert not offering.live

    UserFactory(username="editor", email="editor@example.com", is_superuser=True, is_staff=True)
    editor = browser.new_context().new_page()
    editor.goto(base + "/admin/")
    editor.get_by_label("Email address").fill("editor@example.com")
    editor.get_by_label("Password").fill(UserFactory.PASSWORD)
    editor.get_by_role("button", name="Sign in").click()
    expect(editor).to_have_url(base + "/admin/")
    editor.goto(base + f"/admin/snippets/catalogue/offering/edit/{offering.pk}/")
    editor.locator(".footer .w-dropdown__toggle").click()
    editor.get_by_role("button", name="Approve and Publish").click()
    expect(editor.locator(".messages")).to_contain_text("Journey Notify' updated")

    page.goto(base + "/offerings/")
    page.get_by_role("link", name="Journey Notify").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Journey Notify")
    expect(page.get_by_text("Offering from")).to_contain_text("Journey Test Ltd")

    page.goto(base + f"/supplier/organisations/{offering.supplier_id}/")
    expect(page.locator(".govuk-table .govuk-tag")).to_have_text("Published")
    assert failures == {}, "\n\n".join(f"{url}\n{report}" for url, report in failures.items())
