"""Where a recipe is cooked: every UK council as a faint dot at its centroid, which
together draw the outline of the country, and the councils that run the recipe marked
on top, by a shape for each status.

The projection is equirectangular with longitude scaled by the cosine of the UK's middle
latitude, which keeps Great Britain's shape close enough at this size and needs nothing
but arithmetic: no map tiles, no third-party request, no GIS library. Drawn when the
recipe is saved and when one of its adoptions changes (recipes/services.py), and stored
on the page, so a page view only reads it.
"""

import math
from decimal import Decimal

from django.urls import reverse
from django.utils.html import escape

from catalogue.models import Council

WIDTH = 300
MARGIN = 12
# The bounds of the councils' centroids with a little room: Scilly to Shetland, Fermanagh
# to Norfolk.
NORTH, SOUTH = Decimal("60.9"), Decimal("49.8")
WEST, EAST = Decimal("-8.3"), Decimal("1.9")
MIDDLE = math.cos(math.radians(55))
SCALE = (WIDTH - 2 * MARGIN) / (float(EAST - WEST) * MIDDLE)
HEIGHT = round(float(NORTH - SOUTH) * SCALE + 2 * MARGIN)

GREY = "#6f777b"
BLUE = "#1d70b8"
BLACK = "#0b0c0c"
WHITE = "#ffffff"

# A shape for each status, so the map does not rely on colour: drawn about (0, 0).
MARKERS = {
    "live": ("Live", '<circle r="6"/>'),
    "building": ("Building", '<path d="M0 -7 L7 0 L0 7 L-7 0 Z"/>'),
    "exploring": ("Exploring", '<rect x="-5" y="-5" width="10" height="10"/>'),
}


def project(latitude, longitude) -> tuple[float, float]:
    """A centroid's place on the map, in the SVG's units."""
    x = MARGIN + float(Decimal(longitude) - WEST) * MIDDLE * SCALE
    y = MARGIN + float(NORTH - Decimal(latitude)) * SCALE
    return round(x, 1), round(y, 1)


def recipe_adopters(page) -> list[dict]:
    """The councils that have recorded an adoption of the recipe that an editor approved
    (as the page's table lists them), with their status and where they are (None when the
    register gives no centroid). One query."""
    return [
        {
            "name": adoption.council.name,
            "url": reverse("catalogue:council_detail", args=[adoption.council.slug]),
            "status": adoption.status,
            "status_label": MARKERS.get(adoption.status, (adoption.status.title(),))[0],
            "point": (
                project(adoption.council.latitude, adoption.council.longitude)
                if adoption.council.latitude is not None
                else None
            ),
        }
        for adoption in (
            page.adoptions.public().select_related("council").order_by("council__name")
            if page.pk
            else []
        )
    ]


def council_points(council_model=Council) -> list[tuple[float, float]]:
    """Every council that has a centroid, projected. One query of two columns. A data
    migration passes its historical model."""
    rows = council_model.objects.filter(
        latitude__isnull=False, longitude__isnull=False
    ).values_list("latitude", "longitude")
    return sorted(project(lat, lon) for lat, lon in rows)


def adoption_map_svg(adopters: list[dict], points: list[tuple[float, float]]) -> str:
    """The map: faint dots for all councils, a linked marker for each adopter, a key."""
    on_map = [a for a in adopters if a["point"] is not None]
    statuses = [s for s in MARKERS if any(a["status"] == s for a in on_map)]
    key_height = 24 * len(statuses) + (8 if statuses else 0)
    height = HEIGHT + key_height
    count = len(on_map)
    description = (
        f"A map of the UK with a grey dot at the centre of each of {len(points)} councils. "
        + (
            f"{count} council{'s' if count != 1 else ''} that recorded this recipe "
            f"{'are' if count != 1 else 'is'} marked: "
            + "; ".join(f"{a['name']} ({a['status_label'].lower()})" for a in on_map)
            + "."
            if count
            else "No council has recorded this recipe yet."
        )
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-map" viewBox="0 0 {WIDTH} '
        f'{height}" width="100%" aria-labelledby="map-title map-desc" '
        'font-family="arial, sans-serif">',
        '<title id="map-title">Councils that run this recipe</title>',
        f'<desc id="map-desc">{escape(description)}</desc>',
        f'<g class="app-map__council" fill="{GREY}" aria-hidden="true">',
    ]
    out.extend(f'<circle cx="{x:g}" cy="{y:g}" r="1.6"/>' for x, y in points)
    out.append("</g>")
    # Live councils last, so they sit on top.
    order = {status: n for n, status in enumerate(reversed(list(MARKERS)))}
    for adopter in sorted(on_map, key=lambda a: order.get(a["status"], -1)):
        x, y = adopter["point"]
        shape = MARKERS.get(adopter["status"], MARKERS["exploring"])[1]
        out.append(
            f'<a href="{escape(adopter["url"])}" class="app-map__link">'
            f"<title>{escape(adopter['name'])}: {escape(adopter['status_label'])}</title>"
            f'<g transform="translate({x:g} {y:g})" fill="{BLUE}" stroke="{BLACK}" '
            f'stroke-width="1.5" class="app-map__council--adopter">{shape}</g></a>'
        )
    for n, status in enumerate(statuses):
        label, shape = MARKERS[status]
        y = HEIGHT + 14 + n * 24
        out.append(
            f'<g transform="translate({MARGIN + 8} {y})" fill="{BLUE}" stroke="{BLACK}" '
            f'stroke-width="1.5" class="app-map__council--adopter">{shape}</g>'
            f'<text x="{MARGIN + 24}" y="{y + 5}" font-size="15" fill="{BLACK}">{label}</text>'
        )
    out.append("</svg>")
    return "".join(out)
