from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recipes", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="recipepage",
            name="change_summary",
            field=models.CharField(
                blank=True,
                help_text="A sentence for the public change log, saved with this revision. Leave it blank for minor edits.",
                max_length=300,
                verbose_name="What changed",
            ),
        ),
    ]
