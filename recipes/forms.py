"""Validation of the recipe list's GET filters, before any query runs."""

from decimal import Decimal

from django import forms

from catalogue.forms import ListFilterForm
from catalogue.models import Component, CouncilType, ServiceArea, Standard

from .models import Maturity

# One-off set-up cost bands, on the low end of a recipe's estimate.
COST_BANDS = {
    "under-10k": ("Under £10,000", None, Decimal("10000")),
    "10k-50k": ("£10,000 to £50,000", Decimal("10000"), Decimal("50000")),
    "over-50k": ("Over £50,000", Decimal("50000"), None),
}


class RecipeFilterForm(ListFilterForm):
    SORTS = {
        "title": ("title", "Title (A to Z)"),
        "newest": ("-first_published_at", "Newest"),
        "adopted": ("-adoption_total", "Most adopted"),
        "cheapest": ("setup_cost_min", "Lowest set-up cost"),
    }

    service_area = forms.ModelChoiceField(
        queryset=ServiceArea.objects.filter(parent__isnull=True),
        to_field_name="slug",
        required=False,
        empty_label="Any service area",
    )
    council_type = forms.ModelChoiceField(
        queryset=CouncilType.objects.filter(
            code__in=["NMD", "CTY", "UA", "MD", "LBO", "SCO", "WPA"]
        ),
        to_field_name="code",
        required=False,
        empty_label="Any council type",
        label="Serves",
    )
    component = forms.ModelChoiceField(
        queryset=Component.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Any component",
    )
    standard = forms.ModelChoiceField(
        queryset=Standard.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Any standard",
    )
    maturity = forms.ChoiceField(choices=[("", "Any maturity"), *Maturity.choices], required=False)
    cost_band = forms.ChoiceField(
        choices=[("", "Any set-up cost"), *[(key, band[0]) for key, band in COST_BANDS.items()]],
        required=False,
        label="Set-up cost",
    )
    sort = forms.ChoiceField(
        choices=[(key, label) for key, (_, label) in SORTS.items()], required=False, label="Sort by"
    )

    def apply(self, queryset, data):
        if data.get("service_area"):
            area = data["service_area"]
            queryset = queryset.filter(
                pk__in=queryset.model.objects.filter(
                    service_areas__in=[area, *area.children.all()]
                ).values("pk")
            )
        if data.get("council_type"):
            queryset = queryset.filter(serves=data["council_type"])
        if data.get("component"):
            queryset = queryset.filter(components_used=data["component"])
        if data.get("standard"):
            queryset = queryset.filter(standards_used=data["standard"])
        if data.get("maturity"):
            queryset = queryset.filter(maturity=data["maturity"])
        if data.get("cost_band"):
            _label, low, high = COST_BANDS[data["cost_band"]]
            if low is not None:
                queryset = queryset.filter(setup_cost_min__gte=low)
            if high is not None:
                queryset = queryset.filter(setup_cost_min__lt=high)
        return queryset

    def ordered(self, queryset, data):
        return queryset.order_by(self.SORTS[data.get("sort") or "title"][0], "title")
