from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-up/", views.sign_up, name="sign_up"),
    path("sign-up/check-your-email/", views.sign_up_sent, name="sign_up_sent"),
    path("verify-email/<str:token>/", views.verify_email, name="verify_email"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("account/email/", views.email_change, name="email_change"),
    path("account/email/<str:token>/", views.email_change_confirm, name="email_change_confirm"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/check-your-email/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
]
