"""django-allauth's forms with GOV.UK Design System labels and error messages, named in
ACCOUNT_FORMS. allauth does the work; these only change what a person reads, plus two
protections allauth leaves to the site (see SignUpForm and EmailChangeForm)."""

from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.auth.hashers import make_password

EMAIL_ERRORS = {
    "required": "Enter your email address",
    "invalid": "Enter an email address in the correct format, like name@example.com",
    "max_length": "Email address must be 254 characters or fewer",
}
PASSWORD_HINT = "At least 12 characters. Avoid common words and passwords you use elsewhere."  # noqa: S105
PASSWORDS_DIFFER = "The passwords do not match"  # noqa: S105


def _relabel(form, name, label, errors, help_text=""):
    field = form.fields[name]
    field.label = label
    field.help_text = help_text
    field.error_messages.update(errors)
    # GOV.UK fields show a label and hint, never a placeholder standing in for them.
    field.widget.attrs.pop("placeholder", None)


class _PasswordPairMixin:
    """ "The passwords do not match" on the second password, in GOV.UK words."""

    def clean(self):
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        data = super().clean()
        if first and second and first != second:
            self._errors["password2"] = self.error_class([PASSWORDS_DIFFER])
        return data


class SignInForm(allauth_forms.LoginForm):
    """Email address and password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self, "login", "Email address", EMAIL_ERRORS)
        _relabel(self, "password", "Password", {"required": "Enter your password"})


class SignUpForm(_PasswordPairMixin, allauth_forms.SignupForm):
    """Email address and a password typed twice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self, "email", "Email address", EMAIL_ERRORS)
        _relabel(
            self, "password1", "Create a password", {"required": "Enter a password"}, PASSWORD_HINT
        )
        _relabel(self, "password2", "Confirm password", {"required": "Enter the password again"})

    def try_save(self, request):
        # allauth creates nothing for an address that has an account, so it would answer
        # sooner than for a new one, which hashes the password: hash it anyway.
        if self.account_already_exists:
            make_password(self.cleaned_data["password1"])
        return super().try_save(request)


class EmailChangeForm(allauth_forms.AddEmailForm):
    """A new address, which takes effect once confirmed from the link sent to it, and
    the current password, so a session left open cannot move the account away."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="So we know it is you.",
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(
            self,
            "email",
            "New email address",
            {**EMAIL_ERRORS, "required": "Enter your new email address"},
        )

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Your password is not correct")
        return password


class PasswordResetForm(allauth_forms.ResetPasswordForm):
    """The address to send a reset link to."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self, "email", "Email address", EMAIL_ERRORS)


class PasswordResetKeyForm(_PasswordPairMixin, allauth_forms.ResetPasswordKeyForm):
    """A new password, from the emailed link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(
            self, "password1", "New password", {"required": "Enter a new password"}, PASSWORD_HINT
        )
        _relabel(
            self, "password2", "Confirm new password", {"required": "Enter the new password again"}
        )


class PasswordChangeForm(_PasswordPairMixin, allauth_forms.ChangePasswordForm):
    """The current password and a new one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(
            self, "oldpassword", "Current password", {"required": "Enter your current password"}
        )
        _relabel(
            self, "password1", "New password", {"required": "Enter a new password"}, PASSWORD_HINT
        )
        _relabel(
            self, "password2", "Confirm new password", {"required": "Enter the new password again"}
        )
