"""Fill the ratings catalogue 0013 added to the basket's shortlist ranks from councils'
public reviews (later changes are copied by recipes.services.offering_review_changed)."""

from django.db import migrations
from django.db.models import Avg, Count


def fill(apps, schema_editor):
    Review = apps.get_model("recipes", "Review")
    OfferingComponentRank = apps.get_model("catalogue", "OfferingComponentRank")
    rows = (
        Review.objects.filter(offering__isnull=False, live=True, hidden_at__isnull=True)
        .order_by()
        .values("offering_id")
        .annotate(count=Count("pk"), average=Avg("rating"))
        .values_list("offering_id", "average", "count")
    )
    for offering_id, average, count in rows:
        OfferingComponentRank.objects.filter(offering_id=offering_id).update(
            rating_hundredths=round(average * 100), rating_count=count
        )


class Migration(migrations.Migration):
    dependencies = [
        ("recipes", "0010_ratings"),
        ("catalogue", "0013_offering_rank_ratings"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
