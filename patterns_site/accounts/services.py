"""Writes for accounts: sign-up, email verification and change of email.

Verification links carry a signed, expiring token (django.core.signing), so nothing is
stored until the link is followed. A token names the address it verifies, so a link for
an old address stops working once the email changes.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

VERIFY_SALT = "accounts.verify-email"
CHANGE_SALT = "accounts.change-email"


def site_url(request) -> str:
    """The scheme and host for links in email: the request's, or the configured one."""
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return settings.WAGTAILADMIN_BASE_URL


def _send(template: str, subject: str, to: str, context: dict) -> None:
    send_mail(
        subject=subject,
        message=render_to_string(f"accounts/email/{template}.txt", context),
        from_email=None,
        recipient_list=[to],
    )


def user_sign_up(*, email: str, password: str, site_url: str) -> None:
    """Create an inactive account and email a verification link. If the address already
    has an account, email it a reminder instead, so the form never reveals who has one."""
    User = get_user_model()
    email = email.strip()
    existing = User.objects.filter(email__iexact=email).first()
    if existing and existing.is_active:
        _send(
            "already_registered",
            "You already have a Plumbing account",
            existing.email,
            {
                "sign_in": site_url + reverse("accounts:sign_in"),
                "reset": site_url + reverse("accounts:password_reset"),
            },
        )
        return
    with transaction.atomic():
        user = existing or User(username=email.lower()[:150], email=email, is_active=False)
        user.set_password(password)
        user.save()
    token = signing.dumps({"user": user.pk, "email": user.email}, salt=VERIFY_SALT)
    _send(
        "verify",
        "Confirm your email address for Plumbing",
        user.email,
        {
            "link": site_url + reverse("accounts:verify_email", kwargs={"token": token}),
            "hours": settings.ACCOUNT_VERIFICATION_MAX_AGE // 3600,
        },
    )


def user_verify_email(*, token: str):
    """Activate the account a sign-up link names. Returns the user, or None if the link
    is malformed, expired or for an address the account no longer has."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=settings.ACCOUNT_VERIFICATION_MAX_AGE)
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=data.get("user"), email=data.get("email")).first()
    if user is None:
        return None
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


def user_email_change_request(*, user, new_email: str, site_url: str) -> None:
    """Email a confirmation link to the new address; the account keeps its current
    address until the link is followed."""
    token = signing.dumps(
        {"user": user.pk, "old": user.email, "new": new_email.strip()}, salt=CHANGE_SALT
    )
    _send(
        "change_email",
        "Confirm your new email address for Plumbing",
        new_email,
        {
            "link": site_url + reverse("accounts:email_change_confirm", kwargs={"token": token}),
            "hours": settings.ACCOUNT_VERIFICATION_MAX_AGE // 3600,
        },
    )


def user_email_change_confirm(*, token: str):
    """Switch the account to the new address the link names and tell the old address.
    Returns the user, or None if the link is bad, expired, already used or the new
    address has been taken meanwhile."""
    try:
        data = signing.loads(token, salt=CHANGE_SALT, max_age=settings.ACCOUNT_VERIFICATION_MAX_AGE)
    except signing.BadSignature:
        return None
    User = get_user_model()
    user = User.objects.filter(pk=data.get("user"), email=data.get("old")).first()
    new = data.get("new", "")
    if (
        user is None
        or not new
        or User.objects.filter(email__iexact=new).exclude(pk=user.pk).exists()
    ):
        return None
    old = user.email
    user.email = new
    if user.username.lower() == old.lower():
        user.username = new.lower()[:150]
    user.save(update_fields=["email", "username"])
    _send("email_changed", "Your Plumbing email address has changed", old, {"new": new})
    return user
