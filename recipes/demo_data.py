"""The demo content in fixtures/demo: catalogue.json (standards, components, suppliers,
offerings) and recipes.json (recipes with adoptions by real councils), in the recipe file
format (recipes.file_format) and written by its one mapping (recipes.interchange).

Idempotent: objects are matched by slug (adoptions by recipe and council) and only
created when missing, so a second run changes nothing. With refresh=True, existing demo
objects are brought back in line with the files (with a new published revision).
"""

from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from wagtail.models import PageLogEntry, Revision

from .file_format import InterchangeError, RecipeContent, content_validate, document_load
from .interchange import WritePolicy, WriteReport, content_write
from .models import RecipeIndexPage, RecipePage

DEMO_DIR = settings.BASE_DIR / "fixtures" / "demo"
DEMO_FILES = ("catalogue.json", "recipes.json")


def demo_content_read() -> RecipeContent:
    """Both demo files, validated as one recipe file against the site's reference data;
    each problem is named with its file and place."""
    data = {}
    for name in DEMO_FILES:
        try:
            data.update(document_load((DEMO_DIR / name).read_text(encoding="utf-8")))
        except InterchangeError as error:
            raise InterchangeError([f"{name}: {line}" for line in error.errors]) from None
    try:
        return content_validate(data, RecipeContent)
    except InterchangeError as error:
        raise InterchangeError(
            [
                f"{'recipes.json' if line.startswith('recipes') else 'catalogue.json'}: {line}"
                for line in error.errors
            ]
        ) from None


def demo_content_load(*, index: RecipeIndexPage, refresh: bool = False) -> WriteReport:
    """Create the demo catalogue and recipes that are missing (all of them brought in
    line with the files when refresh), published, with their verified claims."""
    policy = WritePolicy(update_catalogue=refresh, update_recipes=refresh, publish=True)
    content = demo_content_read()
    report = content_write(content, index=index, policy=policy)
    demo_first_publication_backdate(content)
    return report


# How long before its (fictional) last review a demo recipe counts as first published.
DEMO_PUBLISHED_BEFORE_REVIEW = timedelta(weeks=6)


def demo_first_publication_backdate(content: RecipeContent) -> None:
    """Date each demo recipe's first publication before its last review, as a real
    recipe's would be: loading the demo publishes it today, and the files' review dates
    are earlier, which would make a page say it was reviewed before it was published.
    Recipes already first published on or before their review date are left alone, so a
    second load changes nothing."""
    reviewed = {item.slug: item.last_reviewed for item in content.recipes if item.last_reviewed}
    for page in RecipePage.objects.filter(slug__in=reviewed).exclude(first_published_at=None):
        review_date = reviewed[page.slug]
        if page.first_published_at.date() <= review_date:
            continue
        published = datetime.combine(review_date - DEMO_PUBLISHED_BEFORE_REVIEW, time(9), UTC)
        first_publication = (
            PageLogEntry.objects.filter(page=page, action="wagtail.publish")
            .order_by("timestamp", "pk")
            .first()
        )
        only_once = page.last_published_at == page.first_published_at
        RecipePage.objects.filter(pk=page.pk).update(
            first_published_at=published,
            **({"last_published_at": published} if only_once else {}),
        )
        if first_publication is not None:
            PageLogEntry.objects.filter(pk=first_publication.pk).update(timestamp=published)
            if first_publication.revision_id:
                Revision.objects.filter(pk=first_publication.revision_id).update(
                    created_at=published
                )
                if page.latest_revision_id == first_publication.revision_id:
                    RecipePage.objects.filter(pk=page.pk).update(
                        latest_revision_created_at=published
                    )
