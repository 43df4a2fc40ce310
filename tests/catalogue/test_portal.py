"""The supplier portal: organisations, offerings from draft to published, moderation,
and the rule that a supplier only ever reaches its own organisation's things."""

import html
import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from wagtail.models import WorkflowState

from catalogue.models import (
    ConformanceClaim,
    Offering,
    Supplier,
    SupplierInvitation,
    SupplierMembership,
)
from catalogue.services import moderation_workflow_ensure
from tests.factories import (
    ComponentFactory,
    ConformanceClaimFactory,
    OfferingFactory,
    StandardFactory,
    SupplierMembershipFactory,
    UserFactory,
)
from tests.pages import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def workflow(db):
    return moderation_workflow_ensure()


@pytest.fixture
def rival(db):
    """A second organisation with its own member, offering, claim and invitation."""
    membership = SupplierMembershipFactory()
    offering = OfferingFactory(supplier=membership.supplier, live=False)
    offering.save_revision()
    invitation = SupplierInvitation.objects.create(
        supplier=membership.supplier,
        email="someone@example.com",
        token_hash="x" * 64,
        expires_at=timezone.now() + timedelta(days=7),
    )
    return membership.supplier, offering, invitation


def offering_data(components, **overrides):
    """The portal's offering form as a browser posts it, with three empty claim rows."""
    data = {
        "name": "Notify Plus",
        "summary": "Sends emails and texts.",
        "description": "It **sends** things.",
        "components": [component.pk for component in components],
        "pricing_unit": "per_year",
        "price": "1200",
        "price_max": "",
        "setup_fee": "",
        "pricing_notes": "",
        "hosting": "cloud_uk",
        "gcloud_service_id": "",
        "open_source_licence": "",
        "repository_url": "",
        "claims-TOTAL_FORMS": "3",
        "claims-INITIAL_FORMS": "0",
        "claims-MIN_NUM_FORMS": "0",
        "claims-MAX_NUM_FORMS": "1000",
    }
    for number in range(3):
        data |= {
            f"claims-{number}-id": "",
            f"claims-{number}-standard": "",
            f"claims-{number}-evidence_url": "",
            f"claims-{number}-statement": "",
        }
    data |= {
        "price_bands-TOTAL_FORMS": "2",
        "price_bands-INITIAL_FORMS": "0",
        "price_bands-MIN_NUM_FORMS": "0",
        "price_bands-MAX_NUM_FORMS": "1000",
    }
    for number in range(2):
        data |= {
            f"price_bands-{number}-id": "",
            f"price_bands-{number}-band": "",
            f"price_bands-{number}-price": "",
            f"price_bands-{number}-price_max": "",
        }
    data.update(overrides)
    return data


def edit_data(client, supplier, offering, **overrides):
    """The portal edit form's current values, as the page renders them, with some changes."""
    page = client.get(portal_url("offering_edit", supplier, offering)).content.decode()
    return form_values(page) | overrides


def portal_url(name, supplier, offering=None, **kwargs):
    kwargs["supplier_id"] = supplier.pk
    if offering is not None:
        kwargs["offering_id"] = offering.pk
    return reverse(f"portal:{name}", kwargs=kwargs)


def png_bytes(size=(64, 48), extra=b""):
    buffer = io.BytesIO()
    Image.new("RGB", size, (29, 112, 184)).save(buffer, format="PNG")
    return buffer.getvalue() + extra


# Reaching only what is yours


@pytest.mark.parametrize(
    ("name", "needs_offering", "method"),
    [
        ("organisation", False, "get"),
        ("organisation_edit", False, "get"),
        ("organisation_edit", False, "post"),
        ("organisation_leave", False, "get"),
        ("organisation_leave", False, "post"),
        ("invitation_create", False, "get"),
        ("invitation_create", False, "post"),
        ("offering_create", False, "get"),
        ("offering_create", False, "post"),
        ("offering", True, "get"),
        ("offering_edit", True, "get"),
        ("offering_edit", True, "post"),
        ("offering_submit", True, "post"),
        ("offering_withdraw", True, "get"),
        ("offering_withdraw", True, "post"),
    ],
)
def test_another_organisations_pages_answer_404(
    supplier_client, rival, name, needs_offering, method
):
    """Another organisation's id in a portal URL answers 404 and changes nothing."""
    supplier, offering, _invitation = rival
    url = portal_url(name, supplier, offering if needs_offering else None)
    response = getattr(supplier_client, method)(url, {"name": "Hijacked", "email": "x@example.com"})
    assert response.status_code == 404
    offering.refresh_from_db()
    supplier.refresh_from_db()
    assert offering.name != "Hijacked" and supplier.name != "Hijacked"
    assert offering.withdrawn_at is None
    assert supplier.memberships.count() == 1


def test_another_organisations_offering_under_my_organisation_answers_404(
    supplier_client, member, rival
):
    """Pairing my organisation's id with another organisation's offering id is a 404 too."""
    _supplier, offering, _invitation = rival
    for name in ["offering", "offering_edit", "offering_withdraw"]:
        assert supplier_client.get(portal_url(name, member.supplier, offering)).status_code == 404


def test_another_organisations_invitation_cannot_be_cancelled(supplier_client, member, rival):
    """Cancelling another organisation's invitation is a 404, through either organisation's URL."""
    supplier, _offering, invitation = rival
    for owner in [supplier, member.supplier]:
        url = portal_url("invitation_cancel", owner, invitation_id=invitation.pk)
        assert supplier_client.post(url).status_code == 404
    assert SupplierInvitation.objects.filter(pk=invitation.pk).exists()


def test_portal_lists_only_my_organisations_offerings(supplier_client, member, rival):
    """My organisation's page lists its offerings and none of another organisation's."""
    mine = OfferingFactory(supplier=member.supplier, name="Mine")
    _supplier, theirs, _invitation = rival
    page = supplier_client.get(portal_url("organisation", member.supplier)).content.decode()
    assert mine.name in page
    assert theirs.name not in page


def test_signed_out_visitors_are_sent_to_sign_in(client, member):
    """The portal asks a signed-out visitor to sign in, and brings them back afterwards."""
    url = portal_url("organisation", member.supplier)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]


def test_suppliers_cannot_open_the_wagtail_admin(supplier_client):
    """A supplier has no admin access: /admin/ does not show them the dashboard."""
    response = supplier_client.get("/admin/")
    assert response.status_code in {302, 403}
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("account_login"))
        # The sign-in page shows its form rather than sending them back (a loop).
        assert supplier_client.get(response["Location"]).status_code == 200
    assert supplier_client.get("/admin/snippets/catalogue/offering/").status_code != 200


def test_forms_need_a_csrf_token(member):
    """Portal forms refuse a POST without the CSRF token."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user)
    response = client.post(portal_url("organisation_edit", member.supplier), {"name": "X"})
    assert response.status_code == 403


# Organisations and members


def test_registering_an_organisation_makes_me_its_member(client):
    """A signed-in user registers an organisation and lands on its portal page."""
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("portal:organisation_create"),
        {
            "name": "Acme Civic Ltd",
            "website": "https://acme.example.com",
            "companies_house_number": "sc123456",
            "is_sme": "True",
            "contact_email": "hello@acme.example.com",
        },
    )
    supplier = Supplier.objects.get(name="Acme Civic Ltd")
    assert response["Location"] == portal_url("organisation", supplier)
    assert supplier.companies_house_number == "SC123456"
    assert supplier.is_sme is True
    assert supplier.slug == "acme-civic-ltd"
    assert SupplierMembership.objects.filter(user=user, supplier=supplier).exists()


def test_organisation_page_shows_its_description_rendered_not_as_markdown(supplier_client, member):
    """The portal's organisation page shows the description as the public page will,
    rendered and styled as GOV.UK, never the literal markdown."""
    member.supplier.description = "We build **accessible** forms.\n\n- one\n- two"
    member.supplier.save()

    response = supplier_client.get(portal_url("organisation", member.supplier))

    page = response.content.decode()
    assert "**accessible**" not in page
    assert "<strong>accessible</strong>" in page
    assert '<ul class="govuk-list govuk-list--bullet">' in page


def test_organisation_description_has_the_markdown_editor_and_preview(supplier_client, member):
    """The organisation form edits its description with the same markdown editor as an
    offering's, whose live preview is the site's own renderer, linked to its hint."""
    response = supplier_client.get(portal_url("organisation_edit", member.supplier))

    page = response.content.decode()
    assert 'class="markdownx"' in page
    assert 'aria-describedby="id_description-hint"' in page
    assert 'id="id_description-hint"' in page
    preview = supplier_client.post(reverse("markdownx_markdownify"), {"content": "A **b**"})
    assert preview.content.decode() == '<p class="govuk-body">A <strong>b</strong></p>\n'


def test_invalid_organisation_shows_errors_and_keeps_what_was_typed(client):
    """A bad Companies House number gets an error summary; the other answers stay filled in."""
    client.force_login(UserFactory())
    response = client.post(
        reverse("portal:organisation_create"),
        {"name": "Acme Civic Ltd", "companies_house_number": "123", "contact_email": ""},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Enter a Companies House number as 8 digits" in page
    assert 'href="#id_companies_house_number"' in page
    assert "Select yes if it is a small or medium-sized enterprise" in page
    assert 'href="#id_is_sme_0"' in page
    assert 'value="Acme Civic Ltd"' in page
    assert not Supplier.objects.filter(name="Acme Civic Ltd").exists()


def test_invitation_email_link_lets_someone_join_once(client, member):
    """An emailed invitation link lets the invited address join, once; nobody else."""
    client.force_login(member.user)
    client.post(portal_url("invitation_create", member.supplier), {"email": "new@example.com"})
    assert mail.outbox[-1].to == ["new@example.com"]
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    path = link.split("testserver", 1)[1]
    assert SupplierInvitation.objects.get().token_hash not in link

    client.force_login(UserFactory(email="someone.else@example.com"))
    assert client.post(path).status_code == 403
    newcomer = UserFactory(email="NEW@example.com")
    client.force_login(newcomer)
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response["Location"] == portal_url("organisation", member.supplier)
    assert SupplierMembership.objects.filter(user=newcomer, supplier=member.supplier).exists()

    client.force_login(UserFactory())
    assert client.post(path).status_code == 404


def test_an_expired_invitation_does_not_work(client, member):
    """Seven days after it is sent, an invitation link no longer lets anyone join."""
    client.force_login(member.user)
    client.post(portal_url("invitation_create", member.supplier), {"email": "late@example.com"})
    path = re.search(r"testserver(\S+)", mail.outbox[-1].body).group(1)
    SupplierInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    late = UserFactory(email="late@example.com")
    client.force_login(late)
    assert client.post(path).status_code == 404
    assert not SupplierMembership.objects.filter(user=late).exists()


def test_a_guessed_invitation_token_does_not_work(client, member):
    """A made-up invitation token is a 404."""
    client.force_login(UserFactory())
    response = client.post(reverse("portal:invitation_accept", kwargs={"token": "guess" * 8}))
    assert response.status_code == 404


def test_the_last_member_cannot_leave(supplier_client, member):
    """The only member of an organisation is told to invite someone before leaving."""
    response = supplier_client.post(portal_url("organisation_leave", member.supplier))
    assert response.status_code == 400
    assert "You are the only member" in response.content.decode()
    assert SupplierMembership.objects.filter(pk=member.pk).exists()


def test_a_member_can_leave_when_others_remain(supplier_client, member):
    """With another member left behind, a member can leave and loses access."""
    SupplierMembershipFactory(supplier=member.supplier)
    supplier_client.post(portal_url("organisation_leave", member.supplier))
    assert not SupplierMembership.objects.filter(pk=member.pk).exists()
    assert supplier_client.get(portal_url("organisation", member.supplier)).status_code == 404


# Offerings


def test_creating_an_offering_saves_a_draft_nobody_else_sees(supplier_client, member, client):
    """A new offering is a draft: listed in the portal, absent from the public catalogue."""
    component = ComponentFactory()
    response = supplier_client.post(
        portal_url("offering_create", member.supplier), offering_data([component])
    )
    offering = Offering.objects.get(name="Notify Plus")
    assert response["Location"] == portal_url("offering", member.supplier, offering)
    assert offering.supplier == member.supplier
    assert not offering.live
    assert list(offering.components.all()) == [component]
    page = supplier_client.get(portal_url("organisation", member.supplier)).content.decode()
    assert "Notify Plus" in page and "Draft" in page
    assert "Notify Plus" not in supplier_client.get("/offerings/").content.decode()


def test_invalid_offering_keeps_everything_typed(supplier_client, member):
    """An offering with a bad price keeps the name, description and chosen components."""
    component = ComponentFactory()
    standard = StandardFactory()
    data = offering_data(
        [component],
        price="lots",
        description="Keep *this*",
        **{"claims-0-standard": str(standard.pk), "claims-0-statement": "We do it."},
    )
    response = supplier_client.post(portal_url("offering_create", member.supplier), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Price must be a number, like 1200" in page
    assert 'href="#id_price"' in page
    assert 'value="Notify Plus"' in page
    assert "Keep *this*" in page
    assert f'value="{component.pk}" checked' in page
    assert f'value="{standard.pk}" selected' in page
    assert "We do it." in page
    assert not Offering.objects.filter(name="Notify Plus").exists()


def test_one_claim_per_standard(supplier_client, member):
    """Claiming the same standard twice is an error on the second claim."""
    standard = StandardFactory()
    data = offering_data(
        [ComponentFactory()],
        **{
            "claims-0-standard": str(standard.pk),
            "claims-1-standard": str(standard.pk),
        },
    )
    response = supplier_client.post(portal_url("offering_create", member.supplier), data)
    assert response.status_code == 400
    assert "Claim 2: You have already made a claim for this standard" in response.content.decode()


def test_a_supplier_states_prices_by_council_size_that_councils_are_costed_with(
    supplier_client, member, workflow
):
    """Band prices entered in the portal are saved with the draft, shown back, checked
    (one per band, highest not below the price) and, once approved, cost a council in
    that band at its own price."""
    from catalogue.costs import Assumptions, offering_yearly
    from catalogue.models import OfferingPriceBand

    bands = {
        "price_bands-0-band": "up_to_100k",
        "price_bands-0-price": "600",
        "price_bands-1-band": "over_500k",
        "price_bands-1-price": "3000",
        "price_bands-1-price_max": "4000",
    }
    create = portal_url("offering_create", member.supplier)
    twice = {**bands, "price_bands-1-band": "up_to_100k"}
    response = supplier_client.post(create, offering_data([ComponentFactory()], **twice))
    assert response.status_code == 400
    assert "Band price 2: You have already given a price for this band" in page_text(response)
    low_max = {**bands, "price_bands-1-price_max": "10"}
    response = supplier_client.post(create, offering_data([ComponentFactory()], **low_max))
    assert response.status_code == 400
    assert "Highest price must be the same as or more than the price" in page_text(response)
    assert not Offering.objects.filter(name="Notify Plus").exists()

    response = supplier_client.post(create, offering_data([ComponentFactory()], **bands))
    offering = Offering.objects.get(name="Notify Plus")
    assert response.status_code == 302
    detail = page_text(supplier_client.get(portal_url("offering", member.supplier, offering)))
    assert "Up to 100,000 residents £600" in detail
    assert "Over 500,000 residents £3,000 to £4,000" in detail
    supplier_client.post(portal_url("offering_submit", member.supplier, offering))
    task_state = offering.current_workflow_task_state
    task_state.task.specific.on_action(task_state, UserFactory(is_superuser=True), "approve")
    offering = Offering.objects.get(pk=offering.pk)
    assert offering.live
    assert set(
        OfferingPriceBand.objects.filter(offering=offering).values_list("band", "price")
    ) == {
        ("up_to_100k", 600),
        ("over_500k", 3000),
    }
    small = offering_yearly(offering, Assumptions(population=60_000), None, "")
    middling = offering_yearly(offering, Assumptions(population=150_000), None, "")
    assert (small.low, middling.low) == (600, 1200)


def test_suppliers_cannot_mark_their_claims_verified(supplier_client, member):
    """Posting verified_at or verified_by with a claim does not verify it."""
    standard = StandardFactory()
    data = offering_data(
        [ComponentFactory()],
        **{
            "claims-0-standard": str(standard.pk),
            "claims-0-verified_at": "2026-01-01 10:00",
            "claims-0-verified_by": str(member.user.pk),
            "claims-0-verified": "on",
        },
    )
    supplier_client.post(portal_url("offering_create", member.supplier), data)
    claim = ConformanceClaim.objects.get(standard=standard)
    assert claim.verified_at is None and claim.verified_by is None


def test_logo_is_re_encoded_from_its_content(supplier_client, member):
    """An uploaded PNG with bytes appended is stored as a fresh PNG of our own making."""
    upload = io.BytesIO(png_bytes(extra=b"<script>alert(1)</script>"))
    upload.name = "logo.png"
    data = offering_data([ComponentFactory()], logo=upload)
    response = supplier_client.post(portal_url("offering_create", member.supplier), data)
    assert response.status_code == 302
    offering = Offering.objects.get(name="Notify Plus")
    stored = offering.logo.read()
    assert stored.startswith(b"\x89PNG")
    assert b"<script>" not in stored
    assert (
        offering.logo.name.startswith("offering-logos/") and "logo" not in offering.logo.name[15:]
    )
    assert Image.open(io.BytesIO(stored)).size == (64, 48)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "logo.png", "PNG or JPG"),
        (b"GIF89a" + b"\x00" * 100, "logo.png", "PNG or JPG"),
        (b"not an image at all", "logo.jpg", "PNG or JPG"),
        (png_bytes(size=(8, 8)), "logo.png", "at least 16 by 16"),
        (png_bytes(size=(5000, 10)), "logo.png", "at most 4000 by 4000"),
        (b"\x89PNG" + b"0" * (1024 * 1024 + 10), "logo.png", "smaller than 1MB"),
    ],
)
def test_bad_logo_files_are_refused(supplier_client, member, content, name, message):
    """A logo that is not a PNG or JPEG by content, or is too small or large, gets an error."""
    upload = io.BytesIO(content)
    upload.name = name
    data = offering_data([ComponentFactory()], logo=upload)
    response = supplier_client.post(portal_url("offering_create", member.supplier), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'href="#id_logo"' in response.content.decode()


def test_editing_a_published_offering_keeps_the_public_page_until_approved(
    supplier_client, member, client, workflow
):
    """A supplier's change to a published offering waits for approval; the public page
    keeps showing the approved version, and the portal shows the change."""
    offering = OfferingFactory(supplier=member.supplier, name="Stable Name")
    offering.components.set([ComponentFactory()])
    offering.save()
    offering.save_revision().publish()
    data = edit_data(supplier_client, member.supplier, offering, name="Renamed Product")
    response = supplier_client.post(portal_url("offering_edit", member.supplier, offering), data)
    assert response.status_code == 302, response.content.decode()[:2000]

    offering.refresh_from_db()
    assert offering.name == "Stable Name"
    assert offering.has_unpublished_changes
    public = client.get(offering.get_absolute_url()).content.decode()
    assert "Stable Name" in public and "Renamed Product" not in public
    portal = supplier_client.get(portal_url("offering", member.supplier, offering)).content.decode()
    assert "Renamed Product" in portal


def test_submitting_starts_the_moderation_workflow(supplier_client, member, workflow):
    """Submitting a draft puts it in the moderation workflow and the portal says it is in review."""
    offering = OfferingFactory(supplier=member.supplier, live=False)
    offering.save_revision()
    supplier_client.post(portal_url("offering_submit", member.supplier, offering))
    state = offering.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow == workflow
    page = supplier_client.get(portal_url("offering", member.supplier, offering)).content.decode()
    assert "In review" in page
    edit = supplier_client.get(portal_url("offering_edit", member.supplier, offering))
    assert edit.status_code == 302


def test_editor_requests_changes_and_the_supplier_sees_the_comment(
    supplier_client, member, workflow
):
    """An editor's "request changes" comment shows in the portal; resubmitting resumes review."""
    editor = UserFactory(is_superuser=True)
    offering = OfferingFactory(supplier=member.supplier, live=False)
    offering.save_revision()
    supplier_client.post(portal_url("offering_submit", member.supplier, offering))
    task_state = offering.current_workflow_task_state
    task_state.task.specific.on_action(task_state, editor, "reject", comment="Add G-Cloud ID")

    page = supplier_client.get(portal_url("organisation", member.supplier)).content.decode()
    assert "Changes requested" in page
    page = supplier_client.get(portal_url("offering", member.supplier, offering)).content.decode()
    assert "Add G-Cloud ID" in page
    assert "Submit again for review" in page

    supplier_client.post(portal_url("offering_submit", member.supplier, offering))
    offering.refresh_from_db()
    assert offering.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


def test_approval_publishes_the_offering(supplier_client, member, client, workflow):
    """When an editor approves, the offering appears on the public site."""
    editor = UserFactory(is_superuser=True)
    offering = OfferingFactory(supplier=member.supplier, live=False, name="Fresh Product")
    offering.save_revision()
    supplier_client.post(portal_url("offering_submit", member.supplier, offering))
    task_state = offering.current_workflow_task_state
    task_state.task.specific.on_action(task_state, editor, "approve", comment="")
    offering.refresh_from_db()
    assert offering.live
    assert client.get(offering.get_absolute_url()).status_code == 200
    page = supplier_client.get(portal_url("offering", member.supplier, offering)).content.decode()
    assert "Published" in page


def test_changing_a_verified_claim_sends_it_back_to_claimed(supplier_client, member, workflow):
    """A supplier who rewrites a verified claim's statement loses the verification on it."""
    editor = UserFactory(is_superuser=True)
    offering = OfferingFactory(supplier=member.supplier)
    offering.components.set([ComponentFactory()])
    offering.save()
    claim = ConformanceClaimFactory(
        offering=offering, verified_at=timezone.now(), verified_by=editor, statement="Old"
    )
    offering.save_revision().publish()
    data = edit_data(
        supplier_client, member.supplier, offering, **{"claims-0-statement": "New statement"}
    )
    supplier_client.post(portal_url("offering_edit", member.supplier, offering), data)
    draft = Offering.objects.get(pk=offering.pk).get_latest_revision_as_object()
    assert [c.statement for c in draft.claims.all()] == ["New statement"]
    assert draft.claims.all()[0].verified_at is None
    claim.refresh_from_db()
    assert claim.verified_at is not None  # the public version keeps its verification


def test_withdrawing_removes_the_offering_from_the_public_site(supplier_client, member, client):
    """A withdrawn offering leaves the public lists and page; the portal shows it withdrawn."""
    offering = OfferingFactory(supplier=member.supplier, name="Going Away")
    assert "Going Away" in client.get("/offerings/").content.decode()
    supplier_client.post(portal_url("offering_withdraw", member.supplier, offering))
    offering.refresh_from_db()
    assert offering.withdrawn_at is not None
    assert "Going Away" not in client.get("/offerings/").content.decode()
    assert client.get(offering.get_absolute_url()).status_code == 404
    page = supplier_client.get(portal_url("organisation", member.supplier)).content.decode()
    assert "Withdrawn" in page


def test_withdrawing_stops_a_review_in_progress(supplier_client, member, workflow):
    """Withdrawing an offering under review cancels the review, so approval cannot republish it."""
    offering = OfferingFactory(supplier=member.supplier, live=False)
    offering.save_revision()
    supplier_client.post(portal_url("offering_submit", member.supplier, offering))
    supplier_client.post(portal_url("offering_withdraw", member.supplier, offering))
    offering.refresh_from_db()
    assert offering.current_workflow_state is None


# Editors verify claims in the admin


def test_editor_ticking_verified_records_who_and_when(client, workflow):
    """An editor ticks "Verified" on a claim in the admin; the site records who and when."""
    editor = UserFactory(is_superuser=True, is_staff=True)
    standard = StandardFactory()
    offering = OfferingFactory()
    offering.components.set([ComponentFactory()])
    offering.save()
    ConformanceClaimFactory(offering=offering, standard=standard)
    offering.save_revision().publish()

    client.force_login(editor)
    url = f"/admin/snippets/catalogue/offering/edit/{offering.pk}/"
    page = client.get(url).content.decode()
    assert 'name="claims-0-verified"' in page
    data = form_values(page)
    data["claims-0-verified"] = "on"
    data["action-publish"] = "action-publish"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    claim = ConformanceClaim.objects.get(offering=offering)
    assert claim.verified_by == editor
    assert timezone.now() - claim.verified_at < timedelta(minutes=1)

    public = client.get(offering.get_absolute_url()).content.decode()
    assert "Verified" in public


def form_values(page):
    """A form's values as its HTML carries them (inputs, checked boxes, selects, textareas)."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = kind.group(1) if kind else "text"
        value = html.unescape(value.group(1)) if value else ""
        if kind in {"checkbox", "radio"}:
            if re.search(r"\schecked", tag):
                data.setdefault(name.group(1), []).append(value or "on")
            continue
        if kind in {"submit", "button", "file"}:
            continue
        data[name.group(1)] = value
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[name] = html.unescape(body).strip()
    for name, block in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', block)
        data[name] = chosen if len(chosen) > 1 else (chosen[0] if chosen else "")
    return {key: value for key, value in data.items() if not key.startswith("csrf")}


def test_editor_finds_a_draft_offering_by_name_in_the_admin(client):
    """Editors moderating submissions can search the admin for offerings the public
    cannot see yet, such as a draft waiting for approval."""
    editor = UserFactory(is_superuser=True, is_staff=True)
    OfferingFactory(name="Quillwort booking engine", live=False)
    OfferingFactory(name="Unrelated product")
    client.force_login(editor)
    response = client.get("/admin/snippets/catalogue/offering/", {"q": "quillwort"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Quillwort booking engine" in page
    assert "Unrelated product" not in page
