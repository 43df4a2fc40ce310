"""Create the "Offering moderators" group and the "Supplier offering moderation" workflow,
and assign it to offerings, so a new site moderates supplier submissions from the start."""

from django.db import migrations


def create_workflow(apps, schema_editor):
    from catalogue.services import moderation_workflow_ensure

    moderation_workflow_ensure(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0002_portal_membership_invitation_logo"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_workflow, migrations.RunPython.noop)]
