"""Validation of the recipe list's GET filters, before any query runs."""

from django import forms

from catalogue.models import Component, CouncilType, ServiceArea, Standard

from .models import Maturity


class RecipeFilterForm(forms.Form):
    SORTS = {
        "title": ("title", "Title (A to Z)"),
        "newest": ("-first_published_at", "Newest"),
        "adopted": ("-adoption_total", "Most adopted"),
    }

    service_area = forms.ModelChoiceField(
        queryset=ServiceArea.objects.filter(parent__isnull=True),
        to_field_name="slug",
        required=False,
        empty_label="Any service area",
    )
    council_type = forms.ModelChoiceField(
        queryset=CouncilType.objects.filter(recipes__isnull=False).distinct(),
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
    sort = forms.ChoiceField(
        choices=[(key, label) for key, (_, label) in SORTS.items()], required=False, label="Sort by"
    )

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("service_area"):
            area = data["service_area"]
            queryset = queryset.filter(service_areas__in=[area, *area.children.all()]).distinct()
        if data.get("council_type"):
            queryset = queryset.filter(serves=data["council_type"])
        if data.get("component"):
            queryset = queryset.filter(components_used=data["component"])
        if data.get("standard"):
            queryset = queryset.filter(standards_used=data["standard"])
        if data.get("maturity"):
            queryset = queryset.filter(maturity=data["maturity"])
        order = self.SORTS.get(data.get("sort") or "title")[0]
        return queryset.order_by(order, "title")
