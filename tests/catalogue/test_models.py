from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalogue.models import ConformanceClaim, Offering
from tests.factories import (
    ComponentFactory,
    ConformanceClaimFactory,
    OfferingFactory,
    ServiceAreaFactory,
    StandardFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("service_id", ["123456789012345", "000000000000001", ""])
def test_offering_accepts_a_15_digit_gcloud_service_id_or_none(service_id):
    """An offering with a 15-digit G-Cloud service ID, or none, passes validation."""
    offering = OfferingFactory(gcloud_service_id=service_id)

    offering.full_clean()


@pytest.mark.parametrize(
    "service_id",
    ["12345678901234", "1234567890123456", "12345678901234a", "1234 5678 90123", "G-CLOUD-1234567"],
)
def test_offering_rejects_a_gcloud_service_id_that_is_not_15_digits(service_id):
    """A G-Cloud service ID that is not exactly 15 digits is rejected with a clear message."""
    offering = OfferingFactory.build(supplier=SupplierFactory(), gcloud_service_id=service_id)

    with pytest.raises(ValidationError) as error:
        offering.full_clean()

    assert "gcloud_service_id" in error.value.message_dict
    assert any("15 digits" in message for message in error.value.message_dict["gcloud_service_id"])


def test_offering_links_to_its_digital_marketplace_page():
    """An offering's G-Cloud link goes to its service page on the Digital Marketplace."""
    offering = OfferingFactory.build(gcloud_service_id="123456789012345")

    assert offering.gcloud_url == (
        "https://www.applytosupply.digitalmarketplace.service.gov.uk"
        "/g-cloud/services/123456789012345"
    )
    assert OfferingFactory.build(gcloud_service_id="").gcloud_url == ""


@pytest.mark.parametrize("number", ["01234567", "SC123456", "NI000123", ""])
def test_supplier_accepts_a_companies_house_number(number):
    """Eight digits, or two capital letters and six digits (or none), is a valid number."""
    SupplierFactory(companies_house_number=number).full_clean()


@pytest.mark.parametrize("number", ["1234567", "sc123456", "SC12345", "ABC12345", "12-34567"])
def test_supplier_rejects_a_malformed_companies_house_number(number):
    """Anything else is rejected with an example of the right format."""
    supplier = SupplierFactory.build(companies_house_number=number)

    with pytest.raises(ValidationError) as error:
        supplier.full_clean()

    messages = error.value.message_dict["companies_house_number"]
    assert any("SC123456" in message for message in messages)


def test_companies_house_link_only_for_real_suppliers():
    """A real supplier links to Companies House; a fictional sample supplier does not."""
    real = SupplierFactory.build(companies_house_number="01234567")
    sample = SupplierFactory.build(companies_house_number="01234567", is_sample=True)

    assert real.companies_house_url.endswith("/company/01234567")
    assert sample.companies_house_url == ""


def test_public_offerings_exclude_drafts_and_withdrawn():
    """Only published, not-withdrawn offerings are public."""
    published = OfferingFactory(name="Published")
    OfferingFactory(name="Draft", live=False)
    OfferingFactory(name="Withdrawn", withdrawn_at=timezone.now() - timedelta(days=1))

    assert list(Offering.objects.public()) == [published]


@pytest.mark.parametrize(
    ("values", "label"),
    [
        ({}, "Published"),
        ({"live": False}, "Draft"),
        ({"withdrawn_at": timezone.now()}, "Withdrawn"),
        ({"has_unpublished_changes": True}, "Published, changes waiting"),
    ],
)
def test_offering_status_label(values, label):
    """Editors see whether an offering is published, a draft, withdrawn or has changes."""
    assert OfferingFactory.build(**values).status_label == label


def test_one_conformance_claim_per_offering_and_standard():
    """An offering cannot claim the same standard twice."""
    claim = ConformanceClaimFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        ConformanceClaim.objects.create(offering=claim.offering, standard=claim.standard)

    assert claim.offering.claims.count() == 1


def test_an_offering_may_claim_several_standards():
    """Claims to different standards for one offering sit side by side."""
    offering = OfferingFactory()
    ConformanceClaimFactory(offering=offering, standard=StandardFactory(name="BS7666"))
    ConformanceClaimFactory(offering=offering, standard=StandardFactory(name="WCAG 2.2"))

    assert [str(claim.standard) for claim in offering.claims.all()] == ["BS7666", "WCAG 2.2"]


def test_claim_is_verified_only_once_an_editor_dates_it():
    """A claim reads as claimed until it has a verified date."""
    assert not ConformanceClaimFactory.build().is_verified
    assert ConformanceClaimFactory.build(verified=True).is_verified


def test_offering_description_html_is_sanitised_markdown():
    """Saving an offering stores its description as markdown rendered with any script
    removed: raw HTML and a javascript: link stay text, never markup or a link."""
    offering = OfferingFactory(
        description="**Fast** set-up.\n\n<script>alert('x')</script>\n\n[Docs](javascript:alert(1))"
    )

    html = Offering.objects.get(pk=offering.pk).description_html
    assert "<strong>Fast</strong>" in html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "href" not in html


def test_component_standards_are_saved_with_it():
    """The standards a component should meet are stored and listed in name order."""
    wcag = StandardFactory(name="WCAG 2.2")
    bs7666 = StandardFactory(name="BS7666")

    component = ComponentFactory(standards=[wcag, bs7666])

    assert list(component.standards.all()) == [bs7666, wcag]


def test_catalogue_objects_link_to_their_public_pages():
    """Components, standards, suppliers and offerings each link to their own page."""
    assert ComponentFactory.build(slug="pay").get_absolute_url() == "/components/pay/"
    assert StandardFactory.build(slug="uprn").get_absolute_url() == "/standards/uprn/"
    assert SupplierFactory.build(slug="acme").get_absolute_url() == "/suppliers/acme/"
    assert OfferingFactory.build(slug="acme-pay").get_absolute_url() == "/offerings/acme-pay/"


def test_standard_display_name_prefers_the_short_name():
    """A standard is shown by its short name where it has one."""
    uprn = StandardFactory.build(name="Unique Property Reference Number", short_name="UPRN")
    bs7666 = StandardFactory.build(name="BS7666", short_name="")

    assert uprn.display_name == "UPRN"
    assert bs7666.display_name == "BS7666"


@pytest.mark.django_db
def test_a_service_areas_address_is_the_recipe_list_filtered_to_it(client, page_tree):
    """A service area has no page of its own; its address lists the recipes filed under it
    (it named a URL that did not exist, so anything asking for it failed)."""
    area = ServiceAreaFactory(slug="waste-and-recycling")
    assert area.get_absolute_url() == "/recipes/?service_area=waste-and-recycling"
    assert client.get(area.get_absolute_url()).status_code == 200
