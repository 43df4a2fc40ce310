from django.db import migrations, models


def count_public_offerings(apps, schema_editor):
    """What catalogue.services.public_offering_total_recount does, with this migration's
    models (public_offering_q's rule)."""
    Offering = apps.get_model("catalogue", "Offering")
    PublicOfferingTotal = apps.get_model("catalogue", "PublicOfferingTotal")
    count = Offering.objects.filter(
        live=True, withdrawn_at__isnull=True, supplier__live=True
    ).count()
    PublicOfferingTotal.objects.update_or_create(pk=1, defaults={"count": count})


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0015_offering_rank_ratings"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicOfferingTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("count", models.PositiveIntegerField()),
            ],
        ),
        migrations.RunPython(count_public_offerings, migrations.RunPython.noop),
    ]
