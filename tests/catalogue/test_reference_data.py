import csv

import pytest

from catalogue.models import Council, CouncilDomain, CouncilType, LocalService, ServiceArea
from catalogue.reference_data import (
    OPEN_DATA,
    council_homepage_domains_sync,
    councils_load,
    local_services_load,
    service_areas_load,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def loaded(reference_data):
    return reference_data


def test_councils_load_gives_every_current_council(loaded):
    """Loading councils reports and stores the 397 current UK authorities, no former ones."""
    assert loaded["councils"] == 397
    assert Council.objects.count() == 397


def test_council_codes_match_the_register(loaded):
    """Every stored council is a current authority in mySociety's register, by its code."""
    with (OPEN_DATA / "uk_local_authorities.csv").open(encoding="utf-8-sig") as source:
        current = {
            row["local-authority-code"]
            for row in csv.DictReader(source)
            if row["current-authority"] == "True"
        }

    assert set(Council.objects.values_list("code", flat=True)) == current


def test_leeds_is_a_metropolitan_district_with_its_population_and_homepage(loaded):
    """Leeds comes through as a metropolitan district of 798,786 people with its website."""
    leeds = Council.objects.select_related("council_type").get(code="LDS")

    assert leeds.name == "Leeds"
    assert leeds.official_name == "Leeds City Council"
    assert leeds.council_type.code == "MD"
    assert leeds.council_type.name == "Metropolitan district"
    assert leeds.population == 798786
    assert leeds.region == "Yorkshire and The Humber"
    assert leeds.homepage_url == "https://www.leeds.gov.uk/"
    assert leeds.slug == "leeds"


def test_councils_carry_the_registers_centroids(loaded):
    """Leeds is at the centroid the register gives it; every current council with a
    centroid in the register has one, to six places."""
    leeds = Council.objects.get(code="LDS")
    assert (float(leeds.latitude), float(leeds.longitude)) == pytest.approx((53.8, -1.5), abs=0.1)
    with (OPEN_DATA / "uk_local_authorities.csv").open(encoding="utf-8-sig") as source:
        with_centroid = {
            row["local-authority-code"]
            for row in csv.DictReader(source)
            if row["current-authority"] == "True" and row["lat"] and row["long"]
        }
    assert (
        set(Council.objects.filter(latitude__isnull=False).values_list("code", flat=True))
        == with_centroid
    )


def test_district_council_has_its_county_as_parent(loaded):
    """A district council in a two-tier area points at its county council."""
    lewes = Council.objects.select_related("parent", "council_type").get(code="LEE")

    assert lewes.council_type.code == "NMD"
    assert lewes.parent.official_name == "East Sussex County Council"
    assert lewes in lewes.parent.districts.all()


def test_unitary_councils_have_no_parent(loaded):
    """A single-tier council such as Leeds has no county above it."""
    assert Council.objects.get(code="LDS").parent is None


def test_council_slugs_are_unique_and_follow_govuk(loaded):
    """Council URLs use GOV.UK's slug, so /councils/leeds/ is Leeds."""
    slugs = list(Council.objects.values_list("slug", flat=True))

    assert len(slugs) == len(set(slugs))
    assert Council.objects.get(slug="cambridgeshire").code == "CAM"
    # Every council page has a URL: the register's "st.-helens" becomes "st-helens".
    assert all(council.get_absolute_url() for council in Council.objects.all())
    assert Council.objects.get(code="SHN").slug == "st-helens"


def test_loading_councils_twice_does_not_duplicate(loaded):
    """Running the council loader again updates in place: same councils, types and parents."""
    before = sorted(Council.objects.values_list("code", "slug", "parent__code", "population"))

    assert councils_load() == 397

    after = sorted(Council.objects.values_list("code", "slug", "parent__code", "population"))
    assert after == before
    assert CouncilType.objects.count() == 11


def test_service_areas_form_a_two_level_tree(loaded):
    """The esd functions load as 13 top-level service areas with sub-areas under them."""
    assert loaded["service areas"] == 113
    assert ServiceArea.objects.count() == 113
    assert ServiceArea.objects.filter(parent__isnull=True).count() == 13
    assert ServiceArea.objects.get(identifier=2).parent.name == "Advice and benefits"


def test_loading_service_areas_and_lgsl_twice_does_not_duplicate(loaded):
    """Running the service-area and LGSL loaders again adds nothing."""
    assert service_areas_load() == 113
    assert local_services_load() == 1519

    assert ServiceArea.objects.count() == 113
    assert LocalService.objects.count() == 1519


def test_local_services_carry_the_govuk_providing_tier(loaded):
    """LGSL services GOV.UK lists as local transactions say which tier provides them."""
    with (OPEN_DATA / "govuk_local_services_lgsl.csv").open(encoding="utf-8-sig") as source:
        row = next(row for row in csv.DictReader(source) if row["Providing Tier"])

    service = LocalService.objects.get(identifier=int(row["LGSL"]))
    assert service.providing_tier == row["Providing Tier"]
    assert LocalService.objects.exclude(providing_tier="").exists()


def test_real_councils_get_their_homepage_domains(loaded):
    """The real open data gives every council with a homepage its domain; councils that
    share one (Adur and Worthing) both have it; loading again changes nothing."""
    assert CouncilDomain.objects.get(council__slug="leeds").domain == "leeds.gov.uk"
    shared = CouncilDomain.objects.filter(domain="adur-worthing.gov.uk")
    assert sorted(shared.values_list("council__name", flat=True)) == ["Adur", "Worthing"]
    before = CouncilDomain.objects.count()
    assert before > 350
    council_homepage_domains_sync()
    assert CouncilDomain.objects.count() == before
