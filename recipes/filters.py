"""The recipe list's filters, declared once (django-filter) for the recipe index page,
the JSON API and its OpenAPI document."""

from decimal import Decimal

import django_filters

from catalogue.filters import BEST_RATED, ListFilterSet, RatingFilters
from catalogue.models import Component, CouncilType, ServiceArea, Standard

from .models import Maturity, Review

# One-off set-up cost bands, on the low end of a recipe's estimate.
COST_BANDS = {
    "under-10k": ("Under £10,000", None, Decimal("10000")),
    "10k-50k": ("£10,000 to £50,000", Decimal("10000"), Decimal("50000")),
    "over-50k": ("Over £50,000", Decimal("50000"), None),
}
# The council types a recipe can say it serves.
SERVED_COUNCIL_TYPES = ["NMD", "CTY", "UA", "MD", "LBO", "SCO", "WPA"]


class RecipeFilterSet(RatingFilters, ListFilterSet):
    SORTS = {
        "title": ("title", "Title (A to Z)"),
        "newest": ("-first_published_at", "Newest"),
        "adopted": ("-adoption_total", "Most adopted"),
        "cheapest": ("setup_cost_min", "Lowest set-up cost"),
        "rating": BEST_RATED,
    }
    default_sort = "title"
    tie_breaker = "title"
    api_filters = (
        "service_area",
        "council_type",
        "component",
        "standard",
        "maturity",
        "rated_highly",
        "sort",
    )
    rating_field = "recipe"

    service_area = django_filters.ModelChoiceFilter(
        queryset=ServiceArea.objects.filter(parent__isnull=True),
        to_field_name="slug",
        empty_label="Any service area",
        label="Service area",
        method="in_area",
    )
    council_type = django_filters.ModelChoiceFilter(
        field_name="serves",
        queryset=CouncilType.objects.filter(code__in=SERVED_COUNCIL_TYPES),
        to_field_name="code",
        empty_label="Any council type",
        label="Serves",
    )
    component = django_filters.ModelChoiceFilter(
        field_name="components_used",
        queryset=Component.objects.all(),
        to_field_name="slug",
        empty_label="Any component",
        label="Component",
    )
    standard = django_filters.ModelChoiceFilter(
        field_name="standards_used",
        queryset=Standard.objects.all(),
        to_field_name="slug",
        empty_label="Any standard",
        label="Standard",
    )
    maturity = django_filters.ChoiceFilter(
        choices=Maturity.choices, empty_label="Any maturity", label="Maturity"
    )
    cost_band = django_filters.ChoiceFilter(
        choices=[(key, band[0]) for key, band in COST_BANDS.items()],
        empty_label="Any set-up cost",
        label="Set-up cost",
        method="in_cost_band",
    )
    like_mine = RatingFilters.like_mine_filter()
    rated_highly = RatingFilters.rated_highly_filter()
    sort = ListFilterSet.sort_filter(SORTS)

    def rating_reviews(self):
        return Review.objects.all()

    def in_area(self, queryset, name, area):
        # A top-level area covers the recipes filed under its sub-areas too.
        filed = queryset.model.objects.filter(service_areas__in=[area, *area.children.all()])
        return queryset.filter(pk__in=filed.values("pk"))

    def in_cost_band(self, queryset, name, band):
        _label, low, high = COST_BANDS[band]
        if low is not None:
            queryset = queryset.filter(setup_cost_min__gte=low)
        if high is not None:
            queryset = queryset.filter(setup_cost_min__lt=high)
        return queryset
