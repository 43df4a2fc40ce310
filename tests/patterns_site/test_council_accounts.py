"""Council staff accounts: a verified work address at a council's domain (from its
homepage in the open data, or added by an editor) makes the account that council's
staff, only once the address is confirmed, and without telling anyone on the page
whether an address belongs to a council."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from catalogue.models import Council, CouncilDomain, CouncilMembership
from catalogue.reference_data import council_homepage_domains_sync
from tests.factories import CouncilFactory, SupplierMembershipFactory, UserFactory
from tests.pages import page_text, parse
from tests.patterns_site.test_accounts import (
    NEW_PASSWORD,
    confirm,
    link_in_last_email,
    sign_in,
    sign_up,
)

pytestmark = pytest.mark.django_db


def councils_of(email):
    return set(
        CouncilMembership.objects.filter(user__email__iexact=email).values_list(
            "council__slug", flat=True
        )
    )


@pytest.fixture
def leeds(db):
    council = CouncilFactory(name="Leeds", slug="leeds", homepage_url="https://www.leeds.gov.uk/")
    council_homepage_domains_sync()
    return council


def test_the_homepage_domain_without_www_is_a_staff_domain(leeds):
    """A council's homepage address gives it its staff domain, without "www."."""
    assert list(leeds.domains.values_list("domain", "from_homepage")) == [("leeds.gov.uk", True)]


def test_a_changed_homepage_moves_its_domain_and_keeps_editors_domains(leeds):
    """A new homepage replaces the old homepage domain; a domain an editor added stays."""
    CouncilDomain.objects.create(council=leeds, domain="leedsmail.example.org")
    Council.objects.filter(pk=leeds.pk).update(homepage_url="https://www.leedscc.gov.uk/home")
    council_homepage_domains_sync()
    assert sorted(leeds.domains.values_list("domain", flat=True)) == [
        "leedscc.gov.uk",
        "leedsmail.example.org",
    ]


def test_sign_up_at_a_council_domain_makes_staff_only_once_confirmed(leeds):
    """Signing up with a Leeds address makes nobody staff until the emailed link is
    confirmed; then the account is Leeds staff and signs in to the council portal."""
    client = Client()
    sign_up(client, email="Officer@Leeds.gov.uk")
    assert not CouncilMembership.objects.exists()
    path = link_in_last_email()
    client.get(path)
    assert not CouncilMembership.objects.exists()
    client.post(path)
    assert councils_of("officer@leeds.gov.uk") == {"leeds"}
    assert CouncilMembership.objects.get().email == "officer@leeds.gov.uk"

    response = sign_in(client, "officer@leeds.gov.uk", NEW_PASSWORD)
    assert response["Location"] == reverse("council_portal:home")
    page = client.get(reverse("council_portal:home"), follow=True)
    assert page.redirect_chain[-1][0] == reverse(
        "council_portal:council", kwargs={"council_slug": "leeds"}
    )
    assert "verified staff" in page_text(page)


@pytest.mark.parametrize(
    "email",
    [
        "officer@mail.leeds.gov.uk",  # a subdomain: may be a supplier's
        "officer@notleeds.gov.uk",
        "officer@leeds.gov.uk.example.com",
        "officer@gov.uk",
        "officer@example.com",
    ],
)
def test_other_domains_make_nobody_staff(leeds, email):
    """Only the exact domain counts: not a subdomain, a lookalike or the shared suffix."""
    client = Client()
    sign_up(client, email=email)
    confirm(client, link_in_last_email())
    assert EmailAddress.objects.get(email=email).verified
    assert not CouncilMembership.objects.exists()


def test_a_domain_an_editor_adds_makes_staff(leeds):
    """An editor adds the domain Leeds staff mail from; an address there then counts."""
    CouncilDomain.objects.create(council=leeds, domain="leedsmail.example.org")
    client = Client()
    sign_up(client, email="clerk@leedsmail.example.org")
    confirm(client, link_in_last_email())
    assert councils_of("clerk@leedsmail.example.org") == {"leeds"}


def test_a_shared_domain_makes_staff_of_each_council():
    """Councils that share staff and a domain each get an account at it."""
    adur = CouncilFactory(name="Adur", homepage_url="https://www.adur-worthing.gov.uk/")
    worthing = CouncilFactory(name="Worthing", homepage_url="https://www.adur-worthing.gov.uk/")
    council_homepage_domains_sync()
    client = Client()
    sign_up(client, email="officer@adur-worthing.gov.uk")
    confirm(client, link_in_last_email())
    assert councils_of("officer@adur-worthing.gov.uk") == {adur.slug, worthing.slug}


@pytest.mark.parametrize("domain", ["gov.uk", "gmail.com", "www.leeds.gov.uk/", "@leeds", "LEEDS"])
def test_editors_cannot_add_a_shared_or_malformed_domain(leeds, domain):
    """A domain shared by many organisations or not a domain at all is refused."""
    with pytest.raises(ValidationError):
        CouncilDomain(council=leeds, domain=domain).full_clean()


def test_the_sign_up_answer_is_the_same_for_council_and_other_addresses(leeds):
    """The page and redirect after sign-up say nothing about whether the address is a
    council's."""

    def answer(email):
        client = Client()
        response = sign_up(client, email=email)
        follow = client.get(response["Location"])
        return response.status_code, response["Location"], page_text(follow).replace(email, "@")

    assert answer("someone@leeds.gov.uk") == answer("someone@example.com")


def test_a_second_sign_up_with_a_council_address_gives_its_owner_nothing_new(leeds):
    """Someone signing up again with a Leeds officer's address gets no account and no
    membership; the officer keeps theirs."""
    officer = UserFactory(email="officer@leeds.gov.uk")
    client = Client()
    sign_up(client, email="officer@leeds.gov.uk")
    assert get_user_model().objects.filter(email__iexact="officer@leeds.gov.uk").count() == 1
    assert "confirm-email" not in mail.outbox[-1].body
    assert not CouncilMembership.objects.exclude(user=officer).exists()


def test_changing_to_another_address_ends_the_membership(leeds, client):
    """Staff who move their account to a non-council address stop being staff once the
    new address is confirmed; moving back makes them staff again."""
    user = UserFactory(email="officer@leeds.gov.uk")
    client.force_login(user)
    client.post(
        reverse("account_email"),
        {"email": "me@example.com", "password": UserFactory.PASSWORD, "action_add": ""},
    )
    confirm(client, link_in_last_email(to="me@example.com"))
    assert not CouncilMembership.objects.filter(user=user).exists()
    client.post(
        reverse("account_email"),
        {"email": "officer@leeds.gov.uk", "password": UserFactory.PASSWORD, "action_add": ""},
    )
    confirm(client, link_in_last_email(to="officer@leeds.gov.uk"))
    assert councils_of("officer@leeds.gov.uk") == {"leeds"}


def test_the_council_portal_needs_an_account_and_membership(leeds, client):
    """Anonymous visitors are sent to sign in; another council's staff and people who are
    staff of none get 404 for Leeds."""
    url = reverse("council_portal:council", kwargs={"council_slug": "leeds"})
    assert client.get(url)["Location"].startswith(reverse("account_login"))
    other = CouncilFactory(name="Bradford")
    outsider = UserFactory()
    CouncilMembership.objects.create(user=outsider, council=other, email=outsider.email)
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert "sign in with your council work address" in page_text(
        client.get(reverse("council_portal:home"))
    )


def test_suppliers_who_are_also_council_staff_sign_in_to_the_supplier_portal(leeds):
    """Someone who is both goes to the supplier portal, as before."""
    membership = SupplierMembershipFactory(user=UserFactory(email="both@leeds.gov.uk"))
    CouncilMembership.objects.create(user=membership.user, council=leeds, email="both@leeds.gov.uk")
    client = Client()
    response = sign_in(client, "both@leeds.gov.uk", UserFactory.PASSWORD)
    assert response["Location"] == reverse("portal:home")
    assert parse(client.get(reverse("council_portal:home"), follow=True))
