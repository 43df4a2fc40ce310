"""Sign up, verify, sign in and out, reset a password and change email, on the public
site with GOV.UK styling. Password reset uses Django's own views with our templates."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import services
from .forms import EmailChangeForm, SignInForm, SignUpForm

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _breadcrumbs(title):
    return [("Home", "/"), ("Supplier portal", "/supplier/"), (title, "")]


@require_http_methods(["GET", "HEAD", "POST"])
def sign_up(request):
    if request.user.is_authenticated:
        return redirect("portal:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_sign_up(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            site_url=services.site_url(request),
        )
        request.session["sign_up_email"] = form.cleaned_data["email"]
        return redirect("accounts:sign_up_sent")
    return render(
        request,
        "accounts/sign_up.html",
        {
            "form": form,
            "page_title": "Create a supplier account",
            "breadcrumbs": _breadcrumbs("Create an account"),
        },
        status=400 if form.errors else 200,
    )


@require_safe
def sign_up_sent(request):
    return render(
        request,
        "accounts/check_email.html",
        {
            "page_title": "Check your email",
            "email": request.session.get("sign_up_email", ""),
            "purpose": "sign_up",
        },
    )


@require_safe
def verify_email(request, token):
    user = services.user_verify_email(token=token)
    if user is None:
        return render(
            request,
            "accounts/link_invalid.html",
            {"page_title": "This link does not work"},
            status=400,
        )
    login(request, user, backend=BACKEND)
    request.session.set_expiry(settings.PORTAL_SESSION_AGE)
    messages.success(request, "Your email address is confirmed and you are signed in.")
    return redirect("portal:home")


def _safe_next(request, default="portal:home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse_lazy(default)


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request):
    if request.user.is_authenticated and request.method != "POST":
        return redirect(_safe_next(request))
    form = SignInForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        request.session.set_expiry(settings.PORTAL_SESSION_AGE)
        return redirect(_safe_next(request))
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form,
            "page_title": "Sign in",
            "breadcrumbs": _breadcrumbs("Sign in"),
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def sign_out(request):
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:sign_in")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def email_change(request):
    form = EmailChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_email_change_request(
            user=request.user,
            new_email=form.cleaned_data["email"],
            site_url=services.site_url(request),
        )
        return render(
            request,
            "accounts/check_email.html",
            {
                "page_title": "Check your email",
                "email": form.cleaned_data["email"],
                "purpose": "change_email",
            },
        )
    return render(
        request,
        "accounts/email_change.html",
        {
            "form": form,
            "page_title": "Change your email address",
            "breadcrumbs": _breadcrumbs("Change your email address"),
        },
        status=400 if form.errors else 200,
    )


@require_safe
def email_change_confirm(request, token):
    user = services.user_email_change_confirm(token=token)
    if user is None:
        return render(
            request,
            "accounts/link_invalid.html",
            {"page_title": "This link does not work"},
            status=400,
        )
    messages.success(request, f"Your email address is now {user.email}.")
    return redirect("portal:home" if request.user.is_authenticated else "accounts:sign_in")


def locked_out(request, credentials=None, *args):
    """django-axes shows this instead of signing in once an email address has failed too
    often from one IP address: a GOV.UK page, with status 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked_out.html",
        {"page_title": "You have tried to sign in too many times", "minutes": minutes},
        status=429,
    )


password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset_form.html",
    email_template_name="accounts/email/password_reset.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
    extra_context={"page_title": "Reset your password"},
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/check_email.html",
    extra_context={"page_title": "Check your email", "purpose": "reset"},
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
    extra_context={"page_title": "Choose a new password"},
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html",
    extra_context={"page_title": "Your password has been changed"},
)
