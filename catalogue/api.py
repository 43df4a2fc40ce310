"""The read-only JSON API for the catalogue, and the small JSON layer every API view uses.

Plain Django views rather than a framework: the API is read-only, its shapes are few, and
writing the serialisation by hand keeps every endpoint's queries in view (a fixed number
at any data size, pinned by tests). recipes.api builds on the helpers here; the catalogue
never imports recipes.
"""

from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import wraps

from django import forms
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt

from . import selectors
from .forms import ComponentFilterForm, CouncilFilterForm, OfferingFilterForm, SupplierFilterForm
from .models import Component, ConformanceClaim, Council, Offering, Standard, Supplier

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}


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
    body = {"error": {"status": status, "message": message}}
    if errors:
        body["error"]["fields"] = errors
    return JsonResponse(body, status=status)


def api_json(data) -> JsonResponse:
    # Decimals are written as strings (DjangoJSONEncoder), so money never passes through float.
    return JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


def read_only(view: Callable) -> Callable:
    """Wrap an API or download view: GET and HEAD only, CORS for reading, errors as JSON.

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
        else:
            try:
                response = view(request, *args, **kwargs)
            except ApiError as error:
                response = error_response(error.status, error.message, error.errors)
            except Http404:
                response = error_response(404, "Not found. Check the slug in the address.")
        response["Allow"] = ", ".join(SAFE_METHODS)
        return cors_allow_read(response)

    return csrf_exempt(wrapper)


def filters_clean(request, form_class: type[forms.Form] | None, filters: Iterable[str] = ()):
    """Validate the query string with the site's own filter form: unknown parameters and
    invalid values are a 400 that names each problem, before the listed objects are read.

    Only the documented filters are accepted, so a filter added to the site's form does
    not change the API's contract until it is added to the OpenAPI schema too.
    """
    allowed = {"page", "page_size", *filters}
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        raise ApiError(
            400,
            f"Unknown query parameter: {', '.join(unknown)}. "
            f"Allowed: {', '.join(sorted(allowed))}.",
        )
    if form_class is None:
        return None
    params = {key: value for key, value in request.GET.items() if key in filters}
    form = form_class(params)
    if not form.is_valid():
        fields = {name: [str(message) for message in errs] for name, errs in form.errors.items()}
        raise ApiError(400, "Invalid filter value.", fields)
    return form


def positive_int(request, name: str, default: int) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ApiError(400, f"{name} must be a whole number of 1 or more, not {raw[:40]!r}.")
    return int(raw)


def paginated(request, queryset: QuerySet, serialise: Callable[[list], list]) -> JsonResponse:
    """One page of results with count and links to the next and previous pages."""
    size = positive_int(request, "page_size", DEFAULT_PAGE_SIZE)
    if size > MAX_PAGE_SIZE:
        raise ApiError(400, f"page_size can be at most {MAX_PAGE_SIZE}.")
    number = positive_int(request, "page", 1)
    paginator = Paginator(queryset, size)
    if number > max(paginator.num_pages, 1):
        raise ApiError(
            400, f"There is no page {number}: there are {paginator.num_pages} pages of results."
        )
    page = paginator.page(number)

    def link(to: int) -> str:
        query = request.GET.copy()
        query["page"] = str(to)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return api_json(
        {
            "count": paginator.count,
            "page": number,
            "page_size": size,
            "next": link(number + 1) if page.has_next() else None,
            "previous": link(number - 1) if page.has_previous() else None,
            "results": serialise(list(page.object_list)),
        }
    )


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


# Serialisation. Each function takes objects fetched with the prefetches its selector
# below names, and reads nothing else from the database.


def standard_ref(standard: Standard) -> dict:
    return {"slug": standard.slug, "name": standard.name}


def component_ref(component: Component) -> dict:
    return {"slug": component.slug, "name": component.name}


def component_data(component: Component, request) -> dict:
    return {
        "slug": component.slug,
        "name": component.name,
        "category": component.category,
        "category_label": component.get_category_display(),
        "summary": component.summary,
        "description": component.description,
        "standards": [standard_ref(s) for s in component.standards.all()],
        "offering_count": component.offering_count,
        "recipe_count": component.recipe_count,
        "url": absolute(request, component.get_absolute_url()),
    }


def standard_data(standard: Standard, request) -> dict:
    return {
        "slug": standard.slug,
        "name": standard.name,
        "short_name": standard.short_name,
        "category": standard.category,
        "category_label": standard.get_category_display(),
        "summary": standard.summary,
        "description": standard.description,
        "official_url": standard.url,
        "owner": standard.owner,
        "licence": standard.licence,
        "component_count": standard.component_count,
        "offering_count": standard.offering_count,
        "url": absolute(request, standard.get_absolute_url()),
    }


def supplier_data(supplier: Supplier, request) -> dict:
    # contact_email is private and deliberately absent.
    return {
        "slug": supplier.slug,
        "name": supplier.name,
        "website": supplier.website,
        "companies_house_number": supplier.companies_house_number,
        "is_sme": supplier.is_sme,
        "description": supplier.description,
        "is_sample": supplier.is_sample,
        "offering_count": supplier.offering_count,
        "url": absolute(request, supplier.get_absolute_url()),
    }


def claim_data(claim: ConformanceClaim) -> dict:
    # Who verified a claim is personal data; only whether and when is public.
    return {
        "standard": standard_ref(claim.standard),
        "evidence_url": claim.evidence_url,
        "statement": claim.statement,
        "verified": claim.is_verified,
        "verified_at": claim.verified_at,
    }


def offering_data(offering: Offering, request) -> dict:
    return {
        "slug": offering.slug,
        "name": offering.name,
        "supplier": {
            "slug": offering.supplier.slug,
            "name": offering.supplier.name,
            "is_sample": offering.supplier.is_sample,
        },
        "summary": offering.summary,
        "description": offering.description,
        "components": [component_ref(c) for c in offering.components.all()],
        "pricing": {
            "currency": "GBP",
            "unit": offering.pricing_unit,
            "unit_label": offering.get_pricing_unit_display(),
            "price": money(offering.price),
            "price_max": money(offering.price_max),
            "setup_fee": money(offering.setup_fee),
            "notes": offering.pricing_notes,
        },
        "hosting": offering.hosting,
        "hosting_label": offering.get_hosting_display(),
        "gcloud_service_id": offering.gcloud_service_id,
        "open_source_licence": offering.open_source_licence,
        "repository_url": offering.repository_url,
        "claims": [claim_data(claim) for claim in offering.claims.all()],
        "first_published_at": offering.first_published_at,
        "last_published_at": offering.last_published_at,
        "url": absolute(request, offering.get_absolute_url()),
    }


def council_data(council: Council, request) -> dict:
    return {
        "slug": council.slug,
        "code": council.code,
        "gss_code": council.gss_code,
        "name": council.name,
        "official_name": council.official_name,
        "council_type": {"code": council.council_type.code, "name": council.council_type.name},
        "nation": council.nation,
        "region": council.region,
        "population": council.population,
        "homepage_url": council.homepage_url,
        "parent": council.parent.slug if council.parent_id else None,
        "adoption_count": council.adoption_count,
        "url": absolute(request, council.get_absolute_url()),
    }


# Querysets: the site's selectors plus what the JSON needs.


def api_components():
    return selectors.component_list().prefetch_related(
        Prefetch("standards", queryset=Standard.objects.order_by("name"))
    )


def api_offerings():
    return (
        Offering.objects.public()
        .select_related("supplier")
        .prefetch_related(
            Prefetch("components", queryset=Component.objects.order_by("name")),
            Prefetch(
                "claims",
                queryset=ConformanceClaim.objects.select_related("standard").order_by(
                    "standard__name"
                ),
            ),
        )
        .order_by("name")
    )


def api_councils():
    return selectors.council_list().select_related("parent")


API_FILTERS = {
    "components": ("category",),
    "standards": (),
    "offerings": ("component", "hosting", "open_source"),
    "suppliers": ("sme",),
    "councils": ("council_type", "region"),
}


def list_view(request, *, queryset, serialise, form_class=None, filters=(), decorate=list):
    form = filters_clean(request, form_class, filters)
    if form is not None:
        queryset = form.filter(queryset)
    return paginated(
        request, queryset, lambda items: [serialise(o, request) for o in decorate(items)]
    )


@read_only
def component_list(request):
    return list_view(
        request,
        queryset=api_components(),
        serialise=component_data,
        form_class=ComponentFilterForm,
        filters=API_FILTERS["components"],
        decorate=selectors.with_component_counts,
    )


@read_only
def component_detail(request, slug):
    component = get_object_or_404(api_components(), slug=slug)
    return api_json(component_data(selectors.with_component_counts([component])[0], request))


@read_only
def standard_list(request):
    return list_view(
        request,
        queryset=selectors.standard_list(),
        serialise=standard_data,
        decorate=selectors.with_standard_counts,
    )


@read_only
def standard_detail(request, slug):
    standard = get_object_or_404(selectors.standard_list(), slug=slug)
    return api_json(standard_data(selectors.with_standard_counts([standard])[0], request))


@read_only
def supplier_list(request):
    return list_view(
        request,
        queryset=selectors.supplier_list(),
        serialise=supplier_data,
        form_class=SupplierFilterForm,
        filters=API_FILTERS["suppliers"],
    )


@read_only
def supplier_detail(request, slug):
    return api_json(supplier_data(get_object_or_404(selectors.supplier_list(), slug=slug), request))


@read_only
def offering_list(request):
    return list_view(
        request,
        queryset=api_offerings(),
        serialise=offering_data,
        form_class=OfferingFilterForm,
        filters=API_FILTERS["offerings"],
    )


@read_only
def offering_detail(request, slug):
    return api_json(offering_data(get_object_or_404(api_offerings(), slug=slug), request))


@read_only
def council_list(request):
    return list_view(
        request,
        queryset=api_councils(),
        serialise=council_data,
        form_class=CouncilFilterForm,
        filters=API_FILTERS["councils"],
    )


@read_only
def council_detail(request, slug):
    return api_json(council_data(get_object_or_404(api_councils(), slug=slug), request))


@read_only
def not_found(request, path=""):
    raise ApiError(404, "No such API endpoint. The endpoints are listed at /api/openapi.json.")
