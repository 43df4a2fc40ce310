"""Bulk open-data downloads at /data/: every public type as CSV and JSON.

Responses are streamed row by row from .iterator(chunk_size=...), so memory stays flat
however large the catalogue grows. Each download carries its licence and the time it
was generated (in the JSON wrapper, and as HTTP headers for CSV, whose first row stays
the column names so spreadsheets and parsers read it unchanged).

A download never ends looking whole when it is not. The first rows are read before the
response starts, so a database that fails then gets a 503 with a message. If it fails
while the rows stream, the file gets a last line saying it is incomplete (a CSV row; for
JSON a line that is not JSON, and the rows array is never closed, so no parser accepts
it) and the error is raised again, so the server ends the connection without the chunked
encoding's last chunk: an HTTP client sees the transfer cut short.
"""

import itertools
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from catalogue.models import (
    Component,
    ConformanceClaim,
    Council,
    Offering,
    Standard,
    Supplier,
)
from foundations.api import ApiError, read_only
from foundations.cells import csv_line, csv_lines
from foundations.money import money_text
from recipes.models import Adoption, AdoptionOutcome, RecipePage

logger = logging.getLogger(__name__)

CHUNK_SIZE = 500
INCOMPLETE = (
    "ERROR: this download is incomplete: the database failed after {rows} rows. "
    "Download the file again."
)
OGL = {
    "name": "Open Government Licence v3.0",
    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
MYSOCIETY = {
    "name": "mySociety, UK local authority names and codes",
    "url": "https://github.com/mysociety/uk_local_authority_names_and_codes",
    "licence": "CC BY 4.0",
    "licence_url": "https://creativecommons.org/licenses/by/4.0/",
}
LOCAL_LINKS = {
    "name": "GOV.UK Local Links Manager (council homepages and parent councils)",
    "url": "https://github.com/alphagov/local-links-manager",
    "licence": "MIT, Crown copyright (Government Digital Service)",
    "licence_url": "https://github.com/alphagov/local-links-manager/blob/main/LICENCE",
}
ESD = {
    "name": "LG Inform Plus programme, Local Government Service List and service areas",
    "url": "https://standards.esd.org.uk/",
    "licence": "Open Government Licence",
    "licence_url": OGL["url"],
}
SAMPLE_NOTE = (
    "Sample suppliers, their offerings and prices, adoption statuses and outcome figures "
    "are fictional demonstration data and are flagged by is_sample columns."
)


def joined(items) -> str:
    return "; ".join(str(item) for item in items)


@dataclass
class Column:
    name: str
    description: str
    value: Callable


@dataclass
class Dataset:
    """One downloadable type: its rows, their columns and where the data comes from."""

    slug: str
    title: str
    description: str
    queryset: Callable[[], QuerySet]
    columns: list[Column]
    sources: list[dict] = field(default_factory=list)

    # Fetches each chunk's many-to-many values as plain tuples and sets them on the rows:
    # prefetch_related would tie each row to cloned querysets in reference cycles that
    # only the garbage collector frees, so memory would climb between collections.
    attach: Callable[[list], None] | None = None

    def rows(self) -> Iterator[list]:
        chunk = []
        for obj in self.queryset().iterator(chunk_size=CHUNK_SIZE):
            chunk.append(obj)
            if len(chunk) == CHUNK_SIZE:
                yield from self.chunk_rows(chunk)
                chunk = []
        yield from self.chunk_rows(chunk)

    def chunk_rows(self, chunk: list) -> Iterator[list]:
        if chunk and self.attach:
            self.attach(chunk)
        for obj in chunk:
            yield [column.value(obj) for column in self.columns]


def attach_values(objects: list, name: str, pairs) -> None:
    """Set objects' attribute name to the list of values paired with their pk."""
    values: dict[int, list] = {}
    for pk, value in pairs:
        values.setdefault(pk, []).append(value)
    for obj in objects:
        setattr(obj, name, values.get(obj.pk, []))


def attach_m2m(objects: list, model, field_name: str, target: str, name: str) -> None:
    """The target attribute of each object's many-to-many choices, in one query."""
    field = model._meta.get_field(field_name)
    source, other = field.m2m_field_name(), field.m2m_reverse_field_name()
    pairs = (
        field.remote_field.through.objects.filter(**{f"{source}_id__in": [o.pk for o in objects]})
        .order_by(f"{other}__{target}")
        .values_list(f"{source}_id", f"{other}__{target}")
    )
    attach_values(objects, name, pairs)


def recipes_attach(chunk):
    attach_m2m(chunk, RecipePage, "service_areas", "slug", "area_slugs")
    attach_m2m(chunk, RecipePage, "serves", "code", "type_codes")
    attach_m2m(chunk, RecipePage, "components_used", "slug", "component_slugs")
    attach_m2m(chunk, RecipePage, "standards_used", "slug", "standard_slugs")


def adoptions_attach(chunk):
    outcomes = AdoptionOutcome.objects.filter(adoption__in=[a.pk for a in chunk]).order_by(
        "sort_order", "pk"
    )
    attach_values(
        chunk,
        "outcome_texts",
        ((o.adoption_id, f"{o.metric}: {o.value} {o.unit}") for o in outcomes),
    )


def components_attach(chunk):
    attach_m2m(chunk, Component, "standards", "slug", "standard_slugs")


def offerings_attach(chunk):
    attach_m2m(chunk, Offering, "components", "slug", "component_slugs")
    claims = (
        ConformanceClaim.objects.filter(offering__in=[o.pk for o in chunk])
        .order_by("standard__slug")
        .values_list("offering_id", "standard__slug", "verified_at")
    )
    claims = list(claims)
    attach_values(chunk, "verified_slugs", ((o, s) for o, s, at in claims if at is not None))
    attach_values(chunk, "claimed_slugs", ((o, s) for o, s, at in claims if at is None))


DATASETS = [
    Dataset(
        "recipes",
        "Recipes",
        "Live recipes: what each service needs, what it costs and whom it serves.",
        lambda: RecipePage.objects.live().public().order_by("title"),
        [
            Column(
                "slug", "Identifier, as in the page address /recipes/<slug>/.", lambda o: o.slug
            ),
            Column("title", "Recipe name.", lambda o: o.title),
            Column("summary", "One or two sentences.", lambda o: o.summary),
            Column("url", "Address of the recipe page on this site.", lambda o: o.get_url()),
            Column("maturity", "alpha, beta, live or retired.", lambda o: o.maturity),
            Column("last_reviewed", "Date an editor last reviewed it.", lambda o: o.last_reviewed),
            Column(
                "service_areas",
                "Service area slugs, separated by '; '.",
                lambda o: joined(o.area_slugs),
            ),
            Column(
                "serves",
                "Council type codes it suits (mySociety codes), '; '-separated.",
                lambda o: joined(o.type_codes),
            ),
            Column(
                "population_min", "Smallest population it suits.", lambda o: o.serves_population_min
            ),
            Column(
                "population_max", "Largest population it suits.", lambda o: o.serves_population_max
            ),
            Column(
                "components",
                "Component slugs it needs, '; '-separated.",
                lambda o: joined(o.component_slugs),
            ),
            Column(
                "standards",
                "Standard slugs it must meet, '; '-separated.",
                lambda o: joined(o.standard_slugs),
            ),
            Column(
                "setup_cost_min_gbp",
                "One-off set-up cost, from (pounds).",
                lambda o: money_text(o.setup_cost_min),
            ),
            Column(
                "setup_cost_max_gbp",
                "One-off set-up cost, to (pounds).",
                lambda o: money_text(o.setup_cost_max),
            ),
            Column(
                "yearly_cost_min_gbp",
                "Yearly running cost, from (pounds).",
                lambda o: money_text(o.yearly_cost_min),
            ),
            Column(
                "yearly_cost_max_gbp",
                "Yearly running cost, to (pounds).",
                lambda o: money_text(o.yearly_cost_max),
            ),
            Column("staff_effort_days", "Staff effort in days.", lambda o: o.staff_effort_days),
            Column("weeks_to_launch", "Weeks from start to launch.", lambda o: o.weeks_to_launch),
            Column(
                "volume_driver",
                "What the service handles, used to scale costs.",
                lambda o: o.volume_driver,
            ),
            Column(
                "volume_per_1000_residents",
                "Yearly volume per 1,000 residents.",
                lambda o: o.volume_per_1000_residents,
            ),
            Column(
                "first_published_at",
                "When it was first published (ISO 8601).",
                lambda o: o.first_published_at,
            ),
            Column(
                "last_published_at",
                "When it was last published (ISO 8601).",
                lambda o: o.last_published_at,
            ),
        ],
        [ESD],
        attach=recipes_attach,
    ),
    Dataset(
        "adoptions",
        "Adoptions",
        "Which councils run, build or are exploring each live recipe, and what they measured.",
        lambda: (
            Adoption.objects.public()
            .filter(recipe__live=True)
            .select_related("recipe", "council")
            .order_by("recipe__title", "council__name")
        ),
        [
            Column("recipe", "Recipe slug.", lambda o: o.recipe.slug),
            Column("council_code", "Council's mySociety code.", lambda o: o.council.code),
            Column("council_name", "Council name.", lambda o: o.council.name),
            Column("status", "exploring, building or live.", lambda o: o.status),
            Column("live_since", "Date it went live, if it has.", lambda o: o.live_since),
            Column("notes", "The council's notes.", lambda o: o.notes),
            Column(
                "outcomes",
                "Measured outcomes as 'metric: value unit', '; '-separated.",
                lambda o: joined(o.outcome_texts),
            ),
            Column(
                "is_sample",
                "true if the status and figures are fictional sample data.",
                lambda o: o.is_sample,
            ),
        ],
        [MYSOCIETY],
        attach=adoptions_attach,
    ),
    Dataset(
        "components",
        "Components",
        "Generic capabilities a service needs, such as sending notifications.",
        lambda: Component.objects.order_by("name"),
        [
            Column("slug", "Identifier.", lambda o: o.slug),
            Column("name", "Name.", lambda o: o.name),
            Column("category", "Capability category code.", lambda o: o.category),
            Column("summary", "One sentence.", lambda o: o.summary),
            Column("description", "Longer description.", lambda o: o.description),
            Column(
                "standards",
                "Slugs of standards a product should meet, '; '-separated.",
                lambda o: joined(o.standard_slugs),
            ),
        ],
        attach=components_attach,
    ),
    Dataset(
        "standards",
        "Standards",
        "Data, technical, accessibility and security standards.",
        lambda: Standard.objects.order_by("name"),
        [
            Column("slug", "Identifier.", lambda o: o.slug),
            Column("name", "Name.", lambda o: o.name),
            Column("short_name", "Short name, if it has one.", lambda o: o.short_name),
            Column("category", "Category code.", lambda o: o.category),
            Column("summary", "One sentence.", lambda o: o.summary),
            Column("official_url", "The standard's official page.", lambda o: o.url),
            Column("owner", "Who maintains it.", lambda o: o.owner),
            Column("licence", "The standard's own licence.", lambda o: o.licence),
        ],
    ),
    Dataset(
        "offerings",
        "Offerings",
        "Published products that provide components, with prices and conformance claims.",
        lambda: Offering.objects.public().select_related("supplier").order_by("name"),
        [
            Column("slug", "Identifier.", lambda o: o.slug),
            Column("name", "Product name.", lambda o: o.name),
            Column("supplier", "Supplier slug.", lambda o: o.supplier.slug),
            Column("summary", "One sentence.", lambda o: o.summary),
            Column(
                "components",
                "Component slugs it provides, '; '-separated.",
                lambda o: joined(o.component_slugs),
            ),
            Column(
                "pricing_unit",
                "per_year, per_month, per_transaction or per_user.",
                lambda o: o.pricing_unit,
            ),
            Column(
                "price_gbp",
                "Price in pounds (the lowest, if a range).",
                lambda o: money_text(o.price),
            ),
            Column(
                "price_max_gbp",
                "Highest price in pounds, if a range.",
                lambda o: money_text(o.price_max),
            ),
            Column(
                "setup_fee_gbp", "One-off set-up fee in pounds.", lambda o: money_text(o.setup_fee)
            ),
            Column("pricing_notes", "Notes on pricing.", lambda o: o.pricing_notes),
            Column(
                "hosting",
                "cloud_uk, cloud_non_uk, self_hosted or gov_platform.",
                lambda o: o.hosting,
            ),
            Column(
                "gcloud_service_id",
                "G-Cloud service ID, for a direct award.",
                lambda o: o.gcloud_service_id,
            ),
            Column(
                "open_source_licence",
                "SPDX licence, if open source.",
                lambda o: o.open_source_licence,
            ),
            Column("repository_url", "Source code repository.", lambda o: o.repository_url),
            Column(
                "verified_standards",
                "Standards an editor verified it meets, '; '-separated.",
                lambda o: joined(o.verified_slugs),
            ),
            Column(
                "claimed_standards",
                "Standards the supplier claims, not yet verified.",
                lambda o: joined(o.claimed_slugs),
            ),
            Column(
                "is_sample",
                "true if the supplier and its prices are fictional.",
                lambda o: o.supplier.is_sample,
            ),
            Column(
                "first_published_at",
                "When it was first published (ISO 8601).",
                lambda o: o.first_published_at,
            ),
        ],
        attach=offerings_attach,
    ),
    Dataset(
        "suppliers",
        "Suppliers",
        "Organisations that list offerings. Contact details are never published.",
        lambda: Supplier.objects.public().order_by("name"),
        [
            Column("slug", "Identifier.", lambda o: o.slug),
            Column("name", "Name.", lambda o: o.name),
            Column("website", "Website.", lambda o: o.website),
            Column(
                "companies_house_number",
                "Companies House number.",
                lambda o: o.companies_house_number,
            ),
            Column(
                "is_sme",
                "true for a small or medium-sized enterprise; blank if unknown.",
                lambda o: o.is_sme,
            ),
            Column("description", "Description.", lambda o: o.description),
            Column(
                "is_sample", "true if the supplier is fictional sample data.", lambda o: o.is_sample
            ),
        ],
    ),
    Dataset(
        "councils",
        "Councils",
        "UK councils with their codes, types, regions and populations.",
        lambda: Council.objects.select_related("council_type", "parent").order_by("name"),
        [
            Column("code", "mySociety local authority code.", lambda o: o.code),
            Column("gss_code", "ONS GSS code.", lambda o: o.gss_code),
            Column("slug", "Identifier on this site.", lambda o: o.slug),
            Column("name", "Short name.", lambda o: o.name),
            Column("official_name", "Official name.", lambda o: o.official_name),
            Column("council_type", "Council type code (mySociety).", lambda o: o.council_type.code),
            Column("nation", "Nation.", lambda o: o.nation),
            Column("region", "Region.", lambda o: o.region),
            Column("population", "Mid-2020 population estimate.", lambda o: o.population),
            Column("homepage_url", "Council website.", lambda o: o.homepage_url),
            Column(
                "parent_code",
                "mySociety code of the county council above, in two-tier areas.",
                lambda o: o.parent.code if o.parent_id else None,
            ),
        ],
        [MYSOCIETY, LOCAL_LINKS],
    ),
]
DATASETS_BY_SLUG = {dataset.slug: dataset for dataset in DATASETS}


def csv_stream(dataset: Dataset) -> Iterator[str]:
    yield csv_line(column.name for column in dataset.columns)
    yield from csv_lines(dataset.rows())


def json_stream(dataset: Dataset, generated_at) -> Iterator[str]:
    header = {
        "dataset": dataset.slug,
        "title": dataset.title,
        "description": dataset.description,
        "generated_at": generated_at,
        "licence": OGL,
        "sources": dataset.sources,
        "notes": SAMPLE_NOTE,
        "columns": [{"name": c.name, "description": c.description} for c in dataset.columns],
    }
    opening = json.dumps(header, cls=DjangoJSONEncoder, ensure_ascii=False)
    yield opening[:-1] + ', "rows": ['
    names = [column.name for column in dataset.columns]
    separator = ""
    for row in dataset.rows():
        yield separator + json.dumps(dict(zip(names, row, strict=True)), cls=DjangoJSONEncoder)
        separator = ",\n"
    yield "]}\n"


class IncompleteDownload(Exception):
    """The database failed while a download streamed: raised out of the response so
    the server cuts the transfer short rather than ending it cleanly."""


def failure_signalled(lines: Iterator[str], incomplete_line: Callable[[int], str]):
    """The lines of a download; if the database fails part-way, a last line saying so
    (incomplete_line(rows sent)), then IncompleteDownload."""
    sent = 0
    try:
        for line in lines:
            yield line
            sent += 1
    except DatabaseError as error:
        logger.error("Download cut short after %d lines: %s", sent, error)
        yield incomplete_line(max(sent - 1, 0))
        raise IncompleteDownload(str(error)) from error


def started(lines: Iterator[str]) -> Iterator[str]:
    """Read the opening line and the first row now, before the response starts, so a
    database that is down is reported with an error status instead of a 200."""
    first = list(itertools.islice(lines, 2))
    return itertools.chain(first, lines)


def csv_incomplete(rows: int) -> str:
    return csv_line([INCOMPLETE.format(rows=rows)])


def json_incomplete(rows: int) -> str:
    return "\n" + INCOMPLETE.format(rows=rows) + "\n"


@read_only
def download(request, slug: str, extension: str):
    dataset = DATASETS_BY_SLUG.get(slug)
    if dataset is None:
        raise ApiError(404, f"No dataset called {slug[:60]!r}. The datasets are listed at /data/.")
    generated_at = timezone.now().replace(microsecond=0)
    if extension == "csv":
        lines, incomplete = csv_stream(dataset), csv_incomplete
        content_type = "text/csv; charset=utf-8"
    else:
        lines, incomplete = json_stream(dataset, generated_at), json_incomplete
        content_type = "application/json"
    try:
        lines = started(lines)
    except DatabaseError as error:
        logger.error("Download of %s refused: the database failed: %s", slug, error)
        raise ApiError(
            503, "The database is not answering, so the download cannot start. Try again soon."
        ) from error
    response = StreamingHttpResponse(
        failure_signalled(lines, incomplete), content_type=content_type
    )
    stamp = generated_at.strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="plumbing-{slug}-{stamp}.{extension}"'
    response["X-Generated-At"] = generated_at.isoformat()
    response["Link"] = f'<{OGL["url"]}>; rel="license"'
    return response


@read_only
def data_index(request):
    """The list of downloads, with their row counts, columns and licences."""
    datasets = [{"dataset": dataset, "rows": dataset.queryset().count()} for dataset in DATASETS]
    return render(
        request,
        "data/index.html",
        {
            "page_title": "Download the data",
            "breadcrumbs": [("Home", "/"), ("Download the data", "")],
            "datasets": datasets,
            "generated_at": timezone.now(),
            "licence": OGL,
            "sample_note": SAMPLE_NOTE,
        },
    )
