"""Discovery markup: canonical URLs and schema.org JSON-LD.

JSON-LD is emitted as <script type="application/ld+json">, which browsers never run (so
a strict CSP allows it), with the same escaping as Django's json_script: <, > and & become
\\u escapes, so text such as "</script>" in a recipe cannot end the element early.
"""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from catalogue.structured_data import offering_json_ld, supplier_json_ld
from recipes.structured_data import recipe_json_ld

register = template.Library()

JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data: dict) -> str:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        JSON_SCRIPT_ESCAPES
    )
    # The text is escaped above for an HTML script element, as django.utils.html.json_script.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's absolute URL without its query string."""
    request = context.get("request")
    return request.build_absolute_uri(request.path) if request else ""


@register.simple_tag(takes_context=True)
def recipe_structured_data(context, page):
    # The one-off cost as the page shows it: the cost model for the visitor's council.
    return json_ld_script(
        recipe_json_ld(page, context["request"], context.get("costs"), context.get("rating"))
    )


@register.simple_tag(takes_context=True)
def offering_structured_data(context, offering):
    return json_ld_script(offering_json_ld(offering, context["request"], context.get("rating")))


@register.simple_tag(takes_context=True)
def supplier_structured_data(context, supplier, offerings):
    return json_ld_script(supplier_json_ld(supplier, offerings, context["request"]))
