"""The OpenAPI 3.1 description of the read-only JSON API, served at /api/openapi.json.

Written by hand beside the views in catalogue.api and recipes.api; the contract tests
validate every endpoint's responses against it, so the two cannot drift apart.
"""

from django.shortcuts import render

from catalogue.api import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, api_json, read_only
from catalogue.forms import REGION_CHOICES
from catalogue.models import Component, Offering, Standard
from recipes.forms import RecipeFilterForm
from recipes.models import Adoption, Maturity

API_VERSION = "1.0.0"


def string(nullable=False, **extra) -> dict:
    return {"type": ["string", "null"] if nullable else "string", **extra}


def integer(nullable=False) -> dict:
    return {"type": ["integer", "null"] if nullable else "integer"}


def money(nullable=False) -> dict:
    return string(
        nullable, pattern=r"^\d+\.\d{2}$", description="Pounds as a decimal string, never a float."
    )


def decimal(nullable=False) -> dict:
    return string(nullable, pattern=r"^-?\d+(\.\d+)?$", description="A decimal as a string.")


def obj(properties: dict, required: list[str] | None = None) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def choices(text_choices) -> list[str]:
    return [value for value, _label in text_choices.choices]


SLUG_REF = obj({"slug": string(), "name": string()})
URL = string(format="uri")
DATETIME = string(nullable=True, format="date-time")
DATE = string(nullable=True, format="date")

SCHEMAS = {
    "Error": obj(
        {
            "error": obj(
                {
                    "status": integer(),
                    "message": string(),
                    "fields": {
                        "type": "object",
                        "additionalProperties": array(string()),
                    },
                },
                required=["status", "message"],
            )
        }
    ),
    "Component": obj(
        {
            "slug": string(),
            "name": string(),
            "category": string(enum=choices(Component.Category)),
            "category_label": string(),
            "summary": string(),
            "description": string(),
            "standards": array(SLUG_REF),
            "offering_count": integer(),
            "recipe_count": integer(),
            "url": URL,
        }
    ),
    "Standard": obj(
        {
            "slug": string(),
            "name": string(),
            "short_name": string(),
            "category": string(enum=choices(Standard.Category)),
            "category_label": string(),
            "summary": string(),
            "description": string(),
            "official_url": string(),
            "owner": string(),
            "licence": string(),
            "component_count": integer(),
            "offering_count": integer(),
            "url": URL,
        }
    ),
    "Supplier": obj(
        {
            "slug": string(),
            "name": string(),
            "website": string(),
            "companies_house_number": string(),
            "is_sme": {"type": ["boolean", "null"]},
            "description": string(),
            "is_sample": {"type": "boolean", "description": "A fictional sample supplier."},
            "offering_count": integer(),
            "url": URL,
        }
    ),
    "ConformanceClaim": obj(
        {
            "standard": SLUG_REF,
            "evidence_url": string(),
            "statement": string(),
            "verified": {"type": "boolean"},
            "verified_at": DATETIME,
        }
    ),
    "Offering": obj(
        {
            "slug": string(),
            "name": string(),
            "supplier": obj({"slug": string(), "name": string(), "is_sample": {"type": "boolean"}}),
            "summary": string(),
            "description": string(description="Markdown."),
            "components": array(SLUG_REF),
            "pricing": obj(
                {
                    "currency": string(enum=["GBP"]),
                    "unit": string(enum=choices(Offering.PricingUnit)),
                    "unit_label": string(),
                    "price": money(),
                    "price_max": money(nullable=True),
                    "setup_fee": money(nullable=True),
                    "notes": string(),
                }
            ),
            "hosting": string(enum=choices(Offering.Hosting)),
            "hosting_label": string(),
            "gcloud_service_id": string(),
            "open_source_licence": string(),
            "repository_url": string(),
            "claims": array(ref("ConformanceClaim")),
            "first_published_at": DATETIME,
            "last_published_at": DATETIME,
            "url": URL,
        }
    ),
    "Council": obj(
        {
            "slug": string(),
            "code": string(description="mySociety local authority code."),
            "gss_code": string(),
            "name": string(),
            "official_name": string(),
            "council_type": obj({"code": string(), "name": string()}),
            "nation": string(),
            "region": string(),
            "population": integer(nullable=True),
            "homepage_url": string(),
            "parent": string(nullable=True, description="Slug of the county council above."),
            "adoption_count": integer(),
            "url": URL,
        }
    ),
    "Adoption": obj(
        {
            "council": obj({"code": string(), "slug": string(), "name": string(), "url": URL}),
            "status": string(enum=choices(Adoption.Status)),
            "live_since": DATE,
            "notes": string(),
            "is_sample": {"type": "boolean", "description": "Fictional figures."},
            "outcomes": array(
                obj(
                    {
                        "metric": string(),
                        "value": decimal(),
                        "baseline": decimal(nullable=True),
                        "unit": string(),
                    }
                )
            ),
        }
    ),
    "Recipe": obj(
        {
            "slug": string(),
            "title": string(),
            "summary": string(),
            "url": URL,
            "maturity": string(enum=choices(Maturity)),
            "maturity_label": string(),
            "last_reviewed": DATE,
            "first_published_at": DATETIME,
            "last_published_at": DATETIME,
            "service_areas": array(SLUG_REF),
            "lgsl_services": array(obj({"identifier": integer(), "label": string()})),
            "serves": array(obj({"code": string(), "name": string()})),
            "population": obj({"min": integer(nullable=True), "max": integer(nullable=True)}),
            "problem": string(description="HTML."),
            "user_needs": array(obj({"as_a": string(), "i_need": string(), "so_that": string()})),
            "when_to_use": string(description="HTML."),
            "when_not_to_use": string(description="HTML."),
            "ingredients": obj(
                {
                    "components": array(obj({"slug": string(), "name": string(), "why": string()})),
                    "standards": array(obj({"slug": string(), "name": string(), "why": string()})),
                    "people": array(
                        obj({"role": string(), "days": decimal(nullable=True), "notes": string()})
                    ),
                }
            ),
            "method": array(
                obj(
                    {
                        "title": string(),
                        "body": string(description="HTML."),
                        "design_system": string(),
                    }
                )
            ),
            "costs": obj(
                {
                    "currency": string(enum=["GBP"]),
                    "setup_min": money(),
                    "setup_max": money(),
                    "yearly_min": money(),
                    "yearly_max": money(),
                    "staff_effort_days": decimal(),
                    "weeks_to_launch": integer(),
                    "volume_driver": string(),
                    "volume_per_1000_residents": decimal(nullable=True),
                }
            ),
            "outcomes": array(
                obj(
                    {
                        "metric": string(),
                        "value": decimal(nullable=True),
                        "baseline": decimal(nullable=True),
                        "unit": string(),
                        "source": string(),
                    }
                )
            ),
            "variations": array(
                obj({"council_type": string(), "title": string(), "body": string()})
            ),
            "adoptions": array(ref("Adoption")),
            "change_log": array(
                obj({"published_at": string(format="date-time"), "summary": string()})
            ),
        }
    ),
}

PAGINATION_PARAMETERS = [
    {
        "name": "page",
        "in": "query",
        "description": "Page number, from 1.",
        "schema": {"type": "integer", "minimum": 1, "default": 1},
    },
    {
        "name": "page_size",
        "in": "query",
        "description": f"Results per page, at most {MAX_PAGE_SIZE}.",
        "schema": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_PAGE_SIZE,
            "default": DEFAULT_PAGE_SIZE,
        },
    },
]

ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "405": {"$ref": "#/components/responses/MethodNotAllowed"},
}


def query(name: str, description: str, **schema) -> dict:
    return {
        "name": name,
        "in": "query",
        "description": description,
        "schema": {"type": "string", **schema},
    }


# (path segment, schema name, summary, filters): the list and detail endpoints of each type.
RESOURCES = [
    (
        "recipes",
        "Recipe",
        "Live recipes, with ingredients, method, costs, outcomes, adoptions and change log.",
        [
            query("service_area", "Slug of a top-level service area."),
            query("council_type", "Council type code served, such as NMD or UA."),
            query("component", "Slug of a component the recipe needs."),
            query("standard", "Slug of a standard the recipe needs."),
            query("maturity", "Maturity.", enum=choices(Maturity)),
            query("sort", "Order.", enum=list(RecipeFilterForm.SORTS)),
        ],
    ),
    (
        "components",
        "Component",
        "Components: the generic capabilities services need.",
        [query("category", "Capability category.", enum=choices(Component.Category))],
    ),
    ("standards", "Standard", "Data, technical and accessibility standards.", []),
    (
        "offerings",
        "Offering",
        "Published offerings, with prices and conformance claims.",
        [
            query("component", "Slug of a component the offering provides."),
            query("hosting", "Where it is hosted.", enum=choices(Offering.Hosting)),
            query("open_source", "true for open-source offerings only.", enum=["true", "false"]),
        ],
    ),
    (
        "suppliers",
        "Supplier",
        "Suppliers that list offerings.",
        [query("sme", "Supplier size.", enum=["yes", "no"])],
    ),
    (
        "councils",
        "Council",
        "UK councils, from mySociety's register (CC BY 4.0).",
        [
            query("council_type", "Council type code, such as NMD, CTY, UA, MD or LBO."),
            query("region", "Region.", enum=[value for value, _ in REGION_CHOICES if value]),
        ],
    ),
]


def json_content(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def openapi_schema() -> dict:
    paths = {}
    for segment, schema_name, summary, filters in RESOURCES:
        paths[f"/api/{segment}/"] = {
            "get": {
                "operationId": f"{segment}_list",
                "summary": summary,
                "tags": [segment],
                "parameters": [*filters, *PAGINATION_PARAMETERS],
                "responses": {
                    "200": {
                        "description": "One page of results.",
                        "content": json_content(
                            obj(
                                {
                                    "count": integer(),
                                    "page": integer(),
                                    "page_size": integer(),
                                    "next": string(nullable=True, format="uri"),
                                    "previous": string(nullable=True, format="uri"),
                                    "results": array(ref(schema_name)),
                                }
                            )
                        ),
                    },
                    **ERRORS,
                },
            }
        }
        paths[f"/api/{segment}/{{slug}}/"] = {
            "get": {
                "operationId": f"{segment}_detail",
                "summary": f"One of: {summary[0].lower()}{summary[1:]}",
                "tags": [segment],
                "parameters": [
                    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {"description": "Found.", "content": json_content(ref(schema_name))},
                    "404": {"$ref": "#/components/responses/NotFound"},
                    "405": {"$ref": "#/components/responses/MethodNotAllowed"},
                },
            }
        }
    error = json_content(ref("Error"))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Plumbing open data API",
            "version": API_VERSION,
            "description": (
                "Read-only JSON API for council service recipes and the catalogue of "
                "components, standards, offerings, suppliers and councils. Money and other "
                "decimals are strings. Our content is under the Open Government Licence "
                "v3.0; council data is from mySociety under CC BY 4.0."
            ),
            "license": {
                "name": "Open Government Licence v3.0",
                "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
            },
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "responses": {
                "BadRequest": {"description": "An invalid filter or page.", "content": error},
                "NotFound": {"description": "No such slug.", "content": error},
                "MethodNotAllowed": {"description": "The API is read-only.", "content": error},
            },
        },
    }


@read_only
def openapi_json(request):
    return api_json(openapi_schema())


@read_only
def api_index(request):
    """The human-readable API page: endpoints, filters, errors and licence."""
    schema = openapi_schema()
    endpoints = []
    for segment, schema_name, summary, filters in RESOURCES:
        endpoints.append(
            {
                "segment": segment,
                "summary": summary,
                "filters": filters,
                "fields": list(schema["components"]["schemas"][schema_name]["properties"]),
            }
        )
    return render(
        request,
        "api/index.html",
        {
            "page_title": "Open data API",
            "breadcrumbs": [("Home", "/"), ("Open data API", "")],
            "endpoints": endpoints,
            "max_page_size": MAX_PAGE_SIZE,
            "default_page_size": DEFAULT_PAGE_SIZE,
            "base_url": request.build_absolute_uri("/api/"),
        },
    )
