"""Sign in with an email address. The Wagtail admin keeps signing in by username through
ModelBackend; this backend lets the same credentials field carry an email address."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password or "@" not in username:
            return None
        users = get_user_model().objects.filter(email__iexact=username.strip())
        for user in users:
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        # Hash anyway, so the time taken does not tell whether the address has an account.
        get_user_model()().set_password(password)
        return None
