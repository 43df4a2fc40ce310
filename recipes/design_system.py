"""The GOV.UK Design System's components and patterns, from fixtures/open_data, so a
method step can link the screen it describes to the pattern it should use."""

import json
from functools import lru_cache

from django.conf import settings

SOURCE = (
    settings.BASE_DIR / "fixtures" / "open_data" / "govuk_design_system_components_patterns.json"
)


@lru_cache(maxsize=1)
def design_system_items() -> dict[str, dict]:
    """Current (not archived) components and patterns, keyed by slug."""
    with SOURCE.open(encoding="utf-8") as source:
        items = json.load(source)["items"]
    return {item["slug"]: item for item in items if item.get("status") != "archived"}


def design_system_choices() -> list[tuple[str, str]]:
    items = sorted(design_system_items().values(), key=lambda item: (item["type"], item["name"]))
    return [(item["slug"], f"{item['name']} ({item['type']})") for item in items]
