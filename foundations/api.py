"""The HTTP/JSON layer every API and download view uses: errors in one format, CORS for
reading, read-only views, pagination from a FilterSet, money and decimals as text, and
add_resource, which routes a list and an item of one resource on a django-ninja router.

Apps below patterns_site build their routers with it; patterns_site mounts them on one
ReadOnlyApi. Nothing here knows a model of this site.
"""

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Annotated, Any

from django.core.paginator import Paginator
from django.forms import BooleanField, ChoiceField, ModelChoiceField
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Query, Router, Schema
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer
from pydantic import ConfigDict, create_model

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
# A slug, code or id in an address is never longer (Wagtail's slugs are the longest).
MAX_IDENTIFIER_LENGTH = 255
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}
NOT_FOUND = "Not found. Check the slug in the address."


# The JSON layer: errors, CORS, methods, money.


class Strict(Schema):
    """A response schema: every field required, none other (additionalProperties: false).

    Said in the document only: extra="forbid" would make ninja validate a model object's
    __dict__ rather than read its fields through the resolvers."""

    model_config = ConfigDict(json_schema_extra={"additionalProperties": False})


class ErrorDetail(Strict):
    status: int
    message: str
    fields: dict[str, list[str]] = Field(
        None, description="Each invalid parameter's problems, when there are any."
    )


class Error(Strict):
    """Every error the API and the downloads answer, whatever its status."""

    error: ErrorDetail


ERRORS = {400: Error, 404: Error, 405: Error}


class ApiError(Exception):
    """A client error the API reports as JSON with its status."""

    def __init__(self, status: int, message: str, errors: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or {}


def cors_allow_read(response: HttpResponse) -> HttpResponse:
    """Let any origin read the response: the API and downloads are public open data."""
    for header, value in CORS_HEADERS.items():
        response[header] = value
    return response


def error_response(status: int, message: str, errors: dict | None = None) -> JsonResponse:
    """An error in the shape the Error schema documents."""
    body = {"error": {"status": status, "message": message}}
    if errors:
        body["error"]["fields"] = errors
    return JsonResponse(body, status=status)


def is_valid_identifier(value: str) -> bool:
    """Whether text from an address can be looked up: PostgreSQL refuses a NUL byte, and no
    slug is longer than a slug field holds."""
    return "\x00" not in value and len(value) <= MAX_IDENTIFIER_LENGTH


def read_only(view: Callable) -> Callable:
    """Wrap an API or download view: GET and HEAD only, CORS for reading, errors as JSON,
    and an identifier in the address that cannot name anything is a 404 before any query.

    CSRF-exempt so that a POST is answered with 405 rather than a CSRF 403: nothing here
    writes, and there is no session state to protect.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
        elif request.method not in SAFE_METHODS:
            response = error_response(
                405, f"{request.method} is not allowed: this API is read-only. Use GET."
            )
        elif not all(is_valid_identifier(str(value)) for value in kwargs.values()):
            response = error_response(404, NOT_FOUND)
        else:
            try:
                response = view(request, *args, **kwargs)
            except ApiError as error:
                response = error_response(error.status, error.message, error.errors)
            except Http404:
                response = error_response(404, NOT_FOUND)
        response["Allow"] = ", ".join(SAFE_METHODS)
        return cors_allow_read(response)

    return csrf_exempt(wrapper)


def decimal_text(value) -> str | None:
    """A decimal as plain text ("12.5", never "1.25E+1" or a float), or None."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return f"{number:f}" if number.is_finite() else None


MONEY_PATTERN = r"^\d+\.\d{2}$"
DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"
Money = Annotated[
    str, Field(pattern=MONEY_PATTERN, description="Pounds as a decimal string, never a float.")
]
DecimalText = Annotated[str, Field(pattern=DECIMAL_PATTERN, description="A decimal as a string.")]
Url = Annotated[str, Field(json_schema_extra={"format": "uri"})]


class JsonApiRenderer(JSONRenderer):
    # Decimals, dates and times as DjangoJSONEncoder writes them; text as it is, not \u-escaped.
    json_dumps_params = {"ensure_ascii": False}


class ReadOnlyApi(NinjaAPI):
    """django-ninja with this site's contract: read-only, CORS for reading, errors in one
    JSON shape ({"error": {"status", "message", "fields"}}), 400 for a bad parameter."""

    def __init__(self, **kwargs):
        super().__init__(renderer=JsonApiRenderer(), **kwargs)
        self.add_exception_handler(ApiError, self._api_error)
        self.add_exception_handler(Http404, self._not_found)
        self.add_exception_handler(ValidationError, self._invalid)

    def create_response(self, request, data, **kwargs):
        response = super().create_response(request, data, **kwargs)
        # As every error and download says: JSON is UTF-8 whatever a charset would say.
        response["Content-Type"] = "application/json"
        return response

    def _api_error(self, request, error: ApiError):
        return error_response(error.status, error.message, error.errors)

    def _not_found(self, request, error):
        return error_response(404, NOT_FOUND)

    def _invalid(self, request, error: ValidationError):
        # Ninja checks only what the schemas declare beyond the FilterSets (a path
        # parameter's length): in the address, that is no such item.
        if any(detail["loc"][0] == "path" for detail in error.errors):
            return error_response(404, NOT_FOUND)
        fields = {}
        for detail in error.errors:
            fields.setdefault(str(detail["loc"][-1]), []).append(detail["msg"])
        return error_response(400, "Invalid filter value.", fields)

    def _get_urls(self):
        # Every view ninja routes (operations and the schema) answers through read_only,
        # which handles HEAD as GET, OPTIONS and the 405 before ninja sees the request.
        return [
            URLPattern(url.pattern, head_as_get(url.callback), url.default_args, url.name)
            for url in super()._get_urls()
        ]


def head_as_get(view: Callable) -> Callable:
    """A ninja view under read_only, with HEAD served as GET (the server drops the body):
    ninja routes by method and would answer HEAD with 405."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "HEAD":
            return view(request, *args, **kwargs)
        request.method = "GET"
        try:
            return view(request, *args, **kwargs)
        finally:
            # Servers and the test client drop a HEAD response's body by the method.
            request.method = "HEAD"

    return read_only(wrapper)


# Query parameters: the FilterSet's filters, as the OpenAPI document describes them.

PAGINATION = {
    "page": {
        "type": "integer",
        "minimum": 1,
        "default": 1,
        "description": "Page number, from 1. A page past the last is a 404.",
    },
    "page_size": {
        "type": "integer",
        "minimum": 1,
        "maximum": MAX_PAGE_SIZE,
        "default": DEFAULT_PAGE_SIZE,
        "description": f"Results per page, at most {MAX_PAGE_SIZE}.",
    },
}


def parameter_schema(form_field) -> dict:
    """The JSON Schema of one filter's values, read from its form field when the OpenAPI
    document is generated (choices from the database are current)."""
    schema: dict[str, Any] = {"type": "string"}
    empty = "off" if isinstance(form_field, BooleanField) else "the default order"
    if isinstance(form_field, BooleanField):
        schema["enum"] = list(getattr(form_field, "values", {"true": True, "false": False}))
    elif isinstance(form_field, ModelChoiceField | ChoiceField):
        schema["enum"] = []
        for value, label in form_field.choices:
            if str(value) == "":
                empty = str(label).lower()
            else:
                schema["enum"].append(str(value))
    schema["description"] = str(form_field.label or "")
    if isinstance(form_field, ModelChoiceField):
        model = form_field.queryset.model._meta.verbose_name
        schema["description"] += f": a {model}'s {form_field.to_field_name}"
    if "enum" in schema and not form_field.required:
        # A page's form sends an empty select for "any": the API takes that as no filter.
        schema["enum"].append("")
        schema["description"] += f". Empty or absent: {empty}."
    return schema


def query_schema(filterset_class) -> type[Schema]:
    """A ninja query schema for a list: the FilterSet's API filters and the pagination.

    The fields accept any text, because the FilterSet validates the values (with the same
    messages as the site's list pages); each field's JSON Schema is the filter's, so the
    OpenAPI document lists each filter with its allowed values, declared once."""

    def described(name):
        def describe(schema: dict) -> None:
            schema.clear()
            if name in PAGINATION:
                schema.update(PAGINATION[name])
            else:
                schema.update(parameter_schema(filterset_class.base_filters[name].field))

        return describe

    names = [*filterset_class.api_filters, *PAGINATION]
    fields = {name: (str | None, Field(None, json_schema_extra=described(name))) for name in names}
    return create_model(f"{filterset_class.__name__}Query", __base__=Schema, **fields)


def page_of(item: type[Schema]) -> type[Schema]:
    """The schema of one page of a list: {count, page, page_size, next, previous, results}."""
    return create_model(
        f"{item.__name__}Page",
        __base__=Strict,
        count=(int, ...),
        page=(int, ...),
        page_size=(int, ...),
        next=(Url | None, ...),
        previous=(Url | None, ...),
        results=(list[item], ...),
    )


def positive_int(request, name: str, default: int) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise ApiError(400, f"{name} must be a whole number of 1 or more, not {raw[:40]!r}.")
    return int(raw)


def filtered_page(request, filterset_class, queryset, *, decorate=list) -> dict:
    """One page of a filtered list, with count and links to the next and previous pages.

    Only the API's filters are accepted, so a filter added to a list page joins the API's
    contract when it is named in the FilterSet's api_filters. An unknown parameter or an
    invalid value is a 400 that names each problem, before the listed objects are read;
    a page past the last is a 404."""
    allowed = {*filterset_class.api_filters, *PAGINATION}
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        raise ApiError(
            400,
            f"Unknown query parameter: {', '.join(unknown)}. "
            f"Allowed: {', '.join(sorted(allowed))}.",
        )
    params = {key: value for key, value in request.GET.items() if key not in PAGINATION}
    filterset = filterset_class(params, queryset)
    if not filterset.is_valid():
        fields = {name: [str(m) for m in errors] for name, errors in filterset.errors.items()}
        raise ApiError(400, "Invalid filter value.", fields)
    size = positive_int(request, "page_size", DEFAULT_PAGE_SIZE)
    if size > MAX_PAGE_SIZE:
        raise ApiError(400, f"page_size can be at most {MAX_PAGE_SIZE}.")
    number = positive_int(request, "page", 1)
    paginator = Paginator(filterset.qs, size)
    if number > max(paginator.num_pages, 1):
        raise ApiError(
            404, f"There is no page {number}: there are {paginator.num_pages} pages of results."
        )
    page = paginator.page(number)

    def link(to: int) -> str:
        query = request.GET.copy()
        query["page"] = str(to)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": paginator.count,
        "page": number,
        "page_size": size,
        "next": link(number + 1) if page.has_next() else None,
        "previous": link(number - 1) if page.has_previous() else None,
        "results": decorate(list(page.object_list)),
    }


def absolute_url(obj, context) -> str:
    return context["request"].build_absolute_uri(obj.get_absolute_url())


Slug = Annotated[str, Field(max_length=MAX_IDENTIFIER_LENGTH, description="The item's slug.")]


def add_resource(
    router: Router, segment: str, *, item, filterset, queryset, summary, decorate=list
):
    """Route one resource: its list at /<segment>/ (the FilterSet's API filters, one page
    of results) and one item at /<segment>/{slug}/, both answering with the item schema.

    queryset returns the items with what the schema reads (from the app's selectors, so
    visibility rules apply); decorate adds to a list of items what a queryset cannot
    (counts kept until content changes), in a fixed number of queries."""

    @router.get(
        f"/{segment}/",
        response={200: page_of(item), **ERRORS},
        operation_id=f"{segment}_list",
        url_name=f"{segment}_list",
        summary=summary,
        tags=[segment],
    )
    def list_items(request, filters: Query[query_schema(filterset)]):
        return filtered_page(request, filterset, queryset(), decorate=decorate)

    @router.get(
        f"/{segment}/{{slug}}/",
        response={200: item, **ERRORS},
        operation_id=f"{segment}_detail",
        url_name=f"{segment}_detail",
        summary=f"One of: {summary[0].lower()}{summary[1:]}",
        tags=[segment],
    )
    def item_detail(request, slug: Slug):
        return decorate([get_object_or_404(queryset(), slug=slug)])[0]


@read_only
def not_found(request, path=""):
    raise ApiError(404, "No such API endpoint. The endpoints are listed at /api/openapi.json.")
