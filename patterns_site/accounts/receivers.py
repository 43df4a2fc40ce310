"""Signal receivers for accounts, connected in PatternsSiteConfig.ready()."""

from allauth.account.models import EmailConfirmation
from allauth.account.signals import email_confirmed
from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save


def revoke_confirmations_on_password_change(sender, instance, update_fields=None, **kwargs):
    """A new password, however it was set (reset link, account page, admin, shell),
    revokes every confirmation link already sent for the account: whoever holds an old
    link must not be able to use it once the owner has taken the account back."""
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True)
    if stored.first() not in (None, instance.password):
        EmailConfirmation.objects.filter(email_address__user_id=instance.pk).delete()


def address_confirmed(sender, request, email_address, **kwargs):
    """The place to act once a person has proved they hold an address. Issue 15 will give
    council staff their council's role here from the address's domain; nothing yet."""


def connect_signals() -> None:
    pre_save.connect(
        revoke_confirmations_on_password_change,
        sender=get_user_model(),
        dispatch_uid="accounts.revoke_confirmations",
    )
    email_confirmed.connect(address_confirmed, dispatch_uid="accounts.address_confirmed")
