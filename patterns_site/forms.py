"""The site search form: validates every parameter before a query runs."""

from django import forms

from .search import MAX_PAGES, MAX_QUERY_LENGTH, SEARCH_TYPES, normalise_query


class SearchForm(forms.Form):
    SORTS = [("relevance", "Relevance"), ("newest", "Newest"), ("adopted", "Most adopted")]

    q = forms.CharField(
        label="Search recipes, components, standards, products, suppliers and councils",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": f"Search for {MAX_QUERY_LENGTH} characters or fewer"},
    )
    type = forms.ChoiceField(
        choices=[("", "Everything"), *[(t.key, t.label) for t in SEARCH_TYPES]], required=False
    )
    sort = forms.ChoiceField(choices=SORTS, required=False, label="Sort by")
    page = forms.IntegerField(
        min_value=1,
        max_value=MAX_PAGES,
        required=False,
        error_messages={"max_value": f"Results stop at page {MAX_PAGES}: narrow your search"},
    )

    def clean_q(self):
        return normalise_query(self.cleaned_data.get("q") or "")
