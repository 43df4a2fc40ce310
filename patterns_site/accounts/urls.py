"""Accounts at /accounts/: django-allauth's views that this site uses, with our GOV.UK
templates, and nothing else (no social accounts, codes, phone or reauthentication pages).
The old /supplier/ addresses redirect here permanently."""

from allauth.account import views as allauth_views
from django.urls import path, re_path, reverse_lazy

from . import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="account_login"),
    path("logout/", allauth_views.logout, name="account_logout"),
    path("inactive/", allauth_views.account_inactive, name="account_inactive"),
    path("signup/", views.SignUpView.as_view(), name="account_signup"),
    path(
        "confirm-email/",
        allauth_views.email_verification_sent,
        name="account_email_verification_sent",
    ),
    re_path(
        r"^confirm-email/(?P<key>[-:\w]+)/$",
        views.ConfirmEmailView.as_view(),
        name="account_confirm_email",
    ),
    path("email/", views.EmailView.as_view(), name="account_email"),
    path("password/change/", views.PasswordChangeView.as_view(), name="account_change_password"),
    path("password/reset/", views.PasswordResetView.as_view(), name="account_reset_password"),
    path(
        "password/reset/done/",
        allauth_views.password_reset_done,
        name="account_reset_password_done",
    ),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        views.PasswordResetFromKeyView.as_view(),
        name="account_reset_password_from_key",
    ),
    path(
        "password/reset/key/done/",
        allauth_views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
]


def _moved(name):
    return views.MovedView.as_view(url=reverse_lazy(name))


# Mounted at /supplier/ so links in old emails and bookmarks keep working.
old_urlpatterns = [
    path("sign-in/", _moved("account_login")),
    path("sign-up/", _moved("account_signup")),
    path("sign-up/check-your-email/", _moved("account_email_verification_sent")),
    path("sign-out/", _moved("account_logout")),
    path("account/email/", _moved("account_email")),
    path("password-reset/", _moved("account_reset_password")),
    path("password-reset/check-your-email/", _moved("account_reset_password_done")),
    path("password-reset/done/", _moved("account_reset_password_from_key_done")),
]
