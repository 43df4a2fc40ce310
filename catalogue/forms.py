"""The form behind every list page's filters: the search box, the GOV.UK error summary
and the "selected filters" tags. The filters themselves are declared once in each app's
filters.py (django-filter), which builds its form on ListFilterForm; the form validates
every GET parameter before the database is touched, so an unknown value is an error
shown to the user, never an exception, and a filtered list can be bookmarked and shared."""

from django import forms
from wagtail.search.backends import get_search_backend

MAX_QUERY_LENGTH = 200


class ListFilterForm(forms.Form):
    """A list page's search query, with the search that combines it with the filters.

    The FilterSet (catalogue.filters.ListFilterSet) adds a field per filter, applies
    them, then calls search() with its order, so filters and words combine.
    """

    q = forms.CharField(
        label="Search within results",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": f"Search for {MAX_QUERY_LENGTH} characters or fewer"},
    )

    # Fields that are not filters, so get no "remove" tag.
    not_filters = ("sort",)

    # The visitor's chosen council's type, set by catalogue.filters.RatingFilters. (Not
    # "council_type": templates read form.x as form["x"] first, and a list may have a
    # council_type field.)
    ratings_council_type = None

    def clean(self):
        data = super().clean()
        if data.get("like_mine") and self.ratings_council_type is None:
            self.add_error(
                "like_mine", "Choose your council to count only reviews by councils like yours"
            )
        return data

    def clean_q(self):
        text = self.cleaned_data.get("q") or ""
        return " ".join("".join(ch for ch in text if ch.isprintable()).split())

    def search(self, queryset, *, ordered, by_relevance):
        """The filtered queryset narrowed to what q matches, ranked by relevance when
        by_relevance is set and otherwise in the list's order (`ordered(queryset)`)."""
        data = self.cleaned_data
        if not data.get("q"):
            return ordered(queryset)
        # Every configured backend (patterns_site.search_backend) combines a search with
        # any queryset: filters, the joins the page needs, and the order.
        return get_search_backend().search_queryset(
            data["q"], queryset, ordered=ordered, by_relevance=by_relevance
        )

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


class OfferingFilterForm(ListFilterForm):
    """The offering list's checks across filters, and prices shown in pounds."""

    def clean(self):
        data = super().clean()
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", "Price up to must be the same as or more than price from")
        return data

    def selected_filters(self, query_dict):
        tags = super().selected_filters(query_dict)
        return [
            (text.replace(": ", ": £", 1) if text.startswith("Price") else text, url)
            for text, url in tags
        ]
