"""Loads the real open data in fixtures/open_data into the reference tables: council
types, councils, service areas (esd functions) and the Local Government Service List.

Every loader is idempotent: it updates rows in place by their stable identifier, so it
can run on every start without duplicating anything.
"""

import csv
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from wagtail.search.backends import get_search_backend

from .models import (
    Council,
    CouncilDomain,
    CouncilType,
    LocalService,
    ServiceArea,
    domain_validator,
    homepage_domain,
    validate_council_domain,
)

OPEN_DATA = Path(settings.BASE_DIR) / "fixtures" / "open_data"

# mySociety's type codes, with the tier of services each provides.
COUNCIL_TYPES = [
    ("NMD", "District council", "District councils", "district"),
    ("CTY", "County council", "County councils", "county"),
    ("UA", "Unitary authority", "Unitary authorities", "unitary"),
    ("MD", "Metropolitan district", "Metropolitan districts", "unitary"),
    ("LBO", "London borough", "London boroughs", "unitary"),
    ("CC", "City corporation", "City corporations", "unitary"),
    ("SCO", "Scottish council", "Scottish councils", "unitary"),
    ("WPA", "Welsh principal authority", "Welsh principal authorities", "unitary"),
    ("NID", "Northern Ireland district council", "Northern Ireland district councils", "district"),
    ("COMB", "Combined authority", "Combined authorities", ""),
    ("SRA", "Strategic regional authority", "Strategic regional authorities", ""),
]


def read_csv(name: str) -> Iterator[dict[str, str]]:
    with (OPEN_DATA / name).open(encoding="utf-8-sig", newline="") as source:
        yield from csv.DictReader(source)


def council_types_load() -> dict[str, CouncilType]:
    types = {}
    for order, (code, name, plural, tier) in enumerate(COUNCIL_TYPES):
        types[code], _ = CouncilType.objects.update_or_create(
            code=code,
            defaults={"name": name, "plural_name": plural, "tier": tier, "sort_order": order},
        )
    return types


def _coordinate(value: str) -> Decimal | None:
    """A centroid's latitude or longitude, to the six places the model keeps (about
    0.1 m), so that a reload compares equal and updates nothing."""
    try:
        return Decimal(value).quantize(Decimal("0.000001"))
    except InvalidOperation:
        return None


def _population(value: str) -> int | None:
    try:
        return round(float(value))
    except ValueError:
        return None


COUNCIL_FIELDS = [
    "gss_code",
    "slug",
    "name",
    "official_name",
    "council_type",
    "nation",
    "region",
    "population",
    "latitude",
    "longitude",
    "homepage_url",
]


@transaction.atomic
def councils_load() -> int:
    """Current UK councils from mySociety's register, with homepages from GOV.UK's list.

    Bulk inserts and updates (then one bulk search-index update) keep a fresh load to
    a second or two, even on PostgreSQL.
    """
    types = council_types_load()
    homepages_by_gss, homepages_by_slug = {}, {}
    for row in read_csv("govuk_local_authorities.csv"):
        homepages_by_gss[row["gss"]] = row["homepage_url"]
        homepages_by_slug[row["slug"]] = row["homepage_url"]

    rows = [
        row for row in read_csv("uk_local_authorities.csv") if row["current-authority"] == "True"
    ]
    existing = {council.code: council for council in Council.objects.all()}
    used_slugs: set[str] = set()
    to_create, to_update = [], []
    for row in rows:
        # Some register slugs carry dots ("st.-helens"), which URLs reject.
        slug = slugify(row["gov-uk-slug"]) or slugify(row["nice-name"])
        if slug in used_slugs:
            slug = f"{slug}-{row['local-authority-code'].lower()}"
        used_slugs.add(slug)
        values = {
            "gss_code": row["gss-code"],
            "slug": slug,
            "name": row["nice-name"],
            "official_name": row["official-name"],
            "council_type": types[row["local-authority-type"]],
            "nation": row["nation"],
            "region": row["region"],
            "population": _population(row["pop-2020"]),
            "latitude": _coordinate(row["lat"]),
            "longitude": _coordinate(row["long"]),
            "homepage_url": homepages_by_gss.get(row["gss-code"])
            or homepages_by_slug.get(row["gov-uk-slug"], ""),
        }
        council = existing.get(row["local-authority-code"])
        if council is None:
            to_create.append(Council(code=row["local-authority-code"], **values))
        elif any(getattr(council, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(council, key, value)
            to_update.append(council)
    Council.objects.bulk_create(to_create, batch_size=500)
    Council.objects.bulk_update(to_update, COUNCIL_FIELDS, batch_size=500)

    by_code = {council.code: council for council in Council.objects.all()}
    parents_changed = []
    for row in rows:
        council = by_code[row["local-authority-code"]]
        parent = by_code.get(row["county-la"]) if row["county-la"] else None
        if council.parent_id != (parent.pk if parent else None):
            council.parent = parent
            parents_changed.append(council)
    Council.objects.bulk_update(parents_changed, ["parent"], batch_size=500)
    if to_create or to_update:
        get_search_backend().add_bulk(Council, list(by_code.values()))
    council_homepage_domains_sync()
    return len(rows)


def _usable_domain(domain: str) -> bool:
    try:
        domain_validator(domain)
        validate_council_domain(domain)
    except ValidationError:
        return False
    return True


def council_homepage_domains_sync() -> int:
    """Give each council its homepage's domain (without "www.") as a staff email domain,
    and drop a homepage domain the council no longer has. Domains an editor added are
    left alone. Returns how many homepage domains there are."""
    wanted = {
        (council_id, domain)
        for council_id, url in Council.objects.values_list("pk", "homepage_url")
        if (domain := homepage_domain(url)) and _usable_domain(domain)
    }
    existing = set(
        CouncilDomain.objects.filter(from_homepage=True).values_list("council_id", "domain")
    )
    for council_id, domain in existing - wanted:
        CouncilDomain.objects.filter(
            council_id=council_id, domain=domain, from_homepage=True
        ).delete()
    CouncilDomain.objects.bulk_create(
        [
            CouncilDomain(council_id=council_id, domain=domain, from_homepage=True)
            for council_id, domain in wanted - existing
        ],
        # An editor may have added the same domain by hand: keep theirs.
        ignore_conflicts=True,
    )
    return len(wanted)


@transaction.atomic
def service_areas_load() -> int:
    """The esd Functions list: 13 top-level service areas and their sub-areas."""
    rows = list(read_csv("lgsl_functions_2015.csv"))
    areas, used_slugs = {}, set()
    for row in rows:
        # Some labels repeat under different parents ("Other" and the like).
        slug = slugify(row["Label"])[:90]
        if slug in used_slugs:
            slug = f"{slug}-{row['Identifier']}"
        used_slugs.add(slug)
        areas[row["Identifier"]], _ = ServiceArea.objects.update_or_create(
            identifier=int(row["Identifier"]),
            defaults={"name": row["Label"].strip(), "slug": slug},
        )
    for row in rows:
        parent_id = row["Parent identifiers"].split(",")[0].strip()
        parent = areas.get(parent_id)
        area = areas[row["Identifier"]]
        if area.parent_id != (parent.pk if parent else None):
            area.parent = parent
            area.save(update_fields=["parent"])
    return len(rows)


@transaction.atomic
def local_services_load() -> int:
    """The Local Government Service List, with GOV.UK's providing tier where it has one."""
    tiers = {
        row["LGSL"]: row["Providing Tier"] for row in read_csv("govuk_local_services_lgsl.csv")
    }
    existing = {service.identifier: service for service in LocalService.objects.all()}
    to_create, to_update = [], []
    for row in read_csv("lgsl_services_2015.csv"):
        identifier = int(row["Identifier"])
        values = {
            "label": " ".join(row["Label"].split()),
            "description": row["Description"].strip(),
            "providing_tier": tiers.get(row["Identifier"], ""),
        }
        service = existing.get(identifier)
        if service is None:
            to_create.append(LocalService(identifier=identifier, **values))
        elif any(getattr(service, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(service, key, value)
            to_update.append(service)
    LocalService.objects.bulk_create(to_create, batch_size=500)
    LocalService.objects.bulk_update(
        to_update, ["label", "description", "providing_tier"], batch_size=500
    )
    return len(existing) + len(to_create)


def reference_data_load() -> dict[str, int]:
    return {
        "councils": councils_load(),
        "service areas": service_areas_load(),
        "LGSL services": local_services_load(),
    }
