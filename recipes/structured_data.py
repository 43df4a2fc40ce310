"""A recipe as a schema.org HowTo, for the JSON-LD on its page: components and standards
as supplies, the GOV.UK Design System patterns its steps use as tools, the set-up cost
as a MonetaryAmount in pounds and the weeks to launch as an ISO 8601 duration."""

from django.utils.html import strip_tags

from catalogue.structured_data import aggregate_rating
from foundations.money import money_text

from .models import RecipePage


def recipe_json_ld(page: RecipePage, request, costs=None, rating: dict | None = None) -> dict:
    url = request.build_absolute_uri(page.get_url(request=request))
    supplies = [
        {
            "@type": "HowToSupply",
            "name": item["component"].name,
            "url": request.build_absolute_uri(item["component"].get_absolute_url()),
        }
        for item in page.component_ingredients
    ] + [
        {
            "@type": "HowToSupply",
            "name": item["standard"].name,
            "url": request.build_absolute_uri(item["standard"].get_absolute_url()),
        }
        for item in page.standard_ingredients
    ]
    steps, tools, tool_names = [], [], set()
    for position, step in enumerate(page.method_steps, start=1):
        steps.append(
            {
                "@type": "HowToStep",
                "position": position,
                "name": step["title"],
                "text": " ".join(strip_tags(step["body"]).split()),
                "url": f"{url}#method",
            }
        )
        pattern = step["design_system_item"]
        if pattern and pattern["name"] not in tool_names:
            tool_names.add(pattern["name"])
            tools.append({"@type": "HowToTool", "name": pattern["name"], "url": pattern["url"]})
    data = {
        "@context": "https://schema.org",
        "@type": "HowTo",
        "name": page.title,
        "description": page.summary,
        "url": url,
        "totalTime": f"P{page.weeks_to_launch}W",
        "estimatedCost": {
            "@type": "MonetaryAmount",
            "currency": "GBP",
            "minValue": money_text(costs.one_off.low if costs else page.setup_cost_min),
            "maxValue": money_text(costs.one_off.high if costs else page.setup_cost_max),
        },
        "supply": supplies,
        "tool": tools,
        "step": steps,
    }
    if page.first_published_at:
        data["datePublished"] = page.first_published_at.isoformat()
    if page.last_published_at:
        data["dateModified"] = page.last_published_at.isoformat()
    data.update(aggregate_rating(rating))
    return data
