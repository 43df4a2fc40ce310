"""Signal receivers for accounts, connected in PatternsSiteConfig.ready()."""

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.account.signals import email_changed, email_confirmed, email_removed
from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save

from catalogue.services import council_memberships_sync


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
    """Once a person has proved they hold an address, and never before, an address at a
    council's domain makes them that council's staff; a membership proved by an address
    they have since replaced ends."""
    _council_memberships_sync(email_address.user)


def address_changed_or_removed(sender, request, user, **kwargs):
    """allauth removes the old address after email_confirmed, when a change of email is
    confirmed: sync again, so the membership the old address proved ends."""
    _council_memberships_sync(user)


def _council_memberships_sync(user) -> None:
    verified = EmailAddress.objects.filter(user_id=user.pk, verified=True)
    council_memberships_sync(user=user, verified_emails=verified.values_list("email", flat=True))


def connect_signals() -> None:
    pre_save.connect(
        revoke_confirmations_on_password_change,
        sender=get_user_model(),
        dispatch_uid="accounts.revoke_confirmations",
    )
    email_confirmed.connect(address_confirmed, dispatch_uid="accounts.address_confirmed")
    email_changed.connect(address_changed_or_removed, dispatch_uid="accounts.address_changed")
    email_removed.connect(address_changed_or_removed, dispatch_uid="accounts.address_removed")
