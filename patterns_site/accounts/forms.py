"""Account forms. Error messages follow the GOV.UK Design System's wording patterns."""

from django import forms
from django.contrib.auth import authenticate, get_user_model, password_validation

from ..form_errors import ErrorSummaryMixin


class SignUpForm(ErrorSummaryMixin, forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=150,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    password = forms.CharField(
        label="Create a password",
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="At least 12 characters. Avoid common words and passwords you use elsewhere.",
        error_messages={"required": "Enter a password"},
    )
    password_confirm = forms.CharField(
        label="Confirm password",
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        error_messages={"required": "Enter the password again"},
    )

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password:
            user = get_user_model()(username=data.get("email", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password", error)
            if data.get("password_confirm") and data["password_confirm"] != password:
                self.add_error("password_confirm", "The passwords do not match")
        return data


class SignInForm(ErrorSummaryMixin, forms.Form):
    email = forms.CharField(
        label="Email address",
        max_length=254,
        error_messages={"required": "Enter your email address"},
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("email") and data.get("password"):
            # The request goes to authenticate so django-axes can count failures.
            self.user = authenticate(
                self.request, username=data["email"], password=data["password"]
            )
            if self.user is None:
                raise forms.ValidationError(
                    "Enter a correct email address and password. If you have just signed up, "
                    "follow the link in the email we sent you first."
                )
        return data


class EmailChangeForm(ErrorSummaryMixin, forms.Form):
    email = forms.EmailField(
        label="New email address",
        max_length=150,
        error_messages={
            "required": "Enter your new email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="So we know it is you.",
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Your password is not correct")
        return password

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email.lower() == (self.user.email or "").lower():
            raise forms.ValidationError("Enter a different email address from your current one")
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Another account uses this email address")
        return email
