"""Contract tests: every endpoint's responses, good and bad, match the OpenAPI schema
served at /api/openapi.json, and no malformed request gets a 5xx."""

from urllib.parse import quote

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from catalogue.filters import OfferingFilterSet
from catalogue.models import Offering
from recipes.filters import RecipeFilterSet
from recipes.models import RecipePage
from tests.factories import (
    AdoptionOutcomeFactory,
    ComponentFactory,
    ConformanceClaimFactory,
    CouncilFactory,
    OfferingFactory,
    RecipePageFactory,
    StandardFactory,
)

pytestmark = pytest.mark.django_db

SCHEMA_URI = "urn:plumbing:openapi"

MALFORMED_VALUES = [
    "",
    "0",
    "-1",
    "x" * 2000,
    "%00",
    "<script>",
    "1e309",
    "' OR 1=1 --",
    "🙂",
    "[]",
    "99999999999999999999",
]


@pytest.fixture
def openapi(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def catalogue_data():
    standard = StandardFactory(slug="uprn")
    component = ComponentFactory(slug="pay", standards=[standard])
    offering = OfferingFactory(
        slug="paybox", components=[component], open_source_licence="MIT", setup_fee="10"
    )
    ConformanceClaimFactory(offering=offering, standard=standard, verified=True)
    council = CouncilFactory(slug="leeds", parent=CouncilFactory())
    recipe = RecipePageFactory(slug="bins", components=[component], standards=[standard])
    AdoptionOutcomeFactory(adoption__recipe=recipe, adoption__council=council)
    return {
        "recipes": "bins",
        "components": "pay",
        "standards": "uprn",
        "offerings": "paybox",
        "suppliers": offering.supplier.slug,
        "councils": "leeds",
    }


def pointer(*parts: str) -> str:
    """A URI fragment pointing into the OpenAPI document (RFC 6901, percent-encoded)."""
    return "/" + "/".join(quote(part.replace("~", "~0").replace("/", "~1")) for part in parts)


def response_pointer(openapi: dict, path: str, status: str) -> str:
    response = openapi["paths"][path]["get"]["responses"][status]
    if "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[1]
        return pointer("components", "responses", name, "content", "application/json", "schema")
    return pointer(
        "paths", path, "get", "responses", status, "content", "application/json", "schema"
    )


def assert_conforms(openapi, path, status, response):
    """The response has the documented status and its body validates against the
    documented schema, with $refs resolved inside the whole OpenAPI document."""
    assert response.status_code == int(status), (path, response.content[:300])
    registry = Registry().with_resource(
        SCHEMA_URI, Resource.from_contents(openapi, default_specification=DRAFT202012)
    )
    validator = Draft202012Validator(
        {"$ref": f"{SCHEMA_URI}#{response_pointer(openapi, path, status)}"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(response.json())
    ]
    assert not errors, (path, errors[:5])


def resource_paths(openapi):
    return [path for path in openapi["paths"] if not path.endswith("{slug}/")]


def test_schema_is_a_valid_openapi_31_document(openapi):
    """The schema declares OpenAPI 3.1 and every component schema is valid JSON Schema."""
    assert openapi["openapi"].startswith("3.1")
    for schema in openapi["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    assert set(resource_paths(openapi)) == {
        f"/api/{kind}/"
        for kind in ["recipes", "components", "standards", "offerings", "suppliers", "councils"]
    }


def test_every_list_and_detail_response_matches_the_schema(client, openapi, catalogue_data):
    """Each list, filtered list and detail response validates against its schema."""
    for path in resource_paths(openapi):
        kind = path.split("/")[2]
        response = client.get(path)
        assert_conforms(openapi, path, "200", response)
        assert response.json()["count"] >= 1
        for parameter in openapi["paths"][path]["get"]["parameters"]:
            for value in parameter["schema"].get("enum", []):
                assert_conforms(openapi, path, "200", client.get(path, {parameter["name"]: value}))
        detail = f"{path}{{slug}}/"
        assert_conforms(openapi, detail, "200", client.get(f"{path}{catalogue_data[kind]}/"))
        assert_conforms(openapi, detail, "404", client.get(f"{path}no-such-thing/"))
        assert_conforms(openapi, path, "405", client.post(path))


def test_documented_filters_accept_real_values(client, openapi, catalogue_data):
    """Slug and code filters documented without an enum accept a real value."""
    real = {"component": "pay", "standard": "uprn", "council_type": "MD"}
    for path in resource_paths(openapi):
        for parameter in openapi["paths"][path]["get"]["parameters"]:
            if parameter["name"] in real:
                response = client.get(path, {parameter["name"]: real[parameter["name"]]})
                assert_conforms(openapi, path, "200", response)


def test_malformed_parameters_get_a_400_in_the_error_schema(client, openapi, catalogue_data):
    """Fuzzed values for every documented parameter never cause a 5xx: a value the
    filter rejects is a 400 (a page past the last a 404) whose body matches the Error
    schema."""
    for path in resource_paths(openapi):
        names = [p["name"] for p in openapi["paths"][path]["get"]["parameters"]]
        for name in [*names, "unknown"]:
            for value in MALFORMED_VALUES:
                response = client.get(path, {name: value})
                assert response.status_code < 500, (path, name, value)
                if response.status_code in (400, 404):
                    assert_conforms(openapi, path, str(response.status_code), response)
                else:
                    assert_conforms(openapi, path, "200", response)


def test_malformed_slugs_are_404s(client, openapi, catalogue_data):
    """Odd slugs never cause a 5xx."""
    for path in resource_paths(openapi):
        for slug in ["x" * 300, "%2e%2e", "café", "a.b", "0"]:
            response = client.get(f"{path}{slug}/")
            assert response.status_code == 404, (path, slug)
            assert_conforms(openapi, f"{path}{{slug}}/", "404", response)


def test_api_page_documents_every_endpoint(client):
    """The human-readable /api/ page lists each endpoint and links the schema."""
    response = client.get("/api/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="/api/openapi.json"' in body
    for kind in ["recipes", "components", "standards", "offerings", "suppliers", "councils"]:
        assert f"/api/{kind}/" in body


def test_documented_filters_are_the_list_pages_filters(client):
    """Each list's parameters in the schema are its FilterSet's API filters and the
    pagination, each with the values the list page's form accepts, read from the
    database when the schema is made (a new component is listed at once)."""
    ComponentFactory(slug="send-letters")
    openapi = client.get("/api/openapi.json").json()
    lists = [
        ("/api/offerings/", OfferingFilterSet, Offering),
        ("/api/recipes/", RecipeFilterSet, RecipePage),
    ]
    for path, filterset, model in lists:
        parameters = {p["name"]: p["schema"] for p in openapi["paths"][path]["get"]["parameters"]}
        assert list(parameters) == [*filterset.api_filters, "page", "page_size"]
        form = filterset({}, model.objects.none()).form
        for name in filterset.api_filters:
            field = form.fields[name]
            if hasattr(field, "choices"):
                accepted = {str(value) for value, _ in field.choices} | {""}
                assert set(parameters[name]["enum"]) == accepted, (path, name)
        assert "send-letters" in parameters["component"]["enum"]
    assert openapi["paths"]["/api/offerings/"]["get"]["parameters"][2]["schema"]["enum"] == [
        "true",
        "on",
        "false",
        "",
    ]


def test_api_page_lists_each_filter_with_its_values(client):
    """The guide page shows each list's filters from the generated schema, with their
    allowed values."""
    body = client.get("/api/").content.decode()
    for name in ["service_area", "maturity", "open_source", "council_type", "region", "sme"]:
        assert f"<code>{name}</code>" in body
    for value in ["alpha", "cheapest", "cloud_uk", "Yorkshire and The Humber"]:
        assert f"<code>{value}</code>" in body
