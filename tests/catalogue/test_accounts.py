"""Supplier accounts: sign-up with a verified email, sign-in by email, lockout after
repeated failures, password reset, change of email, and email through GOV.UK Notify."""

import re
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.test import Client, override_settings
from django.urls import reverse

from patterns_site.accounts.services import VERIFY_SALT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def link_in_last_email():
    return re.search(r"http://testserver(\S+)", mail.outbox[-1].body).group(1)


def sign_up(client, email="new.supplier@example.com", password="a-long-enough-passphrase"):  # noqa: S107
    return client.post(
        reverse("accounts:sign_up"),
        {"email": email, "password": password, "password_confirm": password},
    )


def sign_in(client, email, password, **extra):
    return client.post(reverse("accounts:sign_in"), {"email": email, "password": password}, **extra)


def test_sign_up_emails_a_link_that_activates_the_account(client):
    """Signing up creates an account that works only after the emailed link is followed."""
    response = sign_up(client)
    assert response["Location"] == reverse("accounts:sign_up_sent")
    user = get_user_model().objects.get(email="new.supplier@example.com")
    assert not user.is_active
    assert mail.outbox[-1].to == ["new.supplier@example.com"]
    assert "Check your email" in client.get(response["Location"]).content.decode()

    assert (
        sign_in(Client(), "new.supplier@example.com", "a-long-enough-passphrase").status_code == 400
    )

    response = client.get(link_in_last_email())
    assert response["Location"] == reverse("portal:home")
    user.refresh_from_db()
    assert user.is_active
    assert client.get(reverse("portal:home")).status_code == 200


def test_a_tampered_or_expired_verification_link_does_not_work(client):
    """A verification link that was altered or is older than its lifetime is refused."""
    sign_up(client)
    path = link_in_last_email()
    assert client.get(path[:-3] + "abc/").status_code == 400
    with override_settings(ACCOUNT_VERIFICATION_MAX_AGE=-1):
        response = client.get(path)
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert not get_user_model().objects.get(email="new.supplier@example.com").is_active


def test_a_verification_link_for_another_address_does_not_work(client):
    """A link signed for an address the account no longer has is refused."""
    user = UserFactory(is_active=False)
    token = signing.dumps({"user": user.pk, "email": "old@example.com"}, salt=VERIFY_SALT)
    assert client.get(reverse("accounts:verify_email", kwargs={"token": token})).status_code == 400


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("short-pass", "short-pass", "at least 12 characters"),
        ("password1234", "password1234", "too common"),
        ("a-long-enough-passphrase", "something-else-entirely", "The passwords do not match"),
    ],
)
def test_weak_or_mismatched_passwords_are_refused(client, password, confirm, message):
    """Django's password validators (12 characters minimum) apply; the email is kept."""
    response = client.post(
        reverse("accounts:sign_up"),
        {"email": "keep.me@example.com", "password": password, "password_confirm": confirm},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert 'value="keep.me@example.com"' in page
    assert password not in page
    assert not get_user_model().objects.filter(email="keep.me@example.com").exists()


def test_signing_up_with_a_registered_email_does_not_reveal_it(client):
    """Signing up with a used address looks the same, and the owner gets a reminder instead."""
    user = UserFactory(email="taken@example.com")
    response = sign_up(client, email="TAKEN@example.com")
    assert response["Location"] == reverse("accounts:sign_up_sent")
    assert get_user_model().objects.filter(email__iexact="taken@example.com").count() == 1
    assert "already have one" in mail.outbox[-1].body
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_sign_in_by_email_and_out_by_post(client):
    """A supplier signs in with email and password and signs out with a POST, not a link."""
    user = UserFactory(email="Someone@Example.com")
    response = sign_in(client, "someone@example.com", PASSWORD)
    assert response["Location"] == reverse("portal:home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.get_expiry_age() == settings.PORTAL_SESSION_AGE
    assert client.get(reverse("accounts:sign_out")).status_code == 405
    client.post(reverse("accounts:sign_out"))
    assert "_auth_user_id" not in client.session


def test_sign_in_goes_back_only_to_this_site(client):
    """After signing in, "next" is followed to a page on this site but never to another site."""
    UserFactory(email="someone@example.com")
    response = client.post(
        reverse("accounts:sign_in") + "?next=/supplier/organisations/new/",
        {"email": "someone@example.com", "password": PASSWORD},
    )
    assert response["Location"] == "/supplier/organisations/new/"
    client.post(reverse("accounts:sign_out"))
    response = client.post(
        reverse("accounts:sign_in"),
        {"email": "someone@example.com", "password": PASSWORD, "next": "https://evil.example"},
    )
    assert response["Location"] == reverse("portal:home")


def test_wrong_password_shows_an_error(client):
    """A wrong password gets a GOV.UK error summary and keeps the email typed."""
    UserFactory(email="someone@example.com")
    response = sign_in(client, "someone@example.com", "wrong password here")
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Enter a correct email address and password" in page
    assert 'value="someone@example.com"' in page


def test_repeated_failures_lock_the_account_out_from_that_address(client):
    """After AXES_FAILURE_LIMIT wrong passwords from one IP, even the right password is refused
    there for a while, with a GOV.UK lockout page; another IP address can still sign in."""
    UserFactory(email="target@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "target@example.com", "wrong password here", REMOTE_ADDR="10.0.0.1")
    response = sign_in(client, "target@example.com", PASSWORD, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    page = response.content.decode()
    assert "You have tried to sign in too many times" in page
    assert "15 minutes" in page
    assert "_auth_user_id" not in client.session

    other = Client()
    response = sign_in(other, "target@example.com", PASSWORD, REMOTE_ADDR="10.0.0.2")
    assert response["Location"] == reverse("portal:home")


def test_failures_below_the_limit_do_not_lock_out(client):
    """One fewer failure than the limit still lets the right password in."""
    UserFactory(email="target@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "target@example.com", "wrong password here")
    assert sign_in(client, "target@example.com", PASSWORD).status_code == 302


def test_wagtail_admin_sign_in_still_works(client):
    """Editors still sign in to the Wagtail admin with their username, with django-axes on."""
    UserFactory(username="editor", email="editor@example.com", is_superuser=True)
    response = client.post("/admin/login/", {"username": "editor", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_password_reset_by_email(client):
    """Forgotten passwords are reset through an emailed one-off link."""
    user = UserFactory(email="forgetful@example.com")
    response = client.post(reverse("accounts:password_reset"), {"email": "forgetful@example.com"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    path = link_in_last_email()
    response = client.get(path)
    form_url = response["Location"]
    new = "a-brand-new-passphrase"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new)
    assert client.get(path).status_code in {200, 302}
    assert "This link does not work" in client.get(path, follow=True).content.decode()


def test_change_of_email_waits_for_the_new_address_to_confirm(client):
    """A new email address takes effect only from the link sent to it; the old address is told."""
    user = UserFactory(email="old@example.com")
    client.force_login(user)
    response = client.post(
        reverse("accounts:email_change"), {"email": "new@example.com", "password": PASSWORD}
    )
    assert "Check your email" in response.content.decode()
    assert mail.outbox[-1].to == ["new@example.com"]
    user.refresh_from_db()
    assert user.email == "old@example.com"

    path = link_in_last_email()
    client.get(path)
    user.refresh_from_db()
    assert user.email == "new@example.com"
    assert mail.outbox[-1].to == ["old@example.com"]
    assert client.get(path).status_code == 400
    assert sign_in(Client(), "new@example.com", PASSWORD).status_code == 302


def test_change_of_email_needs_the_password(client):
    """Changing email asks for the current password, and a wrong one is an error."""
    user = UserFactory(email="old@example.com")
    client.force_login(user)
    response = client.post(
        reverse("accounts:email_change"), {"email": "new@example.com", "password": "nope nope"}
    )
    assert response.status_code == 400
    assert "Your password is not correct" in response.content.decode()
    assert not mail.outbox


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
    assert "/supplier/verify-email/" in kwargs["personalisation"]["body"]
