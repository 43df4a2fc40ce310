"""Supplier organisations are moderated like offerings: a new organisation, or a change
to its public details, is on no public surface until an editor approves it, and while a
change waits every surface shows the approved version."""

import html
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from wagtail.models import WorkflowState

from catalogue.models import Supplier, SupplierMembership
from catalogue.services import MODERATORS_GROUP_NAME, moderation_workflow_ensure
from tests.factories import (
    ComponentFactory,
    ConformanceClaimFactory,
    OfferingFactory,
    RecipePageFactory,
    StandardFactory,
    SupplierFactory,
    SupplierMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ORGANISATION = {
    "name": "Zanzibar Quokka Systems",
    "website": "https://zanzibar-quokka.example.com",
    "companies_house_number": "",
    "is_sme": "True",
    "contact_email": "hello@zanzibar-quokka.example.com",
    "description": "Zanzibar Quokka builds case management.",
}
# What must not be seen of a new organisation before approval, and must be after.
NEW_MARKERS = ["Zanzibar Quokka", "zanzibar-quokka", "quokka-notify"]
# A published organisation's pending change: none of it may show before approval.
APPROVED_NAME = "Heron Digital"
PENDING = {
    "name": "Pelican Digital",
    "website": "https://pelican-digital.example.com",
    "description": "Pelican Digital rebuilt everything.",
}
PENDING_MARKERS = ["Pelican Digital", "pelican-digital.example.com", "Pelican Digital rebuilt"]

# Every public surface that shows suppliers or their offerings, and whether it shows the
# supplier's name (so a renamed organisation's new name must appear there once approved).
SURFACES = [
    ("/suppliers/{supplier}/", True),
    ("/suppliers/", True),
    ("/suppliers/?sme=yes", True),
    ("/offerings/{offering}/", True),
    ("/offerings/", True),
    ("/offerings/?q={word}", True),
    ("/components/{component}/", True),
    ("/standards/{standard}/", True),
    ("/compare/?offerings={offering}", True),
    ("/basket/", True),
    ("/search/?q={word}", True),
    ("/search/?q={word}&type=suppliers", True),
    ("/search/?q={word}&type=offerings", True),
    ("/search/suggest/?q={word}", True),
    ("/api/suppliers/", True),
    ("/api/suppliers/{supplier}/", True),
    ("/api/offerings/", True),
    ("/api/offerings/{offering}/", True),
    ("/data/suppliers.csv", True),
    ("/data/suppliers.json", True),
    ("/data/offerings.csv", False),
    ("/data/offerings.json", False),
    ("/sitemap-suppliers.xml", False),
    ("/sitemap-offerings.xml", False),
    ("/feeds/offerings/", True),
]


@pytest.fixture
def workflow(db):
    return moderation_workflow_ensure(model="supplier")


@pytest.fixture
def editor(db):
    return UserFactory(is_superuser=True)


def approve(supplier, editor, action="approve", comment=""):
    task_state = Supplier.objects.get(pk=supplier.pk).current_workflow_task_state
    task_state.task.specific.on_action(task_state, editor, action, comment=comment)


def listed_offering(supplier, *, name, slug):
    """A published offering of the supplier, with a component, a claim and a recipe that
    needs it, so it can appear on every surface."""
    component = ComponentFactory()
    offering = OfferingFactory(supplier=supplier, name=name, slug=slug)
    offering.components.set([component])
    offering.save()
    ConformanceClaimFactory(offering=offering, standard=StandardFactory())
    RecipePageFactory(components=[component])
    return offering


def surface_text(client, template, offering, word):
    """The text of one public surface for the offering and its supplier, without what the
    page echoes of its own address."""
    component = offering.components.get()
    url = template.format(
        supplier=offering.supplier.slug,
        offering=offering.slug,
        component=component.slug,
        standard=offering.claims.get().standard.slug,
        word=word,
    )
    if url == "/basket/":
        client.post(reverse("basket:add"), {"recipe": component.recipes.get().pk})
    response = client.get(url)
    assert response.status_code in (200, 404), (url, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    # Search marks matched words inside names: compare the text, without tags.
    text = html.unescape(re.sub(r"<[^>]+>", "", body.decode()))
    # A page that echoes its own address or query tells nothing about the organisation.
    parts = urlsplit(url)
    for echoed in [parts.path, *(value for _, value in parse_qsl(parts.query))]:
        text = text.replace(echoed, "")
    return url, text


def register(client, user, **overrides):
    client.force_login(user)
    response = client.post(reverse("portal:organisation_create"), ORGANISATION | overrides)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Supplier.objects.get(memberships__user=user)


@pytest.mark.parametrize(("template", "names_supplier"), SURFACES)
def test_a_new_organisation_is_on_no_public_surface_until_approved(
    client, page_tree, workflow, editor, template, names_supplier
):
    """A newly registered organisation and its published offering are on no public
    surface until an editor approves the organisation; then they are."""
    member = UserFactory()
    supplier = register(client, member)
    offering = listed_offering(supplier, name="Quokka Notify", slug="quokka-notify")
    client.logout()

    url, before = surface_text(client, template, offering, "quokka")
    for marker in NEW_MARKERS:
        assert marker not in before, (url, marker)

    approve(supplier, editor)
    url, after = surface_text(client, template, offering, "quokka")
    assert any(marker in after for marker in NEW_MARKERS), url


@pytest.mark.parametrize(("template", "names_supplier"), SURFACES)
def test_a_change_shows_nowhere_until_approved(
    client, page_tree, workflow, editor, template, names_supplier
):
    """A published organisation's change of name, website and description shows on no
    public surface, which keep the approved version, until an editor approves it."""
    supplier = SupplierFactory(name=APPROVED_NAME, slug="heron-digital")
    member = SupplierMembershipFactory(supplier=supplier).user
    offering = listed_offering(supplier, name="Heron Cases", slug="heron-cases")
    client.force_login(member)
    edit = client.get(reverse("portal:organisation_edit", kwargs={"supplier_id": supplier.pk}))
    data = form_values(edit.content.decode()) | PENDING
    response = client.post(
        reverse("portal:organisation_edit", kwargs={"supplier_id": supplier.pk}), data
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()

    url, before = surface_text(client, template, offering, "digital")
    for marker in PENDING_MARKERS:
        assert marker not in before, (url, marker)
    if names_supplier:
        assert APPROVED_NAME in before, url

    approve(supplier, editor)
    url, after = surface_text(client, template, offering, "digital")
    if names_supplier:
        assert "Pelican Digital" in after, url
        assert APPROVED_NAME not in after, url


def form_values(page: str) -> dict:
    """The values a browser would post from the portal's organisation form."""
    values = {}
    for match in re.finditer(r"<input[^>]*>", page):
        tag = match.group(0)
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="radio"' in tag and " checked" not in tag:
            continue
        values[name.group(1)] = value.group(1) if value else ""
    for match in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        values[match.group(1)] = match.group(2).strip()
    return values


def test_registering_sends_it_for_review_and_the_portal_says_so(client, workflow):
    """Registering an organisation starts its review; the portal shows it in review and
    gives no link to a public page that does not exist yet."""
    supplier = register(client, UserFactory())
    assert not supplier.live
    assert supplier.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    page = client.get(reverse("portal:organisation", kwargs={"supplier_id": supplier.pk}))
    text = page.content.decode()
    assert "In review" in text
    assert supplier.get_absolute_url() not in text
    assert client.get(supplier.get_absolute_url()).status_code == 404


def test_an_offering_of_an_unapproved_organisation_is_not_public_even_if_approved(client, workflow):
    """An offering an editor has published is still not public while its organisation
    has never been approved."""
    supplier = register(client, UserFactory())
    offering = listed_offering(supplier, name="Quokka Notify", slug="quokka-notify")
    client.logout()
    assert offering.live
    assert client.get(offering.get_absolute_url()).status_code == 404
    portal = SupplierMembership.objects.get(supplier=supplier).user
    client.force_login(portal)
    page = client.get(
        reverse("portal:offering", kwargs={"supplier_id": supplier.pk, "offering_id": offering.pk})
    ).content.decode()
    assert offering.get_absolute_url() not in page
    assert "not public until they approve your organisation too" in page


def test_private_details_change_at_once_without_review(client, workflow):
    """A change to the contact email alone applies at once and starts no review; it is
    kept when a pending public change is later approved."""
    supplier = SupplierFactory(name=APPROVED_NAME, contact_email="old@example.com")
    member = SupplierMembershipFactory(supplier=supplier).user
    client.force_login(member)
    url = reverse("portal:organisation_edit", kwargs={"supplier_id": supplier.pk})
    data = form_values(client.get(url).content.decode())
    client.post(url, data | PENDING)
    client.post(
        url, form_values(client.get(url).content.decode()) | {"contact_email": "new@example.com"}
    )
    supplier.refresh_from_db()
    assert supplier.contact_email == "new@example.com"
    assert supplier.name == APPROVED_NAME
    approve(supplier, UserFactory(is_superuser=True))
    supplier.refresh_from_db()
    assert supplier.name == "Pelican Digital"
    assert supplier.contact_email == "new@example.com"


def test_contact_email_alone_starts_no_review(client, workflow):
    """Changing only the private contact email sends nothing to editors."""
    supplier = SupplierFactory()
    member = SupplierMembershipFactory(supplier=supplier).user
    client.force_login(member)
    url = reverse("portal:organisation_edit", kwargs={"supplier_id": supplier.pk})
    data = form_values(client.get(url).content.decode()) | {"contact_email": "x@example.com"}
    assert client.post(url, data).status_code == 302
    supplier.refresh_from_db()
    assert supplier.contact_email == "x@example.com"
    assert supplier.current_workflow_state is None
    assert not supplier.has_unpublished_changes


def test_public_details_cannot_change_while_in_review(client, workflow):
    """While an editor reviews, posted public details are ignored (the form shows only the
    contact email); the editor approves exactly what they were sent."""
    supplier = SupplierFactory(name=APPROVED_NAME)
    member = SupplierMembershipFactory(supplier=supplier).user
    client.force_login(member)
    url = reverse("portal:organisation_edit", kwargs={"supplier_id": supplier.pk})
    client.post(url, form_values(client.get(url).content.decode()) | PENDING)
    page = client.get(url).content.decode()
    assert 'name="name"' not in page and 'name="contact_email"' in page
    response = client.post(
        url, ORGANISATION | {"name": "Sneaky Late Change", "contact_email": "late@example.com"}
    )
    assert response.status_code == 302
    approve(supplier, UserFactory(is_superuser=True))
    supplier.refresh_from_db()
    assert supplier.name == "Pelican Digital"
    assert supplier.contact_email == "late@example.com"


def test_editor_requests_changes_and_the_supplier_resubmits(client, workflow, editor):
    """An editor's "request changes" comment shows in the portal; saving the details again
    sends them back for review, and approval publishes them."""
    supplier = register(client, UserFactory())
    approve(supplier, editor, action="reject", comment="Add your Companies House number")
    page = client.get(reverse("portal:organisation", kwargs={"supplier_id": supplier.pk}))
    text = page.content.decode()
    assert "Changes requested" in text and "Add your Companies House number" in text

    url = reverse("portal:organisation_edit", kwargs={"supplier_id": supplier.pk})
    data = form_values(client.get(url).content.decode()) | {"companies_house_number": "SC123456"}
    assert client.post(url, data).status_code == 302
    supplier.refresh_from_db()
    assert supplier.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert (
        "In review"
        in client.get(
            reverse("portal:organisation", kwargs={"supplier_id": supplier.pk})
        ).content.decode()
    )

    approve(supplier, editor)
    supplier.refresh_from_db()
    assert supplier.live and supplier.companies_house_number == "SC123456"
    assert client.get(supplier.get_absolute_url()).status_code == 200
    assert (
        "Published"
        in client.get(
            reverse("portal:organisation", kwargs={"supplier_id": supplier.pk})
        ).content.decode()
    )


def test_submit_again_without_changes_after_a_request(client, workflow, editor):
    """After an editor asks for changes, "Submit again for review" resumes the review."""
    supplier = register(client, UserFactory())
    approve(supplier, editor, action="reject", comment="Check the website")
    response = client.post(
        reverse("portal:organisation_submit", kwargs={"supplier_id": supplier.pk})
    )
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert supplier.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    again = client.post(reverse("portal:organisation_submit", kwargs={"supplier_id": supplier.pk}))
    assert again.status_code == 302
    assert "already waiting for review" in client.get(again.url).content.decode()


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("organisation", "get"),
        ("organisation_edit", "get"),
        ("organisation_edit", "post"),
        ("organisation_submit", "post"),
    ],
)
def test_another_organisation_cannot_see_or_act_on_it(client, workflow, name, method):
    """Another organisation's member gets 404 for an organisation in review, and changes
    nothing by trying."""
    supplier = register(client, UserFactory())
    state_before = supplier.current_workflow_state.pk
    client.force_login(SupplierMembershipFactory().user)
    url = reverse(f"portal:{name}", kwargs={"supplier_id": supplier.pk})
    response = getattr(client, method)(url, ORGANISATION | {"name": "Hijacked"})
    assert response.status_code == 404
    supplier.refresh_from_db()
    assert supplier.name == ORGANISATION["name"]
    assert supplier.current_workflow_state.pk == state_before
    assert supplier.get_latest_revision_as_object().name == ORGANISATION["name"]


@override_settings(WAGTAILADMIN_BASE_URL="https://plumbing.example.gov.uk")
def test_moderators_get_one_email_per_submission_with_links_to_the_site(client, workflow):
    """Each moderator gets one email per submission, linking to the configured site
    address; the submitting supplier gets none."""
    moderator = UserFactory(email="moderator@example.gov.uk")
    moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP_NAME))
    UserFactory(is_superuser=True, email="admin@example.gov.uk")
    supplier = register(client, UserFactory(email="supplier@example.com"))
    submissions = [m for m in mail.outbox if "submitted" in m.subject.lower()]
    assert [m.to for m in submissions] == [["moderator@example.gov.uk"]]
    links = re.findall(r"https?://\S+", submissions[0].body)
    assert links and all(link.startswith("https://plumbing.example.gov.uk/") for link in links)
    assert f"/admin/snippets/catalogue/supplier/edit/{supplier.pk}/" in submissions[0].body

    mail.outbox.clear()
    approve(supplier, UserFactory(is_superuser=True), action="reject", comment="Fix it")
    url = reverse("portal:organisation_edit", kwargs={"supplier_id": supplier.pk})
    data = form_values(client.get(url).content.decode()) | {"description": "Fixed."}
    client.post(url, data)
    submissions = [m for m in mail.outbox if "submitted" in m.subject.lower()]
    assert [m.to for m in submissions] == [["moderator@example.gov.uk"]]


def test_a_moderator_sees_it_awaiting_review_and_can_open_it(client, workflow):
    """The organisation is on a moderator's dashboard under "Awaiting your review", and
    its editor page opens with the details to approve."""
    supplier = register(client, UserFactory())
    moderator = UserFactory()
    moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP_NAME))
    client.force_login(moderator)
    dashboard = client.get("/admin/").content.decode()
    assert "Awaiting your review" in dashboard
    assert ORGANISATION["name"] in dashboard
    edit = client.get(f"/admin/snippets/catalogue/supplier/edit/{supplier.pk}/")
    assert edit.status_code == 200
    assert ORGANISATION["description"] in edit.content.decode()


def test_existing_and_demo_suppliers_are_public(client):
    """Suppliers that are not registered through the portal (demo data, the migration of
    existing ones) are public."""
    supplier = SupplierFactory()
    assert supplier.live
    assert client.get(supplier.get_absolute_url()).status_code == 200


@override_settings(WAGTAILADMIN_BASE_URL="https://plumbing.example.gov.uk")
def test_the_supplier_is_emailed_a_portal_link_not_an_admin_one(client, workflow, editor):
    """When an editor asks for changes, the supplier's email carries the comment and a
    link to the portal on the configured site, never a link into the admin."""
    register(client, UserFactory(email="supplier@example.com"))
    supplier = Supplier.objects.get()
    mail.outbox.clear()
    approve(supplier, editor, action="reject", comment="Add your Companies House number")
    [email] = [m for m in mail.outbox if m.to == ["supplier@example.com"]]
    assert "Add your Companies House number" in email.body
    links = re.findall(r"https?://\S+", email.body)
    assert links == ["https://plumbing.example.gov.uk/supplier/"]


def test_unpublishing_an_organisation_takes_its_offerings_off_the_site(client):
    """An editor's Unpublish on an organisation removes it and its offerings from the
    public site until it is published again."""
    supplier = SupplierFactory()
    offering = listed_offering(supplier, name="Heron Cases", slug="heron-cases")
    supplier.save_revision().publish()
    supplier.unpublish()
    assert client.get(supplier.get_absolute_url()).status_code == 404
    assert client.get(offering.get_absolute_url()).status_code == 404
    assert "Heron Cases" not in client.get("/offerings/").content.decode()
    Supplier.objects.get(pk=supplier.pk).get_latest_revision().publish()
    assert client.get(offering.get_absolute_url()).status_code == 200


def test_after_a_rename_is_approved_offerings_are_found_by_the_new_name(client, workflow, editor):
    """Search finds an organisation's offerings by its approved name: the pending name
    finds nothing, and once approved it does."""
    supplier = SupplierFactory(name="Heron Works")
    member = SupplierMembershipFactory(supplier=supplier).user
    offering = listed_offering(supplier, name="Cases Plus", slug="cases-plus")
    client.force_login(member)
    url = reverse("portal:organisation_edit", kwargs={"supplier_id": supplier.pk})
    client.post(url, form_values(client.get(url).content.decode()) | {"name": "Pelican Works"})
    client.logout()
    search = "/search/?q=pelican&type=offerings"
    assert offering.get_absolute_url() not in client.get(search).content.decode()
    approve(supplier, editor)
    assert offering.get_absolute_url() in client.get(search).content.decode()
