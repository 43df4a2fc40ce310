"""Forms that validate list filters before they reach the database. An unknown value
is an error shown to the user, never an exception."""

from django import forms

from .models import Component, CouncilType, Offering

REGION_CHOICES = [
    ("", "Any region"),
    *[
        (region, region)
        for region in [
            "East Midlands",
            "East of England",
            "London",
            "North East",
            "North West",
            "Northern Ireland",
            "Scotland",
            "South East",
            "South West",
            "Wales",
            "West Midlands",
            "Yorkshire and The Humber",
        ]
    ],
]


class CouncilFilterForm(forms.Form):
    council_type = forms.ModelChoiceField(
        queryset=CouncilType.objects.all(),
        to_field_name="code",
        required=False,
        empty_label="Any type",
        label="Council type",
    )
    region = forms.ChoiceField(choices=REGION_CHOICES, required=False)

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("council_type"):
            queryset = queryset.filter(council_type=data["council_type"])
        if data.get("region"):
            queryset = queryset.filter(region=data["region"])
        return queryset


class ComponentFilterForm(forms.Form):
    category = forms.ChoiceField(
        choices=[("", "Any category"), *Component.Category.choices],
        required=False,
        label="Capability category",
    )

    def filter(self, queryset):
        if self.cleaned_data.get("category"):
            queryset = queryset.filter(category=self.cleaned_data["category"])
        return queryset


class OfferingFilterForm(forms.Form):
    component = forms.ModelChoiceField(
        queryset=Component.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Any component",
    )
    hosting = forms.ChoiceField(
        choices=[("", "Any hosting"), *Offering.Hosting.choices], required=False
    )
    open_source = forms.BooleanField(required=False, label="Open source only")

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("component"):
            queryset = queryset.filter(components=data["component"])
        if data.get("hosting"):
            queryset = queryset.filter(hosting=data["hosting"])
        if data.get("open_source"):
            queryset = queryset.exclude(open_source_licence="")
        return queryset


class SupplierFilterForm(forms.Form):
    sme = forms.ChoiceField(
        choices=[("", "Any size"), ("yes", "Small or medium-sized (SME)"), ("no", "Large")],
        required=False,
        label="Supplier size",
    )

    def filter(self, queryset):
        if self.cleaned_data.get("sme") == "yes":
            queryset = queryset.filter(is_sme=True)
        elif self.cleaned_data.get("sme") == "no":
            queryset = queryset.filter(is_sme=False)
        return queryset
