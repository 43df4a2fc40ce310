"""Template tags used across the site: money, query strings, pagination, navigation."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from catalogue.markdown import render_markdown
from recipes.basket import basket_size

register = template.Library()

NAV_SECTIONS = [
    ("recipes", "Recipes", "/recipes/"),
    ("components", "Components", "catalogue:component_list"),
    ("standards", "Standards", "catalogue:standard_list"),
    ("offerings", "Offerings", "catalogue:offering_list"),
    ("suppliers", "Suppliers", "catalogue:supplier_list"),
    ("councils", "Councils", "catalogue:council_list"),
    ("basket", "Basket", "basket:basket"),
]


@register.simple_tag(takes_context=True)
def nav_section(context, request):
    """The navigation section the current URL belongs to, and the sections themselves."""
    sections = []
    for key, label, target in NAV_SECTIONS:
        url = target if target.startswith("/") else reverse(target)
        if key == "basket":
            label = f"{label} ({basket_size(getattr(request, 'session', {}))})"
        sections.append({"key": key, "label": label, "url": url})
    context["nav_sections"] = sections
    path = getattr(request, "path", "") or ""
    for section in sections:
        if path.startswith(section["url"]):
            return section["key"]
    return ""


@register.simple_tag
def query_with(request, **changes):
    """The current query string with some parameters replaced, for pagination links that
    keep the filters."""
    params = request.GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


@register.filter
def page_range(paginator, number):
    return paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)


@register.filter
def money(value, places=None):
    """Pounds with thousands separators: £1,200 for whole pounds, £0.03 otherwise.
    Never goes through float."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    if places is None:
        places = 0 if amount == amount.to_integral_value() else 2
    quantum = Decimal(1).scaleb(-int(places))
    amount = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    return f"£{amount:,.{int(places)}f}"


@register.simple_tag
def money_range(low, high):
    """£1,000 to £5,000, or one figure when both ends are the same."""
    if high is None or high == "" or Decimal(high) == Decimal(low or 0):
        return money(low)
    return f"{money(low)} to {money(high)}"


@register.filter
def markdown(text):
    """Sanitised HTML from user-written markdown."""
    return mark_safe(render_markdown(text))  # noqa: S308 - render_markdown sanitises with nh3


@register.filter
def quantity(value):
    """A decimal without trailing zeros: 12.50 -> 12.5, 3.0 -> 3."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    if amount == amount.to_integral_value():
        return f"{amount.to_integral_value():,}"
    return f"{amount.normalize():,}"


OUTCOME_UNITS = {
    "percent": "{}%",
    "pounds": "£{}",
    "days": "{} days",
    "hours": "{} hours",
    "minutes": "{} minutes",
    "count": "{}",
}


@register.simple_tag
def outcome_value(value, unit):
    if value is None or value == "":
        return ""
    return OUTCOME_UNITS.get(unit, "{}").format(quantity(value))


MATURITY_COLOURS = {"alpha": "pink", "beta": "turquoise", "live": "green", "retired": "grey"}
ADOPTION_COLOURS = {"exploring": "grey", "building": "blue", "live": "green", "retired": "orange"}


@register.filter
def maturity_colour(maturity):
    return MATURITY_COLOURS.get(maturity, "")


@register.filter
def adoption_colour(status):
    return ADOPTION_COLOURS.get(status, "")


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, or None."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag
def highlight(text, terms):
    """Text with the search terms marked; escapes everything else."""
    from patterns_site.search import highlight as highlight_text

    return highlight_text(str(text or ""), terms)


@register.filter
def sum_values(values):
    return sum(values)


@register.filter
def is_decimal_field(bound_field):
    from django import forms

    return isinstance(bound_field.field, forms.DecimalField)
