from django.db import migrations, models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_public_adoptions(apps, schema_editor):
    """What recipes.services.adoption_counts_rebuild does, with this migration's models."""
    RecipePage = apps.get_model("recipes", "RecipePage")
    Adoption = apps.get_model("recipes", "Adoption")
    counts = (
        Adoption.objects.filter(recipe=OuterRef("pk"), live=True)
        .order_by()
        .values("recipe")
        .annotate(n=Count("pk"))
        .values("n")
    )
    RecipePage.objects.update(
        adoption_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("recipes", "0010_ratings"),
    ]

    operations = [
        migrations.AddField(
            model_name="recipepage",
            name="adoption_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddIndex(
            model_name="recipepage",
            index=models.Index(
                fields=["adoption_count", "page_ptr"], name="recipe_adoption_count"
            ),
        ),
        migrations.RunPython(count_public_adoptions, migrations.RunPython.noop),
    ]
