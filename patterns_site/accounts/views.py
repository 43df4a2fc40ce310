"""django-allauth's views as this site needs them: a form with errors answers 400 like
every other form here, too many failed sign-ins answer 429, and a confirmation link's
GET only shows a page with a button (mail scanners open links)."""

from allauth.account import views as allauth_views
from allauth.account.adapter import get_adapter
from allauth.core.ratelimit import respond_429
from django.conf import settings
from django.forms.forms import NON_FIELD_ERRORS
from django.http import Http404
from django.shortcuts import render
from django.views.generic import RedirectView


class _BadRequestOnErrors:
    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class SignInView(_BadRequestOnErrors, allauth_views.LoginView):
    def form_invalid(self, form):
        if form.has_error(NON_FIELD_ERRORS, "too_many_login_attempts"):
            return respond_429(self.request)
        return super().form_invalid(form)


class SignUpView(_BadRequestOnErrors, allauth_views.SignupView):
    pass


class PasswordResetView(_BadRequestOnErrors, allauth_views.PasswordResetView):
    pass


class PasswordResetFromKeyView(_BadRequestOnErrors, allauth_views.PasswordResetFromKeyView):
    pass


class PasswordChangeView(_BadRequestOnErrors, allauth_views.PasswordChangeView):
    pass


class EmailView(_BadRequestOnErrors, allauth_views.EmailView):
    pass


class ConfirmEmailView(allauth_views.ConfirmEmailView):
    """GET shows the address and a Confirm button and changes nothing: allauth's own GET
    would sign out another account that is signed in. A link that does not work (wrong,
    expired, used, revoked by a password change, or for a deactivated account) answers
    400 with a page saying so, on GET and POST alike."""

    def get(self, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            self.object = None
        response = self.render_to_response(self.get_context_data())
        if self.object is None:
            response.status_code = 400
        return response

    def post(self, *args, **kwargs):
        try:
            return super().post(*args, **kwargs)
        except Http404:
            self.object = None
            response = self.render_to_response(self.get_context_data())
            response.status_code = 400
            return response

    def get_object(self, queryset=None):
        confirmation = super().get_object(queryset)
        if not get_adapter(self.request).can_confirm(confirmation.email_address):
            raise Http404
        return confirmation


class MovedView(RedirectView):
    """An old /supplier/ account address, moved permanently to /accounts/."""

    permanent = True
    query_string = True


def too_many_attempts(request):
    """The page for any allauth rate limit (handler429 in the root URLconf): HTTP 429.
    A view limiting something other than signing in says what and for how long in
    request.rate_limited ({"what": "reports", "minutes": 60})."""
    limited = getattr(request, "rate_limited", None) or {}
    return render(
        request,
        "429.html",
        {
            "page_title": "You have tried too many times",
            "what": limited.get("what", ""),
            "minutes": limited.get("minutes", settings.LOGIN_LOCKOUT_MINUTES),
        },
        status=429,
    )
