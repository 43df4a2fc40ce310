"""How django-allauth behaves on this site: GOV.UK wording, the client address for rate
limits, links in email from the validated host, and the seam where issue 15 will give
council staff their council's role from a verified address."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    """The allauth adapter named by ACCOUNT_ADAPTER."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": "This account cannot be used. Contact the Plumbing team.",
        "duplicate_email": "Enter a different email address from your current one",
        "email_password_mismatch": (
            "Enter a correct email address and password. If you have just signed up, "
            "follow the link in the email we sent you first."
        ),
        "enter_current_password": "Enter your current password",
        "incorrect_password": "Your password is not correct",
        "invalid_password_reset": (
            "The link has expired, has already been used, or was copied incorrectly"
        ),
        "same_as_current": "Enter a different email address from your current one",
        "too_many_login_attempts": "You have tried to sign in too many times. Try again later.",
        "rate_limited": "You have made too many requests. Try again later.",
    }

    def get_client_ip(self, request) -> str:
        """REMOTE_ADDR, or the address ALLAUTH_TRUSTED_PROXY_COUNT proxies vouch for. A
        header with fewer entries than the proxies configured means the setting is
        wrong for this request path: fall back to REMOTE_ADDR rather than answer 500."""
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            logger.warning(
                "X-Forwarded-For has fewer entries than ALLAUTH_TRUSTED_PROXY_COUNT=%s; "
                "using REMOTE_ADDR for rate limits",
                settings.ALLAUTH_TRUSTED_PROXY_COUNT,
            )
            return request.META["REMOTE_ADDR"]

    def get_login_redirect_url(self, request) -> str:
        """Council staff who are not also suppliers go to the council portal."""
        user = request.user
        if (
            user.is_authenticated
            and user.council_memberships.exists()
            and not user.supplier_memberships.exists()
        ):
            return reverse("council_portal:home")
        return super().get_login_redirect_url(request)

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        """From the request's validated host; from SITE_URL when sent outside a request
        (a management command or the shell)."""
        if request is None and context.request is None:
            path = reverse("account_confirm_email", args=[emailconfirmation.key])
            return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
        return super().get_email_confirmation_url(request, emailconfirmation)

    def send_confirmation_mail(self, request, emailconfirmation, signup: bool) -> None:
        """A request to use an address that another account has verified tells that
        address's owner so, rather than asking them to confirm it for someone else (the
        page that asked said nothing either way)."""
        address = emailconfirmation.email_address
        taken = (
            EmailAddress.objects.filter(email__iexact=address.email, verified=True)
            .exclude(user_id=address.user_id)
            .exists()
        )
        if taken:
            self.send_account_already_exists_mail(address.email)
            return
        super().send_confirmation_mail(request, emailconfirmation, signup)

    def can_confirm(self, email_address: EmailAddress) -> bool:
        """Whether a confirmation link may verify this address: never for an account an
        editor deactivated, whose link must neither verify it nor bring it back."""
        return email_address.user.is_active

    def confirm_email(self, request, email_address: EmailAddress) -> bool:
        if not self.can_confirm(email_address):
            return False
        return super().confirm_email(request, email_address)
