"""The read-only JSON API under /api/ (the catalogue's and the recipes' ninja routers on one
API, whose OpenAPI document ninja generates at /api/openapi.json), its guide page, and
the downloads under /data/."""

from django.shortcuts import render
from django.urls import path, re_path

from catalogue import api as catalogue_api
from foundations.api import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ReadOnlyApi, not_found, read_only
from recipes import api as recipes_api

from . import downloads

app_name = "api"
# A filter with more allowed values than this is shown on the guide page without them.
GUIDE_MAX_VALUES = 13

api = ReadOnlyApi(
    title="Plumbing open data API",
    version="1.0.0",
    description=(
        "Read-only JSON API for council service recipes and the catalogue of components, "
        "standards, offerings, suppliers and councils. Money and other decimals are "
        "strings. Our content is under the Open Government Licence v3.0; council data is "
        "from mySociety under CC BY 4.0."
    ),
    openapi_extra={
        "info": {
            "license": {
                "name": "Open Government Licence v3.0",
                "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
            }
        }
    },
    servers=[{"url": "/"}],
    urls_namespace=app_name,
    openapi_url="/openapi.json",
    # No Swagger UI: ninja's serves from its own static files and passes the CSP, but
    # fails the accessibility scan every page must pass (axe: 7 violations, from colour
    # contrast to no main landmark). The guide page at /api/ and the schema do its work.
    docs_url=None,
)
api.add_router("", recipes_api.router)
api.add_router("", catalogue_api.router)


@read_only
def api_index(request):
    """The human-readable API page: each endpoint with its filters and fields, read from
    the generated OpenAPI document."""
    schema = api.get_openapi_schema()
    schemas = schema["components"]["schemas"]
    endpoints = []
    for url, operations in schema["paths"].items():
        if url.endswith("{slug}/"):
            continue
        operation = operations["get"]
        page = operation["responses"][200]["content"]["application/json"]["schema"]
        item = schemas[page["$ref"].rsplit("/", 1)[1]]["properties"]["results"]["items"]
        endpoints.append(
            {
                "segment": url.strip("/").split("/")[-1],
                "summary": operation["summary"],
                "filters": [
                    {
                        "name": p["name"],
                        "description": p["schema"]["description"],
                        # Slugs and codes are listed in the schema, not here.
                        "values": [value for value in p["schema"].get("enum", []) if value]
                        if len(p["schema"].get("enum", [])) <= GUIDE_MAX_VALUES
                        else [],
                    }
                    for p in operation["parameters"]
                    if p["name"] not in ("page", "page_size")
                ],
                "fields": list(schemas[item["$ref"].rsplit("/", 1)[1]]["properties"]),
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


urlpatterns = [
    # Before ninja's own root, which it keeps to work out where the API is mounted.
    path("", api_index, name="index"),
    *api.urls[0],
    # Anything else under /api/ answers in JSON too, not with the HTML 404 page.
    re_path(r"^(?P<path>.*)$", not_found),
]

data_urlpatterns = [
    path("", downloads.data_index, name="index"),
    re_path(r"^(?P<slug>[a-z-]+)\.(?P<extension>csv|json)$", downloads.download, name="download"),
]
