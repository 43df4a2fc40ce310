"""The demo content in fixtures/demo: catalogue.json (standards, components, suppliers,
offerings) and recipes.json (recipes with adoptions by real councils), in the recipe file
format (recipes.file_format) and written by its one mapping (recipes.interchange).

Idempotent: objects are matched by slug (adoptions by recipe and council) and only
created when missing, so a second run changes nothing. With refresh=True, existing demo
objects are brought back in line with the files (with a new published revision).
"""

from django.conf import settings

from .file_format import InterchangeError, RecipeContent, content_validate, document_load
from .interchange import WritePolicy, WriteReport, content_write
from .models import RecipeIndexPage

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
    return content_write(demo_content_read(), index=index, policy=policy)
