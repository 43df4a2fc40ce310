"""Accounts through django-allauth: sign-up with a confirmed email, sign-in by email,
rate limits that cannot be side-stepped, password reset, change of email, and answers
that never tell whether an address has an account."""

import importlib
import re
import statistics
import time
from datetime import timedelta
from unittest import mock

import pytest
from allauth.account.models import EmailAddress, EmailConfirmation
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.pages import parse, text

pytestmark = pytest.mark.django_db

PASSWORD = UserFactory.PASSWORD
NEW_PASSWORD = "a-long-enough-passphrase"
OTHER_PASSWORD = "someone-elses-passphrase"
PBKDF2 = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def link_in_last_email(to=None):
    message = mail.outbox[-1]
    if to:
        message = [m for m in mail.outbox if m.to == [to]][-1]
    return re.search(r"http://testserver(\S+)", message.body).group(1)


def sign_up(client, email="new.supplier@example.com", password=NEW_PASSWORD, **extra):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": password, "password2": password},
        **extra,
    )


def sign_in(client, email, password, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def confirm(client, path):
    """Open a confirmation link and press its button, as a person would."""
    client.get(path)
    return client.post(path)


def signed_in(client):
    return "_auth_user_id" in client.session


def password_works(email, password):
    return signed_in_after(sign_in(client := Client(), email, password), client)


def signed_in_after(response, client):
    return response.status_code == 302 and signed_in(client)


# Sign-up and the confirmation link


def test_sign_up_emails_a_link_whose_page_confirms_the_address(client):
    """Signing up creates an account that can sign in only once the emailed link's page
    has been confirmed with its button; the session then lasts PORTAL_SESSION_AGE."""
    response = sign_up(client)
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "Check your email" in text(parse(client.get(response["Location"])))
    user = get_user_model().objects.get(email="new.supplier@example.com")
    assert not EmailAddress.objects.get(user=user).verified
    assert mail.outbox[-1].to == ["new.supplier@example.com"]
    assert mail.outbox[-1].subject == "Confirm your email address for Plumbing"
    assert not password_works("new.supplier@example.com", NEW_PASSWORD)

    path = link_in_last_email()
    page = client.get(path)
    assert page.status_code == 200
    form = parse(page).find("form", method="post")
    assert form["action"] == path
    assert form.find("button").get_text(strip=True) == "Confirm"
    assert not EmailAddress.objects.get(user=user).verified

    response = client.post(path)
    assert response["Location"] == reverse("account_login")
    assert EmailAddress.objects.get(user=user).verified
    assert not signed_in(client)

    response = sign_in(client, "new.supplier@example.com", NEW_PASSWORD)
    assert response["Location"] == reverse("portal:home")
    assert client.session.get_expiry_age() == settings.PORTAL_SESSION_AGE
    assert client.get(reverse("portal:home")).status_code == 200


def test_opening_a_link_signs_nobody_in_and_changes_nothing(client):
    """A GET of the link (a mail scanner) verifies nothing, signs nobody in, and does not
    sign out whoever is signed in on that browser."""
    sign_up(Client())
    path = link_in_last_email()
    other = UserFactory()
    client.force_login(other)
    for _ in range(3):
        assert client.get(path).status_code == 200
        assert Client().get(path).status_code == 200
    assert not EmailAddress.objects.get(email="new.supplier@example.com").verified
    assert client.session["_auth_user_id"] == str(other.pk)


def test_a_link_works_once(client):
    """Once confirmed, the same link says it does not work, on GET and POST."""
    sign_up(client)
    path = link_in_last_email()
    confirm(client, path)
    for method in (client.get, client.post, Client().post):
        response = method(path)
        assert response.status_code == 400
        assert "This link does not work" in text(parse(response))


def test_a_tampered_or_expired_link_does_not_work(client):
    """A link that was altered or is older than its lifetime confirms nothing."""
    sign_up(client)
    path = link_in_last_email()
    assert client.post(path[:-5] + "abcd/").status_code == 400
    EmailConfirmation.objects.update(
        sent=timezone.now() - timedelta(days=settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS + 1)
    )
    assert client.get(path).status_code == 400
    response = client.post(path)
    assert response.status_code == 400
    assert "This link does not work" in text(parse(response))
    assert not EmailAddress.objects.get(email="new.supplier@example.com").verified


def test_a_new_password_revokes_links_already_sent(client):
    """After a change of password, however it was made, an earlier link confirms nothing."""
    sign_up(client)
    path = link_in_last_email()
    user = get_user_model().objects.get(email="new.supplier@example.com")
    user.set_password("the-owners-new-passphrase")
    user.save()
    assert client.post(path).status_code == 400
    assert not EmailAddress.objects.get(user=user).verified


def test_a_link_never_activates_a_deactivated_account(client):
    """An account an editor switched off stays off and unconfirmed, whoever opens its link."""
    sign_up(client)
    path = link_in_last_email()
    get_user_model().objects.filter(email="new.supplier@example.com").update(is_active=False)
    assert client.get(path).status_code == 400
    assert client.post(path).status_code == 400
    user = get_user_model().objects.get(email="new.supplier@example.com")
    assert not user.is_active
    assert not EmailAddress.objects.get(user=user).verified
    assert not signed_in(client)


@pytest.mark.parametrize("owner_confirmed", [False, True])
def test_signing_up_again_with_an_address_changes_nothing(owner_confirmed):
    """A second sign-up with an address that has an account, confirmed or not and typed in
    any case, sets no password and makes no account: the owner is told by email, and
    confirming their own link later gives the second person nothing."""
    sign_up(Client(), email="owner@example.com", password=NEW_PASSWORD)
    owner_link = link_in_last_email()
    if owner_confirmed:
        confirm(Client(), owner_link)
    owner = get_user_model().objects.get(email="owner@example.com")
    hash_before = owner.password
    # allauth sends an address at most one such email every 3 minutes (no mail-bombing):
    # let that time pass.
    cache.clear()

    response = sign_up(Client(), email=" Owner@EXAMPLE.com ", password=OTHER_PASSWORD)
    assert response["Location"] == reverse("account_email_verification_sent")
    assert get_user_model().objects.filter(email__iexact="owner@example.com").count() == 1
    assert EmailAddress.objects.filter(email__iexact="owner@example.com").count() == 1
    owner.refresh_from_db()
    assert owner.password == hash_before
    assert mail.outbox[-1].to == ["owner@example.com"]
    assert mail.outbox[-1].subject == "You already have a Plumbing account"
    assert "already have an account" in mail.outbox[-1].body

    if not owner_confirmed:
        confirm(Client(), owner_link)
    assert not password_works("owner@example.com", OTHER_PASSWORD)
    assert password_works("owner@example.com", NEW_PASSWORD)


@pytest.mark.parametrize(
    ("password", "confirm_password", "message"),
    [
        ("short-pass", "short-pass", "at least 12 characters"),
        ("password1234", "password1234", "too common"),
        (NEW_PASSWORD, "something-else-entirely", "The passwords do not match"),
        ("", "", "Enter a password"),
    ],
)
def test_weak_or_mismatched_passwords_are_refused(client, password, confirm_password, message):
    """Django's password validators (12 characters minimum) apply, shown in the error
    summary and by the field; the email is kept and the password is not echoed."""
    response = client.post(
        reverse("account_signup"),
        {"email": "keep.me@example.com", "password1": password, "password2": confirm_password},
    )
    page = parse(response)
    assert response.status_code == 400
    assert message in text(page.find(class_="govuk-error-summary"))
    assert message in text(page.find(class_="govuk-form-group--error"))
    assert page.find("input", attrs={"name": "email"})["value"] == "keep.me@example.com"
    assert not page.find("input", attrs={"name": "password1"}).get("value")
    assert not get_user_model().objects.filter(email="keep.me@example.com").exists()


def test_a_bad_email_address_gets_a_gov_uk_error(client):
    """An address in the wrong format is named in the error summary, linked to its field."""
    response = sign_up(client, email="not-an-address")
    page = parse(response)
    assert response.status_code == 400
    link = page.find(class_="govuk-error-summary").find("a")
    assert link["href"] == "#id_email"
    assert "Enter an email address in the correct format" in text(link)


# Signing in and out


def test_sign_in_by_email_in_any_case_and_out_by_post(client):
    """A supplier signs in with their address however it is typed, and signs out only
    with a POST (a GET shows a page with the button)."""
    user = UserFactory(email="someone@example.com")
    response = sign_in(client, "  SomeOne@Example.COM ", PASSWORD)
    assert response["Location"] == reverse("portal:home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.get_expiry_age() == settings.PORTAL_SESSION_AGE
    page = client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert signed_in(client)
    client.post(reverse("account_logout"))
    assert not signed_in(client)


def test_sign_in_goes_back_only_to_this_site(client):
    """After signing in, "next" is followed to a page on this site but never elsewhere."""
    UserFactory(email="someone@example.com")
    response = client.post(
        reverse("account_login") + "?next=/supplier/organisations/new/",
        {"login": "someone@example.com", "password": PASSWORD},
    )
    assert response["Location"] == "/supplier/organisations/new/"
    client.post(reverse("account_logout"))
    response = client.post(
        reverse("account_login"),
        {"login": "someone@example.com", "password": PASSWORD, "next": "https://evil.example"},
    )
    assert response["Location"] == reverse("portal:home")


def test_wrong_password_shows_an_error(client):
    """A wrong password gets a GOV.UK error summary and keeps the email typed."""
    UserFactory(email="someone@example.com")
    response = sign_in(client, "someone@example.com", "wrong password here")
    page = parse(response)
    assert response.status_code == 400
    assert "There is a problem" in text(page)
    assert "Enter a correct email address and password" in text(page)
    assert page.find("input", attrs={"name": "login"})["value"] == "someone@example.com"
    assert page.find("input", attrs={"name": "login"})["autocomplete"] == "email"
    assert page.find("input", attrs={"name": "password"})["autocomplete"] == "current-password"


def test_a_deactivated_account_cannot_sign_in(client):
    """The right password for an account an editor switched off leads to a page saying
    so, not into the account."""
    UserFactory(email="gone@example.com", is_active=False)
    response = sign_in(client, "gone@example.com", PASSWORD, follow=True)
    assert "This account cannot be used" in text(parse(response))
    assert not signed_in(client)


def test_wagtail_admin_sign_in_goes_through_the_same_sign_in(client, page_tree):
    """/admin/login/ leads to the account sign-in, where editors sign in by email (not
    username) and reach the admin."""
    UserFactory(username="editor", email="editor@example.com", is_superuser=True, is_staff=True)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.get("/admin/login/?next=/admin/")
    assert response["Location"] == reverse("account_login") + "?next=/admin/"
    assert client.post("/admin/login/", {"username": "editor", "password": PASSWORD})[
        "Location"
    ].startswith(reverse("account_login"))
    assert not signed_in(client)
    assert sign_in(client, "editor", PASSWORD).status_code == 400
    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": "editor@example.com", "password": PASSWORD},
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


# Rate limits


def test_failures_for_an_address_in_any_case_lock_it(client):
    """After LOGIN_FAILURES_PER_ADDRESS wrong passwords for an address, typed in any case
    or spacing and from any client, even the right password is refused with a GOV.UK
    page and HTTP 429."""
    UserFactory(email="target@example.com")
    typings = ["target@example.com", "TARGET@EXAMPLE.COM", " Target@Example.com "]
    for n in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        response = sign_in(
            Client(), typings[n % 3], "wrong password here", REMOTE_ADDR=f"10.0.0.{n}"
        )
        assert response.status_code == 400
    response = sign_in(client, "TARGET@example.COM ", PASSWORD, REMOTE_ADDR="10.0.1.1")
    assert response.status_code == 429
    page = text(parse(response))
    assert "You have tried too many times" in page
    assert f"{settings.LOGIN_LOCKOUT_MINUTES} minutes" in page
    assert not signed_in(client)


def test_failures_below_the_limit_do_not_lock_out(client):
    """One fewer failure than the limit still lets the right password in."""
    UserFactory(email="target@example.com")
    for _ in range(settings.LOGIN_FAILURES_PER_ADDRESS - 1):
        sign_in(Client(), "target@example.com", "wrong password here")
    assert sign_in(client, "target@example.com", PASSWORD).status_code == 302


def spray(count, extra):
    """One password tried on many addresses from one client."""
    for n in range(count):
        response = sign_in(Client(), f"user{n}@example.org", "Winter2026!!!", **extra(n))
        assert response.status_code == 400


def test_many_addresses_tried_from_one_client_are_stopped(client):
    """Password spraying: after LOGIN_FAILURES_PER_CLIENT failures on different addresses
    from one client, that client cannot sign in to any account for a while; others can."""
    UserFactory(email="sprayed@example.org")
    spray(settings.LOGIN_FAILURES_PER_CLIENT, extra=lambda n: {"REMOTE_ADDR": "10.0.0.9"})
    response = sign_in(Client(), "sprayed@example.org", PASSWORD, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert password_works("sprayed@example.org", PASSWORD)


def test_forwarded_for_is_ignored_unless_proxies_are_trusted():
    """X-Forwarded-For cannot make one client look like many: without
    ALLAUTH_TRUSTED_PROXY_COUNT the header is ignored and REMOTE_ADDR counts."""
    spray(
        settings.LOGIN_FAILURES_PER_CLIENT,
        extra=lambda n: {"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": f"192.0.2.{n}"},
    )
    response = sign_in(
        Client(), "x@example.org", "wrong", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert response.status_code == 429


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_with_one_trusted_proxy_the_address_it_adds_counts():
    """Behind one trusted proxy, the last X-Forwarded-For entry (the one the proxy adds)
    is the client, and whatever the client put before it is ignored."""
    spray(
        settings.LOGIN_FAILURES_PER_CLIENT,
        extra=lambda n: {
            "REMOTE_ADDR": "10.0.0.1",
            "HTTP_X_FORWARDED_FOR": f"9.9.9.{n}, 198.51.100.7",
        },
    )
    forged = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 198.51.100.7"}
    assert sign_in(Client(), "x@example.org", "wrong", **forged).status_code == 429
    other = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.8"}
    assert sign_in(Client(), "x@example.org", "wrong", **other).status_code == 400


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2)
def test_a_forwarded_for_shorter_than_the_proxy_count_is_no_error(client):
    """A header with fewer entries than the trusted proxies falls back to REMOTE_ADDR
    rather than answering 500."""
    response = sign_in(client, "x@example.org", "wrong", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert response.status_code == 400


def test_sign_ups_from_one_client_are_limited():
    """Sign-up, password reset and change of email are rate limited too (429)."""
    limit = int(settings.ACCOUNT_RATE_LIMITS["signup"].split("/")[0])
    for n in range(limit):
        sign_up(Client(), email=f"bulk{n}@example.com", REMOTE_ADDR="10.0.0.5")
    assert (
        sign_up(Client(), email="one.more@example.com", REMOTE_ADDR="10.0.0.5").status_code == 429
    )
    for _ in range(3):
        Client().post(reverse("account_reset_password"), {"email": "victim@example.com"})
    response = Client().post(reverse("account_reset_password"), {"email": "victim@example.com"})
    assert response.status_code == 429
    user_client = Client()
    user_client.force_login(UserFactory())
    limit = int(settings.ACCOUNT_RATE_LIMITS["manage_email"].split("/")[0])
    for n in range(limit):
        user_client.post(
            reverse("account_email"),
            {"email": f"new{n}@example.com", "password": PASSWORD, "action_add": ""},
        )
    response = user_client.post(
        reverse("account_email"),
        {"email": "one.more@example.com", "password": PASSWORD, "action_add": ""},
    )
    assert response.status_code == 429


# Nobody learns whether an address has an account


def page_seen(response, *addresses):
    """What a visitor sees: status, where it leads, and the page text with the address
    they typed taken out."""
    body = response.content.decode()
    for address in addresses:
        body = body.replace(address, "ADDRESS")
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = re.sub(r'nonce="[^"]+"', "", body)
    return response.status_code, response.get("Location"), text(BeautifulSoup(body, "html.parser"))


def both_answers(action):
    """The answer to action(address) for an address with an account and one without."""
    UserFactory(email="taken@example.com")
    taken = action("taken@example.com")
    new = action("free@example.com")
    return page_seen(taken, "taken@example.com"), page_seen(new, "free@example.com")


def do_sign_up(address):
    client = Client()
    response = sign_up(client, email=address)
    return client.get(response["Location"]) if response.status_code == 302 else response


def do_sign_in(address):
    return sign_in(Client(), address, "wrong password here")


def do_password_reset(address):
    client = Client()
    response = client.post(reverse("account_reset_password"), {"email": address})
    assert response.status_code == 302
    return client.get(response["Location"])


def do_email_change(address):
    client = Client()
    client.force_login(UserFactory(email="me@example.com"))
    response = client.post(
        reverse("account_email"), {"email": address, "password": PASSWORD, "action_add": ""}
    )
    assert response.status_code == 302
    return client.get(response["Location"])


ACTIONS = {
    "sign up": do_sign_up,
    "sign in": do_sign_in,
    "password reset": do_password_reset,
    "change of email": do_email_change,
}


@pytest.mark.parametrize("action", ACTIONS.values(), ids=ACTIONS.keys())
def test_the_answer_is_the_same_for_addresses_with_and_without_an_account(action):
    """Sign-up, sign-in, password reset and change of email show the same status, the
    same redirects and the same page for an address with an account and one without."""
    taken, new = both_answers(action)
    assert taken == new


def test_change_to_an_address_with_an_account_tells_its_owner_and_changes_nothing(client):
    """Asking to move an account to an address another account holds sends that owner a
    "you already have an account" email, no link, and moves nothing."""
    UserFactory(email="taken@example.com")
    me = UserFactory(email="me@example.com")
    client.force_login(me)
    client.post(
        reverse("account_email"),
        {"email": "taken@example.com", "password": PASSWORD, "action_add": ""},
    )
    assert mail.outbox[-1].to == ["taken@example.com"]
    assert "already have an account" in mail.outbox[-1].body
    assert "confirm-email" not in mail.outbox[-1].body
    me.refresh_from_db()
    assert me.email == "me@example.com"


def seconds(action, address):
    start = time.perf_counter()
    action(address)
    return time.perf_counter() - start


@pytest.mark.parametrize("action", ACTIONS.values(), ids=ACTIONS.keys())
@override_settings(PASSWORD_HASHERS=PBKDF2, ACCOUNT_RATE_LIMITS=False)
def test_the_answer_takes_about_as_long_for_either_address(action, capsys):
    """With the real password hasher, the median time for an address with an account is
    within a factor of two of that for a new address, so timing tells nothing either.
    The tries alternate, so load on the machine falls on both alike."""
    UserFactory(email="taken@example.com")
    action("warm-up@example.com")
    taken, new = [], []
    for n in range(5):
        taken.append(seconds(action, "taken@example.com"))
        new.append(seconds(action, f"free{n}@example.com"))
    taken, new = statistics.median(taken), statistics.median(new)
    with capsys.disabled():
        print(f"\n{action.__name__}: account {taken * 1000:.0f} ms, none {new * 1000:.0f} ms")
    assert taken < new * 2 and new < taken * 2


# Password reset and change of email


def test_password_reset_by_email(client):
    """A forgotten password is reset through an emailed link that works once; the old
    password then stops working."""
    user = UserFactory(email="forgetful@example.com")
    response = client.post(reverse("account_reset_password"), {"email": "Forgetful@example.com"})
    assert response["Location"] == reverse("account_reset_password_done")
    assert mail.outbox[-1].to == ["forgetful@example.com"]
    path = link_in_last_email()
    form_url = client.get(path)["Location"]
    page = parse(client.get(form_url))
    assert page.find("input", attrs={"name": "password1"})["autocomplete"] == "new-password"
    new = "a-brand-new-passphrase"
    response = client.post(form_url, {"password1": new, "password2": new})
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    user.refresh_from_db()
    assert user.check_password(new)
    assert not password_works("forgetful@example.com", PASSWORD)
    assert "This link does not work" in text(parse(Client().get(path, follow=True)))


def test_change_of_email_waits_for_the_new_address_to_confirm(client):
    """A new email address takes effect only from the link sent to it; the old address is
    told; the link then stops working; the account signs in with the new address."""
    user = UserFactory(email="old@example.com")
    client.force_login(user)
    response = client.post(
        reverse("account_email"),
        {"email": "new@example.com", "password": PASSWORD, "action_add": ""},
    )
    assert "We have sent a link to new@example.com" in text(parse(client.get(response["Location"])))
    assert mail.outbox[-1].to == ["new@example.com"]
    user.refresh_from_db()
    assert user.email == "old@example.com"

    path = link_in_last_email()
    client.get(path)
    user.refresh_from_db()
    assert user.email == "old@example.com"
    client.post(path)
    user.refresh_from_db()
    assert user.email == "new@example.com"
    assert mail.outbox[-1].to == ["old@example.com"]
    assert "changed from old@example.com to new@example.com" in mail.outbox[-1].body
    assert client.post(path).status_code == 400
    assert password_works("new@example.com", PASSWORD)
    assert not password_works("old@example.com", PASSWORD)


def test_change_of_email_needs_the_password(client):
    """Changing email asks for the current password, and a wrong one is an error."""
    client.force_login(UserFactory(email="old@example.com"))
    response = client.post(
        reverse("account_email"),
        {"email": "new@example.com", "password": "nope nope", "action_add": ""},
    )
    assert response.status_code == 400
    assert "Your password is not correct" in text(
        parse(response).find(class_="govuk-error-summary")
    )
    assert not mail.outbox


def test_links_in_email_use_the_requests_validated_host():
    """The link in an email is on the host the request came to, once Django has checked
    it against ALLOWED_HOSTS; a foreign Host header gets a 400 and no email."""
    with override_settings(ALLOWED_HOSTS=["plumbing.example.gov.uk"]):
        sign_up(Client(), HTTP_HOST="plumbing.example.gov.uk")
        assert "http://plumbing.example.gov.uk/accounts/confirm-email/" in mail.outbox[-1].body
        count = len(mail.outbox)
        response = sign_up(Client(), email="x@example.com", HTTP_HOST="evil.example")
        assert response.status_code == 400
        assert len(mail.outbox) == count


@override_settings(
    EMAIL_BACKEND="patterns_site.notify.NotifyEmailBackend",
    NOTIFY_API_KEY="test_key-" + "a" * 36 + "-" + "b" * 36,
    NOTIFY_TEMPLATE_ID="f33517ff-2a88-4f6e-b855-c550268ce08a",
)
def test_email_goes_through_gov_uk_notify_when_configured(client):
    """With a Notify key set, each email is sent through Notify's template with subject and body."""
    with mock.patch(
        "notifications_python_client.notifications.NotificationsAPIClient.send_email_notification"
    ) as send:
        sign_up(client, email="notify.me@example.com")
    send.assert_called_once()
    kwargs = send.call_args.kwargs
    assert kwargs["email_address"] == "notify.me@example.com"
    assert kwargs["template_id"] == "f33517ff-2a88-4f6e-b855-c550268ce08a"
    assert kwargs["personalisation"]["subject"] == "Confirm your email address for Plumbing"
    assert "/accounts/confirm-email/" in kwargs["personalisation"]["body"]


# Addresses, pages and existing accounts


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/supplier/sign-in/?next=/supplier/", "/accounts/login/?next=/supplier/"),
        ("/supplier/sign-up/", "/accounts/signup/"),
        ("/supplier/sign-up/check-your-email/", "/accounts/confirm-email/"),
        ("/supplier/sign-out/", "/accounts/logout/"),
        ("/supplier/account/email/", "/accounts/email/"),
        ("/supplier/password-reset/", "/accounts/password/reset/"),
        ("/supplier/password-reset/check-your-email/", "/accounts/password/reset/done/"),
        ("/supplier/password-reset/done/", "/accounts/password/reset/key/done/"),
    ],
)
def test_old_account_addresses_redirect_permanently(client, old, new):
    """Links to the old /supplier/ account pages keep working."""
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new


ACCOUNT_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/confirm-email/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/done/",
    "/accounts/inactive/",
    "/accounts/confirm-email/not-a-key/",
]


@pytest.mark.parametrize("path", ACCOUNT_PAGES)
def test_account_pages_are_gov_uk_pages_without_inline_script_or_style(client, path):
    """Each account page is a GOV.UK page from base.html, with one h1, no inline script
    or style, and every form field labelled."""
    response = client.get(path)
    page = parse(response)
    assert page.find("header", class_="govuk-template__header")
    assert len(page.find_all("h1")) == 1
    assert not page.find("style") and not page.find(style=True)
    assert all(script.get("src") for script in page.find_all("script"))
    for field in page.select("main input:not([type=hidden])"):
        assert page.find("label", attrs={"for": field["id"]}), field


def test_signed_in_account_pages_render(client):
    """The change of email and change of password pages render for a signed-in user."""
    client.force_login(UserFactory())
    for path in ["/accounts/email/", "/accounts/password/change/", "/accounts/logout/"]:
        page = parse(client.get(path))
        assert page.find("form", method="post"), path


def test_pages_we_do_not_use_are_not_served(client):
    """allauth's pages for social accounts, login codes, phones and reauthentication are
    not mounted."""
    for path in [
        "/accounts/social/login/cancelled/",
        "/accounts/login/code/confirm/",
        "/accounts/reauthenticate/",
        "/accounts/password/set/",
        "/accounts/phone/verify/",
    ]:
        assert client.get(path).status_code == 404, path


def test_existing_accounts_get_an_email_address_record(django_user_model):
    """The data migration gives each existing user a primary address, lower-cased and
    verified when the account is active, verifying an address only once."""
    migration = importlib.import_module("patterns_site.migrations.0005_allauth_email_addresses")
    active = django_user_model.objects.create_user("a", " Supplier@Example.com", PASSWORD)
    inactive = django_user_model.objects.create_user("b", "pending@example.com", PASSWORD)
    inactive.is_active = False
    inactive.save()
    twin = django_user_model.objects.create_user("c", "supplier@example.com", PASSWORD)
    twin.last_login = None
    twin.save()
    active.last_login = timezone.now()
    active.save()
    django_user_model.objects.create_user("d", "", PASSWORD)
    from django.apps import apps

    migration.create_email_addresses(apps, None)
    rows = {row.user_id: row for row in EmailAddress.objects.all()}
    assert len(rows) == 3
    assert rows[active.pk].email == "supplier@example.com"
    assert rows[active.pk].verified and rows[active.pk].primary
    assert not rows[inactive.pk].verified
    assert not rows[twin.pk].verified
    assert password_works("supplier@example.com", PASSWORD)
