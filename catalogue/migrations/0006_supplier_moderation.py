"""Moderate supplier organisations like offerings: draft state and revisions on Supplier,
and a "Supplier organisation moderation" workflow for the offering moderators.

Organisations that exist already were public before moderation, so they stay public
(live, and counted as published now)."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def existing_suppliers_stay_public(apps, schema_editor):
    from catalogue.services import moderation_workflow_ensure

    now = timezone.now()
    apps.get_model("catalogue", "Supplier").objects.filter(live=True).update(
        first_published_at=now, last_published_at=now
    )
    moderation_workflow_ensure(apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ('catalogue', '0005_offering_sort_indexes'),
        ('wagtailcore', '0098_apitoken'),
        ('wagtailadmin', '0001_create_admin_access_permissions'),
    ]

    operations = [
        migrations.AddField(
            model_name='supplier',
            name='expire_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='expiry date/time'),
        ),
        migrations.AddField(
            model_name='supplier',
            name='expired',
            field=models.BooleanField(default=False, editable=False, verbose_name='expired'),
        ),
        migrations.AddField(
            model_name='supplier',
            name='first_published_at',
            field=models.DateTimeField(blank=True, db_index=True, null=True, verbose_name='first published at'),
        ),
        migrations.AddField(
            model_name='supplier',
            name='go_live_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='go live date/time'),
        ),
        migrations.AddField(
            model_name='supplier',
            name='has_unpublished_changes',
            field=models.BooleanField(default=False, editable=False, verbose_name='has unpublished changes'),
        ),
        migrations.AddField(
            model_name='supplier',
            name='last_published_at',
            field=models.DateTimeField(editable=False, null=True, verbose_name='last published at'),
        ),
        migrations.AddField(
            model_name='supplier',
            name='latest_revision',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.revision', verbose_name='latest revision'),
        ),
        migrations.AddField(
            model_name='supplier',
            name='live',
            field=models.BooleanField(default=True, editable=False, verbose_name='live'),
        ),
        migrations.AddField(
            model_name='supplier',
            name='live_revision',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.revision', verbose_name='live revision'),
        ),
        migrations.RunPython(existing_suppliers_stay_public, migrations.RunPython.noop),
    ]
