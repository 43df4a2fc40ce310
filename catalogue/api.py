"""The read-only JSON API for the catalogue: a django-ninja router with one schema per
resource, built on the HTTP/JSON layer in foundations.api (errors, CORS, pagination,
money as text).

Responses are declared as pydantic schemas and the query parameters are derived from
each list's FilterSet (filters.py), so ninja's OpenAPI document at /api/openapi.json
describes exactly what the views accept and answer. Every endpoint makes a fixed number
of queries at any data size (pinned by tests). patterns_site mounts the routers of this
module and of recipes.api on one ReadOnlyApi; the catalogue never imports recipes.
"""

from datetime import datetime

from django.db.models import Prefetch
from ninja import Field, Router

from foundations.api import (
    DecimalText,
    Money,
    Strict,
    Url,
    absolute_url,
    add_resource,
    decimal_text,
)
from foundations.money import money_text

from . import selectors
from .filters import (
    ComponentFilterSet,
    CouncilFilterSet,
    OfferingFilterSet,
    StandardFilterSet,
    SupplierFilterSet,
)
from .models import Component, ConformanceClaim, Offering, Standard

# The catalogue's resources. Each schema reads only what its queryset below prefetches.


class Ref(Strict):
    slug: str
    name: str


class ComponentOut(Strict):
    slug: str
    name: str
    category: str = Field(..., json_schema_extra={"enum": Component.Category.values})
    category_label: str
    summary: str
    description: str
    standards: list[Ref]
    offering_count: int
    recipe_count: int
    url: Url

    @staticmethod
    def resolve_category_label(obj) -> str:
        return obj.get_category_display()

    resolve_url = staticmethod(absolute_url)


class StandardOut(Strict):
    slug: str
    name: str
    short_name: str
    category: str = Field(..., json_schema_extra={"enum": Standard.Category.values})
    category_label: str
    summary: str
    description: str
    official_url: str
    owner: str
    licence: str
    component_count: int
    offering_count: int
    url: Url

    @staticmethod
    def resolve_category_label(obj) -> str:
        return obj.get_category_display()

    @staticmethod
    def resolve_official_url(obj) -> str:
        return obj.url

    resolve_url = staticmethod(absolute_url)


class SupplierOut(Strict):
    # contact_email is private and deliberately absent.
    slug: str
    name: str
    website: str
    companies_house_number: str
    is_sme: bool | None
    description: str
    is_sample: bool = Field(..., description="A fictional sample supplier.")
    offering_count: int
    url: Url

    resolve_url = staticmethod(absolute_url)


class RatingOut(Strict):
    """Councils' rating, the figure the page and its schema.org AggregateRating show."""

    count: int = Field(..., description="How many councils' public reviews.")
    average: DecimalText | None = Field(
        ...,
        description="Their average rating from 1 (poor) to 5, to one decimal place; "
        "null with no reviews.",
    )


def resolve_rating(obj) -> dict:
    """RatingOut from the rating a with_ratings queryset annotated."""
    rating = selectors.rating_of(obj)
    return {"count": rating["count"], "average": decimal_text(rating["average"])}


class OfferingSupplier(Strict):
    slug: str
    name: str
    is_sample: bool


class Pricing(Strict):
    currency: str = Field(..., json_schema_extra={"enum": ["GBP"]})
    unit: str = Field(..., json_schema_extra={"enum": Offering.PricingUnit.values})
    unit_label: str
    price: Money
    price_max: Money | None
    setup_fee: Money | None
    notes: str


class ClaimOut(Strict):
    # Who verified a claim is personal data; only whether and when is public.
    standard: Ref
    evidence_url: str
    statement: str
    verified: bool
    verified_at: datetime | None

    @staticmethod
    def resolve_verified(obj) -> bool:
        return obj.is_verified


class OfferingOut(Strict):
    slug: str
    name: str
    supplier: OfferingSupplier
    summary: str
    description: str = Field(..., description="Markdown.")
    components: list[Ref]
    pricing: Pricing
    hosting: str = Field(..., json_schema_extra={"enum": Offering.Hosting.values})
    hosting_label: str
    gcloud_service_id: str
    open_source_licence: str
    repository_url: str
    claims: list[ClaimOut]
    rating: RatingOut
    first_published_at: datetime | None
    last_published_at: datetime | None
    url: Url

    resolve_rating = staticmethod(resolve_rating)

    @staticmethod
    def resolve_pricing(obj) -> dict:
        return {
            "currency": "GBP",
            "unit": obj.pricing_unit,
            "unit_label": obj.get_pricing_unit_display(),
            "price": money_text(obj.price),
            "price_max": money_text(obj.price_max),
            "setup_fee": money_text(obj.setup_fee),
            "notes": obj.pricing_notes,
        }

    @staticmethod
    def resolve_hosting_label(obj) -> str:
        return obj.get_hosting_display()

    resolve_url = staticmethod(absolute_url)


class CouncilTypeRef(Strict):
    code: str
    name: str


class CouncilOut(Strict):
    slug: str
    code: str = Field(..., description="mySociety local authority code.")
    gss_code: str
    name: str
    official_name: str
    council_type: CouncilTypeRef
    nation: str
    region: str
    population: int | None
    homepage_url: str
    parent: str | None = Field(..., description="Slug of the county council above.")
    adoption_count: int
    url: Url

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.slug if obj.parent_id else None

    resolve_url = staticmethod(absolute_url)


# Querysets: the site's selectors plus what the JSON needs.


def api_components():
    return selectors.component_list().prefetch_related(
        Prefetch("standards", queryset=Standard.objects.order_by("name"))
    )


def api_offerings():
    """Published offerings, rated as on their pages (selectors.with_offering_ratings)."""
    return selectors.with_offering_ratings(
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


router = Router()
add_resource(
    router,
    "components",
    item=ComponentOut,
    filterset=ComponentFilterSet,
    queryset=api_components,
    decorate=selectors.with_component_counts,
    summary="Components: the generic capabilities services need.",
)
add_resource(
    router,
    "standards",
    item=StandardOut,
    filterset=StandardFilterSet,
    queryset=selectors.standard_list,
    decorate=selectors.with_standard_counts,
    summary="Data, technical and accessibility standards.",
)
add_resource(
    router,
    "offerings",
    item=OfferingOut,
    filterset=OfferingFilterSet,
    queryset=api_offerings,
    summary="Published offerings, with prices and conformance claims.",
)
add_resource(
    router,
    "suppliers",
    item=SupplierOut,
    filterset=SupplierFilterSet,
    queryset=selectors.supplier_list,
    summary="Suppliers that list offerings.",
)
add_resource(
    router,
    "councils",
    item=CouncilOut,
    filterset=CouncilFilterSet,
    queryset=api_councils,
    decorate=selectors.with_council_counts,
    summary="UK councils, from mySociety's register (CC BY 4.0).",
)
