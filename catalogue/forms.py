"""Forms that validate list filters before they reach the database. An unknown value
is an error shown to the user, never an exception. Every filter is a plain GET
parameter, so a filtered list can be bookmarked and shared."""

from django import forms
from django.db.models import Case, IntegerField, Q, Value, When
from wagtail.search.backends import get_search_backend

from .models import Component, ConformanceClaim, CouncilType, Offering, Standard

MAX_QUERY_LENGTH = 200
# With a query and a chosen sort order, the most relevant matches that get sorted.
MAX_MATCHES = 1000

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


class ListFilterForm(forms.Form):
    """A list page's filters: a search query plus fields that narrow a queryset.

    Subclasses implement apply(queryset, data); the query runs through the search
    backend last, so filters and words combine.
    """

    q = forms.CharField(
        label="Search within results",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": f"Search for {MAX_QUERY_LENGTH} characters or fewer"},
    )

    # Fields that are not filters, so get no "remove" tag.
    not_filters = ("sort",)
    # With a query, rank by relevance unless the list has a fixed or chosen order.
    order_by_relevance = True

    def clean_q(self):
        text = self.cleaned_data.get("q") or ""
        return " ".join("".join(ch for ch in text if ch.isprintable()).split())

    def apply(self, queryset, data):
        return queryset

    def ordered(self, queryset, data):
        return queryset

    def filter(self, queryset):
        data = self.cleaned_data
        queryset = self.apply(queryset, data)
        if not data.get("q"):
            return self.ordered(queryset, data)
        by_relevance = self.order_by_relevance and not data.get("sort")
        backend = get_search_backend()
        if getattr(backend, "searches_any_queryset", False):
            # PostgreSQL: filters, order and words combine in SQL, over every match.
            if not by_relevance:
                queryset = self.ordered(queryset, data)
            return backend.search(data["q"], queryset, order_by_relevance=by_relevance)
        # Elsewhere the backend accepts only indexed filter fields, so it finds the best
        # matches over the whole model and the ORM applies the filters, the joins the
        # page needs and the order.
        matches = backend.search(data["q"], queryset.model.objects.only("pk"))
        ranked = [match.pk for match in matches[:MAX_MATCHES]]
        queryset = queryset.filter(pk__in=ranked)
        if by_relevance:
            if not ranked:
                return queryset
            relevance = Case(
                *[When(pk=pk, then=Value(position)) for position, pk in enumerate(ranked)],
                output_field=IntegerField(),
            )
            return queryset.order_by(relevance)
        return self.ordered(queryset, data)

    def selected_filters(self, query_dict):
        """(label, URL that removes it) for each filter in use: the GOV.UK/MOJ
        'selected filters' tags."""
        if not self.is_bound or not self.is_valid():
            return []
        tags = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if name in self.not_filters or value in (None, "", False):
                continue
            label = self[name].label
            if isinstance(field, forms.BooleanField):
                text = label
            elif isinstance(field, forms.ModelChoiceField):
                text = f"{label}: {value}"
            elif isinstance(field, forms.ChoiceField):
                text = f"{label}: {dict(field.choices).get(value, value)}"
            elif name == "q":
                text = f"Search: {value}"
            else:
                text = f"{label}: {value}"
            remaining = query_dict.copy()
            remaining.pop(name, None)
            remaining.pop("page", None)
            tags.append((text, remaining.urlencode()))
        return tags


class CouncilFilterForm(ListFilterForm):
    council_type = forms.ModelChoiceField(
        queryset=CouncilType.objects.all(),
        to_field_name="code",
        required=False,
        empty_label="Any type",
        label="Council type",
    )
    region = forms.ChoiceField(choices=REGION_CHOICES, required=False)

    def apply(self, queryset, data):
        if data.get("council_type"):
            queryset = queryset.filter(council_type=data["council_type"])
        if data.get("region"):
            queryset = queryset.filter(region=data["region"])
        return queryset


class ComponentFilterForm(ListFilterForm):
    # The list is grouped by category, so it keeps that order.
    order_by_relevance = False

    category = forms.ChoiceField(
        choices=[("", "Any category"), *Component.Category.choices],
        required=False,
        label="Capability category",
    )

    def apply(self, queryset, data):
        if data.get("category"):
            queryset = queryset.filter(category=data["category"])
        return queryset

    def ordered(self, queryset, data):
        return queryset.order_by("category", "name")


class SupplierFilterForm(ListFilterForm):
    sme = forms.ChoiceField(
        choices=[("", "Any size"), ("yes", "Small or medium-sized (SME)"), ("no", "Large")],
        required=False,
        label="Supplier size",
    )

    def apply(self, queryset, data):
        if data.get("sme") == "yes":
            queryset = queryset.filter(is_sme=True)
        elif data.get("sme") == "no":
            queryset = queryset.filter(is_sme=False)
        return queryset


class OfferingFilterForm(ListFilterForm):
    SORTS = {
        "name": ("name", "Name (A to Z)"),
        "price": ("price", "Price (lowest first)"),
        "-price": ("-price", "Price (highest first)"),
        "newest": ("-created_at", "Newest"),
    }

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
        label="Conforms to",
    )
    verified_only = forms.BooleanField(
        required=False,
        label="Only conformance verified by an editor",
        help_text="To the standard chosen above, or to any standard.",
    )
    hosting = forms.ChoiceField(
        choices=[("", "Any hosting"), *Offering.Hosting.choices], required=False
    )
    pricing_unit = forms.ChoiceField(
        choices=[("", "Any pricing"), *Offering.PricingUnit.choices],
        required=False,
        label="Priced",
    )
    price_min = forms.DecimalField(
        label="Price from (£)", required=False, min_value=0, max_digits=12, decimal_places=2
    )
    price_max = forms.DecimalField(
        label="Price up to (£)", required=False, min_value=0, max_digits=12, decimal_places=2
    )
    sme = forms.ChoiceField(
        choices=[("", "Any size"), ("yes", "Small or medium-sized (SME)"), ("no", "Large")],
        required=False,
        label="Supplier size",
    )
    open_source = forms.BooleanField(required=False, label="Open source only")
    sort = forms.ChoiceField(
        choices=[(key, label) for key, (_, label) in SORTS.items()], required=False, label="Sort by"
    )

    def clean(self):
        data = super().clean()
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", "Price up to must be the same as or more than price from")
        return data

    def apply(self, queryset, data):
        if data.get("component"):
            queryset = queryset.filter(components=data["component"])
        if data.get("standard") or data.get("verified_only"):
            # "Verified only" stands alone too (verified for any standard), so removing the
            # standard's filter tag leaves a list, never an error.
            claims = ConformanceClaim.objects.all()
            if data.get("standard"):
                claims = claims.filter(standard=data["standard"])
            if data.get("verified_only"):
                claims = claims.filter(verified_at__isnull=False)
            queryset = queryset.filter(pk__in=claims.values("offering_id"))
        if data.get("hosting"):
            queryset = queryset.filter(hosting=data["hosting"])
        if data.get("pricing_unit"):
            queryset = queryset.filter(pricing_unit=data["pricing_unit"])
        if data.get("price_min") is not None:
            # A ranged price qualifies if any part of its range reaches the minimum.
            low = data["price_min"]
            queryset = queryset.filter(Q(price__gte=low) | Q(price_max__gte=low))
        if data.get("price_max") is not None:
            queryset = queryset.filter(price__lte=data["price_max"])
        if data.get("sme") == "yes":
            queryset = queryset.filter(supplier__is_sme=True)
        elif data.get("sme") == "no":
            queryset = queryset.filter(supplier__is_sme=False)
        if data.get("open_source"):
            queryset = queryset.exclude(open_source_licence="")
        return queryset

    def ordered(self, queryset, data):
        return queryset.order_by(self.SORTS[data.get("sort") or "name"][0], "name")

    def selected_filters(self, query_dict):
        tags = super().selected_filters(query_dict)
        return [
            (text.replace(": ", ": £", 1) if text.startswith("Price") else text, url)
            for text, url in tags
        ]
