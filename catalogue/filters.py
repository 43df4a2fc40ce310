"""The filters of each catalogue list, declared once (django-filter) for the HTML list
pages, the JSON API and its OpenAPI document.

Every filter is a plain GET parameter, validated by the FilterSet's form before the
database is touched: an unknown value is a form error (a 400 with an error summary on a
page, a JSON 400 in the API), never an exception. recipes.filters builds on ListFilterSet.
"""

import django_filters
from django import forms
from django.db.models import Q, Value

from . import selectors
from .cost_choice import assumptions_from_request
from .forms import ListFilterForm, OfferingFilterForm
from .models import Component, ConformanceClaim, CouncilType, Offering, Standard
from .uses import uses

REGIONS = [
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
SME_CHOICES = [("yes", "Small or medium-sized (SME)"), ("no", "Large")]


class OnOffInput(forms.CheckboxInput):
    """A GOV.UK checkbox that hands its field the value as sent, so the field can refuse a
    value it does not know (Django's checkbox reads any text as "on")."""

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class OnOffField(forms.BooleanField):
    """On or off: `on` from the page's checkbox, `true` or `false` from the API; empty or
    absent is off. Anything else is an error."""

    widget = OnOffInput
    values = {"true": True, "on": True, "false": False}

    def to_python(self, value):
        if value in (None, ""):
            return False
        if isinstance(value, bool):
            return value
        if value not in self.values:
            raise forms.ValidationError("Choose true or false", code="invalid")
        return self.values[value]


class NamedChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """A model choice field's options as (slug, name) pairs read as values, in the
    queryset's order: building a component instance for each of the component select's
    56 options cost 2 ms of the offering list."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        yield from self.queryset.values_list(self.field.to_field_name, "name")


class NamedChoiceField(django_filters.fields.ModelChoiceField):
    """A choice of rows that show as their name (__str__) and are sent as to_field_name."""

    iterator = NamedChoiceIterator


class NamedChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = NamedChoiceField


class CheckboxFilter(django_filters.BooleanFilter):
    """A filter that is on or off. Off filters nothing; the method, if any, applies it."""

    field_class = OnOffField


def keep(queryset, name, value):
    """For a parameter another filter or the ordering reads, not a filter by itself."""
    return queryset


class ListFilterSet(django_filters.FilterSet):
    """A list's filters, then the words of `q` (a form field, not a filter: the site's
    search ranks the matches), then the order.

    Search-ranked ordering does not fit django-filter's one-filter-at-a-time model, so
    `sort` is a choice the FilterSet validates and filter_queryset applies last, after the
    search: SORTS maps each value to (order_by, label), default_sort names the one used
    when none is chosen; a list with a fixed order sets fixed_order instead.
    """

    SORTS: dict[str, tuple[str | tuple, str]] = {}
    default_sort = ""
    fixed_order: tuple[str, ...] = ()
    # The secondary key that makes every order stable for pagination.
    tie_breaker = "name"
    # With a query, rank by relevance unless the list has a fixed or chosen order.
    order_by_relevance = True
    # The filters the JSON API takes (catalogue.api.query_schema documents them). Filters
    # that only make sense together with another (price from and up to, verified only
    # beside a standard) stay on the pages.
    api_filters: tuple[str, ...] = ()

    class Meta:
        form = ListFilterForm

    @classmethod
    def sort_filter(cls, sorts: dict) -> django_filters.ChoiceFilter:
        return django_filters.ChoiceFilter(
            choices=[(key, label) for key, (_, label) in sorts.items()],
            method=keep,
            label="Sort by",
            empty_label=None,
            required=False,
        )

    def ordered(self, queryset):
        if self.fixed_order:
            return queryset.order_by(*self.fixed_order)
        sort = self.form.cleaned_data.get("sort") or self.default_sort
        order = self.SORTS[sort][0]
        return queryset.order_by(
            *(order if isinstance(order, tuple) else (order,)), self.tie_breaker
        )

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        for name, declared in self.filters.items():
            queryset = declared.filter(queryset, data.get(name))
        by_relevance = self.order_by_relevance and not self.fixed_order and not data.get("sort")
        return self.form.search(queryset, ordered=self.ordered, by_relevance=by_relevance)


BEST_RATED = (selectors.best_rated_order(), "Best rated by councils")


class RatingFilters:
    """The rating filters of a list whose queryset carries selectors.with_ratings:
    "rated 4 or more" and "councils like mine", which counts only reviews by councils of
    the same type as the visitor's chosen council (catalogue.cost_choice) in the figures
    the rating filter and the best-rated sort read. Declare both filters with
    rated_highly_filter() and like_mine_filter(), like_mine first, and say which reviews
    count (rating_reviews, rating_field).

    Without a chosen council the page offers a link to choose one instead of the
    checkbox; sent anyway, like_mine is a form error (and the list unfiltered)."""

    rating_field = ""

    def rating_reviews(self):
        raise NotImplementedError

    @staticmethod
    def rated_highly_filter():
        return CheckboxFilter(label="Rated 4 or more by councils", method="by_rated_highly")

    @staticmethod
    def like_mine_filter():
        return CheckboxFilter(
            label="Count only reviews by councils like mine",
            method="by_councils_like_mine",
        )

    @property
    def council_type(self):
        """The chosen council's type, or None (one query, none without a council)."""
        if not hasattr(self, "_council_type"):
            request = getattr(self, "request", None)
            slug = assumptions_from_request(request).council_slug if request else ""
            self._council_type = selectors.council_type_of(slug)
        return self._council_type

    @property
    def form(self):
        form = super().form
        if "ratings_council_type" not in vars(form):
            form.ratings_council_type = self.council_type
            if self.council_type is not None and "like_mine" in form.fields:
                form.fields["like_mine"].label = (
                    f"Count only reviews by {self.council_type.plural_name_in_sentence}, "
                    "like my council"
                )
        return form

    @property
    def ratings_like_mine(self):
        """The council type whose reviews alone the list's ratings count, or None."""
        if self.form.is_valid() and self.form.cleaned_data.get("like_mine"):
            return self.council_type
        return None

    def by_councils_like_mine(self, queryset, name, value):
        if not value or self.council_type is None:
            return queryset
        return selectors.with_ratings(
            queryset,
            self.rating_reviews(),
            field=self.rating_field,
            council_type=self.council_type,
        )

    def by_rated_highly(self, queryset, name, value):
        if not value:
            return queryset
        # A float, not a Decimal: SQLite compares a Decimal parameter as text.
        return queryset.filter(rating_average__gte=Value(float(selectors.RATED_HIGHLY)))


class ComponentFilterSet(ListFilterSet):
    # The list is grouped by category, so it keeps that order.
    fixed_order = ("category", "name")
    order_by_relevance = False
    api_filters = ("category",)

    category = django_filters.ChoiceFilter(
        choices=Component.Category.choices,
        empty_label="Any category",
        label="Capability category",
    )


class StandardFilterSet(ListFilterSet):
    """The standards list has no filters (its page has no filter form): the API's list
    takes pagination only."""

    fixed_order = ("name",)


class SupplierFilterSet(ListFilterSet):
    fixed_order = ("name",)
    api_filters = ("sme",)

    sme = django_filters.ChoiceFilter(
        choices=SME_CHOICES, empty_label="Any size", label="Supplier size", method="by_size"
    )

    def by_size(self, queryset, name, value):
        return queryset.filter(is_sme=value == "yes")


class CouncilFilterSet(ListFilterSet):
    fixed_order = ("name",)
    api_filters = ("council_type", "region")

    council_type = django_filters.ModelChoiceFilter(
        queryset=CouncilType.objects.all(),
        to_field_name="code",
        empty_label="Any type",
        label="Council type",
    )
    region = django_filters.ChoiceFilter(
        choices=[(region, region) for region in REGIONS], empty_label="Any region", label="Region"
    )


class OfferingFilterSet(RatingFilters, ListFilterSet):
    SORTS = {
        "name": ("name", "Name (A to Z)"),
        "price": ("price", "Price (lowest first)"),
        "-price": ("-price", "Price (highest first)"),
        "newest": ("-created_at", "Newest"),
        "rating": BEST_RATED,
    }
    default_sort = "name"
    api_filters = ("component", "hosting", "open_source", "rated_highly")
    rating_field = "offering"

    # The choices need a name to show and a slug to send, not whole rows.
    component = NamedChoiceFilter(
        field_name="components",
        queryset=Component.objects.only("name", "slug"),
        to_field_name="slug",
        empty_label="Any component",
        label="Component",
    )
    standard = NamedChoiceFilter(
        queryset=Standard.objects.only("name", "slug"),
        to_field_name="slug",
        empty_label="Any standard",
        label="Conforms to",
        method="by_standard",
    )
    verified_only = CheckboxFilter(
        label="Only conformance verified by an editor",
        help_text="To the standard chosen above, or to any standard.",
        method="by_verified",
    )
    hosting = django_filters.ChoiceFilter(
        choices=Offering.Hosting.choices, empty_label="Any hosting", label="Hosting"
    )
    pricing_unit = django_filters.ChoiceFilter(
        choices=Offering.PricingUnit.choices, empty_label="Any pricing", label="Priced"
    )
    price_min = django_filters.NumberFilter(
        label="Price from (£)",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        method="by_price_from",
    )
    price_max = django_filters.NumberFilter(
        field_name="price",
        lookup_expr="lte",
        label="Price up to (£)",
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )
    sme = django_filters.ChoiceFilter(
        choices=SME_CHOICES, empty_label="Any size", label="Supplier size", method="by_size"
    )
    open_source = CheckboxFilter(label="Open source only", method="by_open_source")
    like_mine = RatingFilters.like_mine_filter()
    rated_highly = RatingFilters.rated_highly_filter()
    sort = ListFilterSet.sort_filter(SORTS)

    class Meta:
        form = OfferingFilterForm

    def rating_reviews(self):
        return uses().offering_reviews()

    def by_standard(self, queryset, name, standard):
        claims = ConformanceClaim.objects.filter(standard=standard)
        if self.form.cleaned_data.get("verified_only"):
            claims = claims.filter(verified_at__isnull=False)
        return queryset.filter(pk__in=claims.values("offering_id"))

    def by_verified(self, queryset, name, verified_only):
        # "Verified only" stands alone too (verified to any standard), so removing the
        # standard's filter tag leaves a list, never an error; with a standard,
        # by_standard narrows the claims instead.
        if not verified_only or self.form.cleaned_data.get("standard"):
            return queryset
        claims = ConformanceClaim.objects.filter(verified_at__isnull=False)
        return queryset.filter(pk__in=claims.values("offering_id"))

    def by_price_from(self, queryset, name, low):
        # A ranged price qualifies if any part of its range reaches the minimum.
        return queryset.filter(Q(price__gte=low) | Q(price_max__gte=low))

    def by_size(self, queryset, name, value):
        return queryset.filter(supplier__is_sme=value == "yes")

    def by_open_source(self, queryset, name, value):
        return queryset.exclude(open_source_licence="") if value else queryset
