"""Template tags used across the site: money, pagination, navigation, error summaries."""

from django import template
from django.template.defaultfilters import pluralize
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from catalogue.cost_chart import basket_chart, recipe_chart
from catalogue.markdown import render_markdown
from catalogue.selectors import rating_of
from foundations.forms import error_summary
from foundations.money import as_decimal, format_money, format_range, format_rounded
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


@register.filter
def page_range(paginator, number):
    return paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)


@register.filter
def money(value, places=None):
    """Pounds with thousands separators (foundations.money), or nothing for no amount."""
    amount = as_decimal(value)
    return "" if amount is None else format_money(amount, places)


@register.filter
def money_rounded(value):
    """A total or range end for reading: to the nearest £100 from £1,000 up
    (foundations.money.format_rounded)."""
    if value is None or value == "":
        return ""
    return format_rounded(value)


@register.simple_tag
def money_range(low, high):
    """£1,000 to £5,000, or one figure when both ends are the same."""
    low_amount = as_decimal(low)
    if low_amount is None:
        return ""
    return format_range(low_amount, as_decimal(high))


register.filter("error_summary", error_summary)


@register.filter
def markdown(text):
    """Sanitised HTML from user-written markdown."""
    return mark_safe(render_markdown(text))  # noqa: S308 - render_markdown sanitises with nh3


@register.filter
def quantity(value):
    """A decimal without trailing zeros: 12.50 -> 12.5, 3.0 -> 3."""
    amount = as_decimal(value)
    if amount is None:
        return ""
    if amount == amount.to_integral_value():
        return f"{amount.to_integral_value():,}"
    return f"{amount.normalize():,}"


# Units of time, singular and plural. A no-break space keeps "1.6 days" on one line.
OUTCOME_TIME_UNITS = {"days": "day", "hours": "hour", "minutes": "minute"}


@register.simple_tag
def outcome_value(value, unit):
    """An outcome figure with its unit: 78%, £2.40 (money, as everywhere), 1 day, 1.6 days."""
    if value is None or value == "":
        return ""
    if unit == "pounds":
        return money(value)
    if unit == "percent":
        return f"{quantity(value)}%"
    if unit in OUTCOME_TIME_UNITS:
        word = OUTCOME_TIME_UNITS[unit] if as_decimal(value) == 1 else unit
        return f"{quantity(value)}\u00a0{word}"
    return quantity(value)


MATURITY_COLOURS = {"alpha": "pink", "beta": "turquoise", "live": "green", "retired": "grey"}
ADOPTION_COLOURS = {"exploring": "grey", "building": "blue", "live": "green", "retired": "orange"}


@register.filter
def maturity_colour(maturity):
    return MATURITY_COLOURS.get(maturity, "")


@register.simple_tag
def recipe_card(recipe, heading_level="2", like_mine=None):
    """One recipe of a list of cards (recipes/includes/recipe_list.html): written here
    rather than as template markup because a list repeats it 20 times, and the template
    took 0.25 ms a card. recipe carries selectors.recipe_list's annotations and, when
    costed, costing.with_costs's .costs."""
    facts = [
        format_html(
            '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
            maturity_colour(recipe.maturity),
            recipe.get_maturity_display(),
        )
    ]
    if recipe.adoption_total:
        facts.append(
            format_html(
                "{} council{} using or building it.",
                recipe.adoption_total,
                pluralize(recipe.adoption_total),
            )
        )
    if recipe.rating_count:
        facts.append(list_rating(recipe, like_mine))
    costs = getattr(recipe, "costs", None)
    if costs:
        assumptions = costs.assumptions
        facts.append(
            format_html(
                "Set-up {}, then {} a year for {}.",
                costs.one_off.display,
                costs.yearly.display,
                assumptions.council_name
                if assumptions.has_council
                else f"a council of {quantity(assumptions.population)} residents",
            )
        )
    serves = [council_type.plural_name_in_sentence for council_type in recipe.serves.all()]
    if serves:
        facts.append(format_html("Serves: {}.", ", ".join(serves)))
    return format_html(
        '<li class="app-card-list__item">'
        '<h{level} class="govuk-heading-m govuk-!-margin-bottom-2">'
        '<a class="govuk-link" href="{url}">{title}</a></h{level}>'
        '<p class="govuk-body govuk-!-margin-bottom-2">{summary}</p>'
        '<p class="govuk-body-s govuk-!-margin-bottom-0">{facts}</p></li>',
        level=int(heading_level),
        url=recipe.url,
        title=recipe.title,
        summary=recipe.summary,
        facts=mark_safe(" ".join(facts)),  # noqa: S308 -- each part is escaped above
    )


# The smaller lines under a figure in a cell or card: set-up fees, notes, licences.
DETAIL_LINE = '<span class="govuk-body-s govuk-!-display-block govuk-!-margin-bottom-0">{}</span>'


@register.simple_tag
def offering_price(offering, notes=True):
    """An offering's price as every page shows it: "Free", or the figure or range with its
    unit; the set-up fee, and (with notes) the pricing notes, on lines below. The
    includes catalogue/includes/price.html and price_figure.html are this tag."""
    if offering.price == 0 and not offering.price_max:
        html = "Free"
    else:
        html = format_html(
            "{} {}",
            money_range(offering.price, offering.price_max),
            offering.get_pricing_unit_display(),
        )
    if offering.setup_fee:
        html += format_html(DETAIL_LINE, f"plus {money(offering.setup_fee)} set-up")
    if notes and offering.pricing_notes:
        html += format_html(DETAIL_LINE, offering.pricing_notes)
    return mark_safe(html)  # noqa: S308 -- each part is escaped above


@register.simple_tag
def list_rating(item, like_mine=None):
    """The councils' rating of one item of a list whose queryset carries
    selectors.with_ratings ("Rated 4.3 out of 5 by 2 councils."). With like_mine (a
    council type), only reviews by councils of that type count."""
    figure = rating_of(item)
    if figure["count"]:
        return format_html(
            "Rated {} out of 5 by {} council{}{}.",
            figure["average"],
            figure["count"],
            pluralize(figure["count"]),
            " like yours" if like_mine else "",
        )
    if like_mine:
        return "Not yet rated by councils like yours."
    return "Not yet rated by councils."


OFFERING_ROW = (
    '<tr class="govuk-table__row">\n'
    '<th scope="row" class="govuk-table__header">'
    '<a class="govuk-link" href="{url}">{name}</a>{licence}</th>\n'
    "{supplier}"
    '<td class="govuk-table__cell">{price}</td>\n'
    '<td class="govuk-table__cell">{hosting}</td>\n'
    '<td class="govuk-table__cell"><ul class="govuk-list govuk-body-s">{claims}</ul></td>\n'
    "{gcloud}\n</tr>"
)
OFFERING_CARD = (
    '<li class="app-card-list__item">\n'
    '<h2 class="govuk-heading-m govuk-!-margin-bottom-1">'
    '<a class="govuk-link" href="{url}">{name}</a></h2>\n'
    '<p class="govuk-body-s govuk-!-margin-bottom-1">from '
    '<a class="govuk-link" href="{supplier_url}">{supplier}</a>{sample}</p>\n'
    '<p class="govuk-body govuk-!-margin-bottom-1">{summary}</p>\n'
    '<p class="govuk-body-s govuk-!-margin-bottom-1">{price}</p>\n'
    '<p class="govuk-body-s govuk-!-margin-bottom-1">{rating}</p>\n'
    "{provides}\n</li>"
)


def _sample_label() -> str:
    return get_template("components/sample-label.html").render({})


def _claims_list(claims) -> str:
    if not claims:
        return mark_safe("<li>None claimed</li>")
    return mark_safe(  # noqa: S308 -- the standards' names are escaped
        "".join(
            f"<li>{conditional_escape(claim.standard_name)}: "
            f"{'<strong>verified</strong>' if claim.is_verified else 'claimed'}</li>"
            for claim in claims
        )
    )


@register.simple_tag
def offering_rows(offerings, hide_supplier=False):
    """The rows of a table of offerings (catalogue/includes/offering_table.html), each
    with catalogue.selectors.with_claim_summaries's claim_summaries. Written here rather
    than as template markup because a table repeats a row 20 times with three includes
    each (5.7 ms of a component page's rendering), and one format_html a row because
    each call costs as much as the rest of the row."""
    sample = mark_safe(f" {_sample_label()}")  # noqa: S308 -- our own template
    rows = []
    for offering in offerings:
        supplier = offering.supplier
        licence = offering.open_source_licence
        rows.append(
            format_html(
                OFFERING_ROW,
                url=offering.get_absolute_url(),
                name=offering.name,
                licence=format_html(DETAIL_LINE, f"Open source ({licence})") if licence else "",
                supplier=""
                if hide_supplier
                else format_html(
                    '<td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a>{}</td>\n',
                    supplier.get_absolute_url(),
                    supplier.name,
                    sample if supplier.is_sample else "",
                ),
                price=offering_price(offering),
                hosting=offering.get_hosting_display(),
                claims=_claims_list(offering.claim_summaries),
                gcloud=format_html(
                    '<td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a></td>',
                    offering.gcloud_url,
                    offering.gcloud_service_id,
                )
                if offering.gcloud_service_id
                else mark_safe('<td class="govuk-table__cell">Not listed</td>'),
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 -- each part is escaped above


@register.simple_tag
def offering_cards(offerings, like_mine=None):
    """The cards of the offering list (catalogue/offering_list.html), each with
    catalogue.selectors.with_component_links's component_links. Written here rather
    than as template markup because the list repeats a card 25 times with four includes
    each: 5.9 ms of the page's rendering."""
    sample = mark_safe(f" {_sample_label()}")  # noqa: S308 -- our own template
    cards = []
    for offering in offerings:
        supplier = offering.supplier
        provides = ""
        if offering.component_links:
            links = ", ".join(
                f'<a class="govuk-link" href="{conditional_escape(link.url)}">'
                f"{conditional_escape(link.name)}</a>"
                for link in offering.component_links
            )
            provides = mark_safe(  # noqa: S308 -- the links' parts are escaped
                f'<p class="govuk-body-s govuk-!-margin-bottom-0">Provides: {links}</p>'
            )
        cards.append(
            format_html(
                OFFERING_CARD,
                url=offering.get_absolute_url(),
                name=offering.name,
                supplier_url=supplier.get_absolute_url(),
                supplier=supplier.name,
                sample=sample if supplier.is_sample else "",
                summary=offering.summary,
                price=offering_price(offering),
                rating=list_rating(offering, like_mine),
                provides=provides,
            )
        )
    return mark_safe("\n".join(cards))  # noqa: S308 -- each part is escaped above


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
def rating(item):
    """The councils' rating of a listed offering or recipe (selectors.with_ratings), as
    its page shows it."""
    return rating_of(item)


@register.filter
def sum_values(values):
    return sum(values)


@register.filter
def select_options(bound_field):
    """The <option> elements of a select field, as the widget chooses and labels them.
    The field partial's select lists every option this way: a template loop over the
    bound field builds a widget and a context per option, which for the filters of a
    list (a component select has 56 options) cost more than the rest of the form."""
    widget = bound_field.field.widget
    value = widget.format_value(bound_field.value())
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])
            for _group, options, _index in widget.optgroups(bound_field.html_name, value)
            for option in options
        ),
    )


# One GOV.UK radio or checkbox item (kind "radios" or "checkboxes"): the field partial's
# choices and the search page's facets are written with it.
CHOICE_ITEM = (
    '<div class="govuk-{kind}__item">\n'
    '<input class="govuk-{kind}__input" id="{id}" name="{name}" type="{type}" '
    'value="{value}"{checked}>\n'
    '<label class="govuk-label govuk-{kind}__label" for="{id}">{label}</label>\n'
    "</div>"
)
CHOICE_TYPES = {"radios": "radio", "checkboxes": "checkbox"}


def choice_items_html(kind: str, items) -> str:
    """The items of a GOV.UK radios or checkboxes list, from (id, name, value, label,
    checked) rows: a template loop over a field's options built a widget and a context for
    each (a recipe index's filters have 150 of them, the search facets 124)."""
    checked = mark_safe(" checked")
    return format_html_join(
        "\n",
        CHOICE_ITEM,
        (
            {
                "kind": kind,
                "type": CHOICE_TYPES[kind],
                "id": item_id,
                "name": name,
                "value": value,
                "label": label,
                "checked": checked if is_checked else "",
            }
            for item_id, name, value, label, is_checked in items
        ),
    )


@register.filter
def choice_items(bound_field, kind):
    """The radio or checkbox items of a choice field, as the widget chooses and labels
    them, with the ids Django gives them (auto id, underscore, position)."""
    widget = bound_field.field.widget
    value = widget.format_value(bound_field.value())
    name = bound_field.html_name
    options = (
        option
        for _group, group_options, _index in widget.optgroups(name, value)
        for option in group_options
    )
    return choice_items_html(
        kind,
        (
            (
                f"{bound_field.auto_id}_{position}",
                name,
                str(option["value"]),
                option["label"],
                option["selected"],
            )
            for position, option in enumerate(options)
        ),
    )


@register.simple_tag
def facet_items(name, options):
    """A search facet's checkbox items (patterns_site.search.FacetOption)."""
    return choice_items_html(
        "checkboxes",
        (
            (
                f"facet-{name}-{position}",
                name,
                option.value,
                f"{option.label} ({option.count_text})",
                option.selected,
            )
            for position, option in enumerate(options, start=1)
        ),
    )


@register.filter
def is_decimal_field(bound_field):
    from django import forms

    return isinstance(bound_field.field, forms.DecimalField)


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """An address with scheme and host, for documents read away from the site (the
    printed procurement brief), where "/basket/" would mean nothing."""
    request = context.get("request")
    path = str(path or "/")
    return request.build_absolute_uri(path) if request else path


@register.inclusion_tag("components/cost-chart.html")
def cost_chart(costs, kind="recipe"):
    """The cost breakdown chart of a recipe's or a basket's costs (catalogue.cost_chart)."""
    if costs is None:
        return {"chart": None}
    chart = basket_chart(costs) if kind == "basket" else recipe_chart(costs)
    # The grid lines are the same in every bar: drawn once here rather than by a loop
    # inside the template's loop over the bars.
    grid = format_html_join(
        "",
        '<line class="app-cost-chart__grid" x1="{}" x2="{}" y1="0" y2="24"/>',
        ((tick.x, tick.x) for tick in chart.ticks),
    )
    return {"chart": chart, "grid": grid}


@register.filter(name="count_text")
def count_text_filter(count):
    """A search match count as shown (patterns_site.search.count_text)."""
    from patterns_site.search import count_text

    return count_text(count)
