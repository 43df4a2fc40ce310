"""The architecture picture of a recipe, drawn from its own ingredients and method.

The resident's journey (the method's steps) runs across the top; the common components
each step uses sit below; the back-office systems sit at the bottom, joined to the
components that exchange data with them and labelled with the standards they share.

The layout is fixed and computed here, not by a layout engine: a row per lane, boxes in
evenly spaced slots, components ordered by the first step that uses them so that lines
rarely cross. Graphviz would place boxes better in odd cases, but it would be a system
dependency on every machine, its output moves between versions (so tests could not pin
it), and it knows nothing of lanes; this layout is the same for the same recipe on every
machine, needs nothing installed, and is a few hundred lines that tests can read.

recipe_architecture() gathers the facts into plain JSON-ready data (stored on the page
when it is saved, so pages never compute it); architecture_svg() draws that data. The
text equivalent on the page is rendered from the same data, so the two cannot disagree.
"""

import textwrap

from django.urls import reverse
from django.utils.html import escape

from catalogue.models import Component, Standard

# Components of these categories are the council's own systems behind the service.
BACK_OFFICE_CATEGORIES = {
    Component.Category.CASE_MANAGEMENT.value,
    Component.Category.INTEGRATION.value,
    Component.Category.REPORTING.value,
}
# Standards that describe data passing between systems, shown on the connections. Policy,
# security and accessibility standards apply to a box, not to a connection.
CONNECTING_CATEGORIES = [Standard.Category.DATA.value, Standard.Category.TECHNICAL.value]
STANDARDS_PER_CONNECTION = 2


def step_component_ids(step: dict) -> list[int]:
    """The component ids a method step's raw value names, in either of the forms Wagtail
    stores a ListBlock in (plain values, or items with their own ids)."""
    ids = []
    for item in step.get("components") or []:
        value = item.get("value") if isinstance(item, dict) else item
        if value not in (None, ""):
            ids.append(int(value))
    return ids


def raw_ids(stream_raw, block_type: str) -> list[int]:
    """Ids of the snippets a stream's blocks of one type choose, read from raw data."""
    return [
        int(item["value"][block_type])
        for item in stream_raw
        if item["type"] == block_type and item["value"].get(block_type)
    ]


def recipe_architecture(
    page, *, offerings: dict | None = None, component_model=Component, standard_model=Standard
) -> dict:
    """What the picture shows, as JSON-ready data: steps, components by lane, and the
    connections between components and back-office systems with their standards.

    offerings maps a component's id to the Offering chosen for it (a basket): its box
    then names the product and links to it. Three queries, whatever the recipe's size.
    A data migration passes its historical models, which have fields but no methods.
    """
    steps_raw = [item["value"] for item in page.method.raw_data if item["type"] == "step"]
    ingredients_raw = list(page.ingredients.raw_data)
    ingredient_ids = raw_ids(ingredients_raw, "component")
    step_ids = [pk for step in steps_raw for pk in step_component_ids(step)]
    by_id = {
        component.pk: component
        for component in component_model.objects.filter(pk__in=set(ingredient_ids) | set(step_ids))
        .prefetch_related("standards")
        .order_by()
    }
    recipe_standards = list(
        standard_model.objects.filter(
            pk__in=raw_ids(ingredients_raw, "standard"), category__in=CONNECTING_CATEGORIES
        )
    )
    recipe_standards.sort(key=lambda s: (CONNECTING_CATEGORIES.index(s.category), s.name))

    steps = []
    first_use: dict[int, int] = {}
    for number, step in enumerate(steps_raw, start=1):
        used = [pk for pk in dict.fromkeys(step_component_ids(step)) if pk in by_id]
        for pk in used:
            first_use.setdefault(pk, number)
        steps.append(
            {
                "number": number,
                "title": step.get("title", ""),
                "components": [by_id[pk].slug for pk in used],
            }
        )

    # Components in ingredient order, then any a step names that the ingredients do not.
    ordered = [pk for pk in dict.fromkeys(ingredient_ids + step_ids) if pk in by_id]
    position = {pk: n for n, pk in enumerate(ordered)}
    front = [pk for pk in ordered if by_id[pk].category not in BACK_OFFICE_CATEGORIES]
    back = [pk for pk in ordered if by_id[pk].category in BACK_OFFICE_CATEGORIES]
    # Under the first step that uses them; unused ones last, in ingredient order.
    front.sort(key=lambda pk: (first_use.get(pk, len(steps) + 1), position[pk]))

    connections = []
    for front_pk in front:
        front_standards = {s.pk for s in by_id[front_pk].standards.all()}
        for back_pk in back:
            back_standards = {s.pk for s in by_id[back_pk].standards.all()}
            shared = [
                s for s in recipe_standards if s.pk in front_standards and s.pk in back_standards
            ]
            # The data standards when they share one (UPRN, not the OpenAPI every API
            # speaks); otherwise the technical ones.
            if any(st.category == CONNECTING_CATEGORIES[0] for st in shared):
                shared = [st for st in shared if st.category == CONNECTING_CATEGORIES[0]]
            if shared:
                connections.append(
                    {
                        "from": by_id[front_pk].slug,
                        "to": by_id[back_pk].slug,
                        "standards": [
                            {
                                "slug": s.slug,
                                "name": s.short_name or s.name,
                                "url": reverse("catalogue:standard_detail", args=[s.slug]),
                            }
                            for s in shared
                        ],
                    }
                )
    # Back-office systems under the components they connect to, so lines stay short.
    front_index = {by_id[pk].slug: n for n, pk in enumerate(front)}

    def back_centre(pk):
        linked = [front_index[c["from"]] for c in connections if c["to"] == by_id[pk].slug]
        return (sum(linked) / len(linked) if linked else len(front), position[pk])

    back.sort(key=back_centre)

    def component_entry(pk, lane):
        component = by_id[pk]
        entry = {
            "slug": component.slug,
            "name": component.name,
            "url": reverse("catalogue:component_detail", args=[component.slug]),
            "lane": lane,
            "product": "",
            "product_url": "",
        }
        offering = (offerings or {}).get(pk)
        if offering is not None:
            entry["product"] = offering.name
            entry["product_url"] = offering.get_absolute_url()
        return entry

    return {
        "steps": steps,
        "components": [component_entry(pk, "front") for pk in front]
        + [component_entry(pk, "back") for pk in back],
        "connections": connections,
    }


def architecture_description(architecture: dict) -> str:
    """One paragraph saying what the picture shows, for its text equivalent."""
    # A page saved without drawing (bulk-made benchmark pages) has no picture yet.
    steps = architecture.get("steps", [])
    components = architecture.get("components", [])
    front = [c["name"] for c in components if c["lane"] == "front"]
    back = [c["name"] for c in components if c["lane"] == "back"]
    standards = list(
        dict.fromkeys(
            s["name"] for c in architecture.get("connections", []) for s in c["standards"]
        )
    )
    parts = [
        f"The resident's journey has {len(steps)} step{'s' if len(steps) != 1 else ''}.",
        f"The steps use {_count(len(front), 'common component')}"
        + (f": {_join(front)}." if front else "."),
    ]
    if back:
        parts.append(f"Behind them are {_count(len(back), 'back-office system')}: {_join(back)}.")
    if standards:
        parts.append(f"Data passes between them in {_join(standards)}.")
    return " ".join(parts)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def _join(names: list[str]) -> str:
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# Drawing --------------------------------------------------------------------------------

SLOT = 150  # horizontal space for one box
BOX_W = 134
BOX_H = 80
LINE_H = 16
WRAP = 17  # characters per line at 13px: 134px less padding
MARGIN = 10
STEP_Y = 34
COMPONENT_Y = STEP_Y + BOX_H + 84
BACK_Y = COMPONENT_Y + BOX_H + 104
LEGEND_Y = BACK_Y + BOX_H + 34
LEGEND_ROW = 24
HATCH_W = 12

# GOV.UK colours, as presentation attributes so a downloaded file looks the same as the
# page; the page's classes (static/scss) override them, for print in black and white.
BLACK = "#0b0c0c"
DARK_GREY = "#505a5f"
BLUE = "#1d70b8"
LIGHT_BLUE = "#e8f1f8"
WHITE = "#ffffff"
MID_GREY = "#b1b4b6"


def _attrs(**attributes) -> str:
    return " ".join(
        f'{name.rstrip("_").replace("_", "-")}="{escape(value)}"'
        for name, value in attributes.items()
    )


def _lines(text: str, width: int = WRAP, limit: int = 3) -> list[str]:
    lines = textwrap.wrap(text, width=width) or [""]
    if len(lines) > limit:
        lines = lines[:limit]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def _text(x: float, y: float, lines: list[str], css: str, *, bold=False, size=13) -> str:
    weight = ' font-weight="bold"' if bold else ""
    # A space ends every line but the last, so that a link's name reads "Look up an
    # address", not "Look up anaddress".
    spans = "".join(
        f"<tspan {_attrs(x=f'{x:g}', y=f'{y + n * LINE_H:g}')}>"
        f"{escape(line)}{' ' if n < len(lines) - 1 else ''}</tspan>"
        for n, line in enumerate(lines)
    )
    return f'<text class="{css}" font-size="{size}" fill="{BLACK}"{weight}>{spans}</text>'


def _place(targets: list[tuple[str, float]], width: float) -> dict[str, float]:
    """Left edges for boxes wanted centred at the target x: in the targets' order, at
    least a slot apart, and inside the picture."""
    ordered = sorted(targets, key=lambda item: item[1])
    lefts = []
    for _key, target in ordered:
        left = max(target - BOX_W / 2, MARGIN)
        if lefts:
            left = max(left, lefts[-1] + SLOT)
        lefts.append(left)
    right_edge = width - MARGIN - BOX_W
    for n in range(len(lefts) - 1, -1, -1):
        limit = right_edge if n == len(lefts) - 1 else lefts[n + 1] - SLOT
        lefts[n] = min(lefts[n], limit)
    return {key: left for (key, _target), left in zip(ordered, lefts, strict=True)}


def _ports(ends: list[tuple], box_left) -> dict:
    """For lines (box key, line key, x of the line's other end): the x where each line
    meets its box, spread evenly along the edge in the order of the other ends."""
    by_box: dict = {}
    for box, line, other_x in ends:
        by_box.setdefault(box, []).append((other_x, line))
    ports = {}
    for box, lines in by_box.items():
        lines.sort(key=lambda item: item[0])
        left = box_left(box)
        for k, (_x, line) in enumerate(lines):
            ports[line] = left + BOX_W * (k + 1) / (len(lines) + 1)
    return ports


def _row_x(count: int, width: float) -> list[float]:
    start = (width - count * SLOT) / 2 + (SLOT - BOX_W) / 2
    return [start + n * SLOT for n in range(count)]


def architecture_svg(architecture: dict, *, id_prefix: str = "architecture") -> str:
    """The picture as a standalone SVG document: every box a link, no scripts, no style
    attributes, and a title and description for assistive technology."""
    steps = architecture["steps"]
    front = [c for c in architecture["components"] if c["lane"] == "front"]
    back = [c for c in architecture["components"] if c["lane"] == "back"]
    connections = architecture["connections"]
    columns = max(len(steps), len(front), len(back), 4)
    width = columns * SLOT + 2 * MARGIN
    legend, legend_rows = _legend(width, id_prefix)
    height = LEGEND_Y + legend_rows * LEGEND_ROW
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"

    step_x = dict(zip([s["number"] for s in steps], _row_x(len(steps), width), strict=True))
    # Each component sits under the middle of the steps that use it, and each back-office
    # system under what connects to it, pushed apart just enough not to overlap.
    centre = {n: x + BOX_W / 2 for n, x in step_x.items()}
    front_targets = []
    for c in front:
        users = [centre[s["number"]] for s in steps if c["slug"] in s["components"]]
        front_targets.append((c["slug"], sum(users) / len(users) if users else width))
    box_x = _place(front_targets, width)
    back_targets = []
    for c in back:
        linked = [box_x[k["from"]] + BOX_W / 2 for k in connections if k["to"] == c["slug"]]
        linked += [centre[s["number"]] for s in steps if c["slug"] in s["components"]]
        back_targets.append((c["slug"], sum(linked) / len(linked) if linked else width))
    box_x.update(_place(back_targets, width))
    box_y = {c["slug"]: COMPONENT_Y for c in front} | {c["slug"]: BACK_Y for c in back}
    uses = [(s["number"], slug) for s in steps for slug in s["components"]]
    # Where each line meets a box: spread along its edge in the order of the other ends.
    bottom_ports = _ports(
        [(("step", n), (n, slug), box_x[slug]) for n, slug in uses]
        + [((c["from"]), (c["from"], c["to"]), box_x[c["to"]]) for c in connections],
        lambda key: step_x[key[1]] if isinstance(key, tuple) else box_x[key],
    )
    top_ports = _ports(
        [(slug, (n, slug), step_x[n]) for n, slug in uses]
        + [(c["to"], (c["from"], c["to"]), box_x[c["from"]]) for c in connections],
        lambda key: box_x[key],
    )

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-arch" '
        f"{_attrs(viewBox=f'0 0 {width:g} {height}', width='100%')} "
        f'aria-labelledby="{title_id} {desc_id}" font-family="arial, sans-serif">',
        f'<title id="{title_id}">Architecture of the service</title>',
        f'<desc id="{desc_id}">{escape(architecture_description(architecture))}</desc>',
        '<defs><pattern id="' + id_prefix + '-hatch" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{WHITE}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{BLACK}" stroke-width="3" '
        'class="app-arch__hatch"/></pattern></defs>',
        f'<rect {_attrs(width=f"{width:g}", height=str(height))} fill="{WHITE}" '
        'class="app-arch__background"/>',
    ]
    lanes = (
        (STEP_Y - 12, "The resident's journey"),
        (COMPONENT_Y - 12, "Common components"),
        (BACK_Y - 12, "Back-office systems"),
    )
    for y, label in lanes:
        out.append(_text(MARGIN, y, [label], "app-arch__lane", bold=True, size=14))

    # Lines first, so boxes sit on top of their ends. A line from a step to a back-office
    # system passes behind the components' row.
    for n, slug in uses:
        x1, y1 = bottom_ports[(n, slug)], STEP_Y + BOX_H
        x2, y2 = top_ports[(n, slug)], box_y[slug]
        out.append(
            f"<line {_attrs(x1=f'{x1:g}', y1=f'{y1:g}', x2=f'{x2:g}', y2=f'{y2:g}')} "
            f'stroke="{DARK_GREY}" stroke-width="1.5" class="app-arch__uses"/>'
        )
    pills, labelled = [], set()
    for n, connection in enumerate(connections):
        key = (connection["from"], connection["to"])
        x1, y1, x2 = bottom_ports[key], COMPONENT_Y + BOX_H, top_ports[key]
        out.append(
            f"<line {_attrs(x1=f'{x1:g}', y1=f'{y1:g}', x2=f'{x2:g}', y2=str(BACK_Y))} "
            f'stroke="{BLACK}" stroke-width="2" stroke-dasharray="6 4" '
            'class="app-arch__connection"/>'
        )
        # A standard is named once on the lines into each back-office system: the lines
        # that share it read as one bus, and the labels do not pile up by the box.
        shown = [
            standard
            for standard in connection["standards"]
            if (standard["slug"], connection["to"]) not in labelled
        ][:STANDARDS_PER_CONNECTION]
        labelled.update((standard["slug"], connection["to"]) for standard in shown)
        # Labels stagger along their lines so that neighbouring ones do not overlap.
        t = (0.5, 0.3, 0.7)[n % 3]
        cx = x1 + (x2 - x1) * t
        cy = y1 + (BACK_Y - y1) * t - 10 * (len(shown) - 1)
        for k, standard in enumerate(shown):
            pills.append(_pill(cx, cy + k * 20, standard))
    out.extend(pills)

    for step in steps:
        out.append(_step_box(step, step_x[step["number"]]))
    for component in front + back:
        out.append(
            _component_box(component, box_x[component["slug"]], box_y[component["slug"]], id_prefix)
        )
    out.append(legend)
    out.append("</svg>")
    return "".join(out)


def _step_box(step: dict, x: float) -> str:
    return (
        f'<g class="app-arch__step"><rect {_attrs(x=f"{x:g}", y=str(STEP_Y))} '
        f'width="{BOX_W}" height="{BOX_H}" rx="14" fill="{LIGHT_BLUE}" stroke="{BLUE}" '
        'stroke-width="2" class="app-arch__box app-arch__box--step"/>'
        + _text(x + 10, STEP_Y + 20, [f"Step {step['number']}"], "app-arch__number", bold=True)
        + _text(x + 10, STEP_Y + 20 + LINE_H, _lines(step["title"]), "app-arch__label")
        + "</g>"
    )


def _component_box(component: dict, x: float, y: float, id_prefix: str) -> str:
    is_back = component["lane"] == "back"
    text_x = x + (HATCH_W + 8 if is_back else 10)
    width = WRAP - 2 if is_back else WRAP
    name = _lines(component["name"], width, limit=2 if component["product"] else 3)
    parts = [
        f'<a href="{escape(component["product_url"] or component["url"])}" class="app-arch__link">',
        f'<rect {_attrs(x=f"{x:g}", y=f"{y:g}")} width="{BOX_W}" height="{BOX_H}" '
        f'fill="{WHITE}" stroke="{BLACK}" stroke-width="2" '
        f'class="app-arch__box app-arch__box--{component["lane"]}"/>',
    ]
    if is_back:
        parts.append(
            f'<rect {_attrs(x=f"{x + 1:g}", y=f"{y + 1:g}")} width="{HATCH_W}" '
            f'height="{BOX_H - 2}" fill="url(#{id_prefix}-hatch)" class="app-arch__stripe"/>'
        )
    parts.append(_text(text_x, y + 20, name, "app-arch__label app-arch__label--link", bold=True))
    if component["product"]:
        parts.append(
            _text(
                text_x,
                y + 20 + LINE_H * len(name),
                _lines(component["product"], width, limit=5 - len(name) - 1),
                "app-arch__product",
            )
        )
    parts.append("</a>")
    return "".join(parts)


def _pill(cx: float, cy: float, standard: dict) -> str:
    label = standard["name"]
    width = len(label) * 7 + 16
    x = cx - width / 2
    return (
        f'<a href="{escape(standard["url"])}" class="app-arch__link">'
        f'<rect {_attrs(x=f"{x:g}", y=f"{cy - 10:g}", width=f"{width:g}")} height="20" rx="10" '
        f'fill="{WHITE}" stroke="{BLACK}" stroke-width="1.5" stroke-dasharray="3 2" '
        'class="app-arch__box app-arch__box--standard"/>'
        f'<text {_attrs(x=f"{cx:g}", y=f"{cy + 4:g}")} text-anchor="middle" font-size="12" '
        f'fill="{BLACK}" class="app-arch__label app-arch__label--link">{escape(label)}</text></a>'
    )


def _legend(width: float, id_prefix: str) -> tuple[str, int]:
    """The key to the shapes and lines, wrapped onto as many rows as the width needs;
    drawn at y=0 of each row and moved into place."""
    y = 0
    items = [
        (
            f'<rect x="0" y="{y - 12}" width="24" height="16" rx="6" fill="{LIGHT_BLUE}" '
            f'stroke="{BLUE}" stroke-width="2" class="app-arch__box--step"/>',
            "Step",
        ),
        (
            f'<rect x="0" y="{y - 12}" width="24" height="16" fill="{WHITE}" stroke="{BLACK}" '
            'stroke-width="2" class="app-arch__box--front"/>',
            "Component",
        ),
        (
            f'<rect x="0" y="{y - 12}" width="24" height="16" fill="url(#{id_prefix}-hatch)" '
            f'stroke="{BLACK}" stroke-width="2" class="app-arch__stripe"/>',
            "Back-office system (striped)",
        ),
        (
            f'<line x1="0" y1="{y - 4}" x2="24" y2="{y - 4}" stroke="{DARK_GREY}" '
            'stroke-width="1.5" class="app-arch__uses"/>',
            "Step uses component",
        ),
        (
            f'<line x1="0" y1="{y - 4}" x2="24" y2="{y - 4}" stroke="{BLACK}" stroke-width="2" '
            'stroke-dasharray="6 4" class="app-arch__connection"/>',
            "Data passes, in the standard named",
        ),
    ]
    out, x, row = ['<g class="app-arch__legend">'], MARGIN, 0
    for shape, label in items:
        item_width = 32 + len(label) * 6.5 + 24
        if x > MARGIN and x + item_width > width:
            x, row = MARGIN, row + 1
        top = LEGEND_Y + row * LEGEND_ROW
        out.append(f'<g transform="translate({x:g} {top})">{shape}')
        out.append(_text(32, y, [label], "app-arch__legend-label", size=12))
        out.append("</g>")
        x += item_width
    out.append("</g>")
    return "".join(out), row + 1


def architecture_text(architecture: dict) -> dict:
    """The same facts as the picture, for the list beside it: the description, each step
    with the components it uses, and each connection with its standards."""
    by_slug = {c["slug"]: c for c in architecture.get("components", [])}
    return {
        "description": architecture_description(architecture),
        "steps": [
            {**step, "components": [by_slug[slug] for slug in step["components"]]}
            for step in architecture.get("steps", [])
        ],
        "front": [c for c in by_slug.values() if c["lane"] == "front"],
        "back": [c for c in by_slug.values() if c["lane"] == "back"],
        "connections": [
            {**c, "from": by_slug[c["from"]], "to": by_slug[c["to"]]}
            for c in architecture.get("connections", [])
        ],
    }


def architecture_with_products(architecture: dict, chosen: dict) -> dict:
    """A recipe's stored architecture with the products chosen for its components named
    in their boxes ("your architecture"). chosen maps a Component (or its slug) to the
    Offering chosen for it, or to a label such as "Already have" for one a council owns.
    Reads no database: the stored picture already has every box."""
    by_slug = {getattr(key, "slug", key): value for key, value in chosen.items()}
    components = []
    for component in architecture.get("components", []):
        value = by_slug.get(component["slug"])
        entry = dict(component)
        if isinstance(value, str):
            entry["product"], entry["product_url"] = value, ""
        elif value is not None:
            entry["product"], entry["product_url"] = value.name, value.get_absolute_url()
        components.append(entry)
    return {**architecture, "components": components}


def recipe_architecture_chosen(recipe, chosen: dict, *, id_prefix: str) -> dict:
    """What a basket shows for one recipe: the picture with products in their boxes and
    the same facts as text. No query."""
    architecture = architecture_with_products(recipe.architecture, chosen)
    return {
        "recipe": recipe,
        "svg": architecture_svg(architecture, id_prefix=id_prefix) if architecture else "",
        "text": architecture_text(architecture),
        "id_prefix": id_prefix,
    }
