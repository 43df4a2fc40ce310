"""The catalogue's lists in the Wagtail admin: money as the public pages show it,
moderation status, filters and search, at a fixed number of queries."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import Offering
from catalogue.services import moderation_workflow_ensure
from tests.factories import CouncilFactory, OfferingFactory, SupplierFactory, UserFactory

pytestmark = pytest.mark.django_db

OFFERINGS = "/admin/snippets/catalogue/offering/"
SUPPLIERS = "/admin/snippets/catalogue/supplier/"


@pytest.fixture
def editor(client):
    user = UserFactory(is_superuser=True)
    client.force_login(user)
    return user


def rows(response) -> dict[str, list[str]]:
    """The listing's rows: each row's title and the text of its cells."""
    soup = BeautifulSoup(response.content, "html.parser")
    table = {}
    for row in soup.select("table.listing tbody tr"):
        cells = [" ".join(td.get_text(" ").split()) for td in row.find_all("td")]
        title = row.select_one("td.title .title-wrapper")
        table[" ".join(title.get_text(" ").split())] = cells
    return table


def row_text(response, name: str) -> str:
    return " | ".join(next(cells for title, cells in rows(response).items() if name in title))


def submitted_for_review(offering, user):
    offering.save_revision(user=user)
    moderation_workflow_ensure(model="offering").start(offering, user)


def test_offering_prices_are_shown_as_money_like_the_public_page(client, editor):
    """The list shows £15,000 to £42,000 per year, the same words as the public offering
    page, never the stored decimal."""
    offering = OfferingFactory(
        name="Heron Hub", price=Decimal("15000"), price_max=Decimal("42000"), setup_fee=None
    )
    offering.save_revision().publish()
    response = client.get(OFFERINGS)
    text = row_text(response, "Heron Hub")
    assert "£15,000 to £42,000 per year" in text
    assert "15000.00" not in response.content.decode()
    public = BeautifulSoup(client.get(offering.get_absolute_url()).content, "html.parser")
    price = public.find("dt", string="Price").find_next("dd").get_text(" ")
    assert "£15,000 to £42,000 per year" in " ".join(price.split())


def test_offering_list_says_which_are_in_moderation_and_filters_by_it(client, editor):
    """Each offering's status reads Live, Draft, Live + draft or In moderation, and the
    status filter lists only the offerings in that state."""
    live = OfferingFactory(name="Live One")
    live.save_revision().publish()
    draft = OfferingFactory(name="Draft One", live=False)
    draft.save_revision()
    changed = OfferingFactory(name="Changed One")
    changed.save_revision().publish()
    changed.summary = "A change waiting."
    changed.save_revision()
    reviewed = OfferingFactory(name="Reviewed One", live=False)
    submitted_for_review(reviewed, editor)

    response = client.get(OFFERINGS)
    assert "Live" in row_text(response, "Live One")
    assert "Draft" in row_text(response, "Draft One")
    assert "Live + draft" in row_text(response, "Changed One")
    assert "In moderation" in row_text(response, "Reviewed One")

    def filtered(status):
        return sorted(rows(client.get(OFFERINGS, {"status": status})))

    assert filtered("in_moderation") == ["Reviewed One"]
    assert filtered("live") == ["Live One"]
    assert filtered("live_with_draft") == ["Changed One"]
    assert filtered("draft") == ["Draft One"]


def test_offering_list_filters_by_sample_data_and_searches_by_name(client, editor):
    """Editors narrow the offerings to sample data, and find one by name."""
    OfferingFactory(name="Heron Forms", supplier=SupplierFactory(is_sample=True))
    OfferingFactory(name="Pelican Forms", supplier=SupplierFactory(is_sample=False))
    assert list(rows(client.get(OFFERINGS, {"is_sample": "true"}))) == ["Heron Forms"]
    assert list(rows(client.get(OFFERINGS, {"q": "pelican"}))) == ["Pelican Forms"]


def test_an_unknown_status_filter_is_ignored_not_an_error(client, editor):
    """A status that is not one of the choices lists everything, never a 500."""
    OfferingFactory(name="Heron Forms")
    response = client.get(OFFERINGS, {"status": "nonsense" * 100})
    assert response.status_code == 200


@pytest.mark.parametrize("url", [OFFERINGS, SUPPLIERS])
def test_moderated_lists_make_the_same_queries_for_more_rows(client, editor, url):
    """The status column reads prefetched workflow states: 2 rows or 12, one query
    count."""

    def make(n):
        for _ in range(n):
            offering = OfferingFactory()
            submitted_for_review(offering, editor)

    make(2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    make(10)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(rows(response)) >= 12
    assert len(many) == len(few)


def test_supplier_list_shows_status_and_filters_by_it(client, editor):
    """Suppliers show their moderation status, and filter by it and by SME."""
    SupplierFactory(name="Heron Works", is_sme=True)
    waiting = SupplierFactory(name="Pelican Works", is_sme=False, live=False)
    waiting.save_revision(user=editor)
    moderation_workflow_ensure(model="supplier").start(waiting, editor)
    response = client.get(SUPPLIERS)
    assert "In moderation" in row_text(response, "Pelican Works")
    assert list(rows(client.get(SUPPLIERS, {"status": "in_moderation"}))) == ["Pelican Works"]
    assert list(rows(client.get(SUPPLIERS, {"is_sme": "true"}))) == ["Heron Works"]


def test_council_list_shows_populations_with_separators(client, editor):
    """Populations read 1,234,567 in the councils list."""
    CouncilFactory(name="Heronshire", population=1234567)
    assert "1,234,567" in row_text(client.get("/admin/snippets/catalogue/council/"), "Heron")


def test_withdrawn_offerings_say_so(client, editor):
    """An offering its supplier withdrew reads Withdrawn, not Draft."""
    from django.utils import timezone

    offering = OfferingFactory(name="Gone One", live=False)
    Offering.objects.filter(pk=offering.pk).update(withdrawn_at=timezone.now())
    assert "Withdrawn" in row_text(client.get(OFFERINGS), "Gone One")
