"""Give every existing account an allauth EmailAddress, so suppliers and editors keep
signing in after the move to django-allauth.

The address is the user's email, lower-cased and trimmed (allauth compares addresses
that way). It is primary, and verified when the account is active: the old sign-up only
activated an account once its link was followed, and editors were created by hand. An
inactive account (an unfinished sign-up or one an editor switched off) stays unverified.
Where two accounts share an address in another case, only the one that signed in last
is verified; the other must confirm the address again, which it cannot while the first
holds it.
"""

from django.conf import settings
from django.db import migrations
from django.db.models import F


def create_email_addresses(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    EmailAddress = apps.get_model("account", "EmailAddress")
    verified = set(
        EmailAddress.objects.filter(verified=True).values_list("email", flat=True)
    )
    users = (
        User.objects.exclude(email="")
        .exclude(emailaddress__isnull=False)
        .order_by("-is_active", F("last_login").desc(nulls_last=True), "pk")
    )
    rows = []
    for user in users.iterator():
        email = user.email.strip().lower()
        is_verified = user.is_active and email not in verified
        if is_verified:
            verified.add(email)
        rows.append(EmailAddress(user=user, email=email, primary=True, verified=is_verified))
    EmailAddress.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("patterns_site", "0004_search_index_title_body_gin"),
        ("account", "0009_emailaddress_unique_primary_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(create_email_addresses, migrations.RunPython.noop),
    ]
