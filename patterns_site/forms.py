"""The site search form: validates every parameter before a query runs."""

from django import forms

from .search import MAX_QUERY_LENGTH, SEARCH_TYPES, facet_names, normalise_query

# A page number beyond any catalogue: larger numbers are refused before they reach SQL.
HIGHEST_PAGE_NUMBER = 100_000


class SearchForm(forms.Form):
    SORTS = [("relevance", "Relevance"), ("newest", "Newest"), ("adopted", "Most adopted")]

    q = forms.CharField(
        label="Search recipes, components, standards, products, suppliers and councils",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": f"Search for {MAX_QUERY_LENGTH} characters or fewer"},
    )
    type = forms.ChoiceField(
        label="Type",
        choices=[("", "Everything"), *[(t.key, t.label) for t in SEARCH_TYPES]],
        required=False,
    )
    service_area = forms.MultipleChoiceField(label="Service area", required=False)
    council_type = forms.MultipleChoiceField(label="Council type", required=False)
    sort = forms.ChoiceField(choices=SORTS, required=False, label="Sort by")
    # Set by the "Search instead for ..." link: search for the words as typed.
    exact = forms.BooleanField(required=False)
    page = forms.IntegerField(
        min_value=1,
        max_value=HIGHEST_PAGE_NUMBER,
        required=False,
        error_messages={"max_value": "Enter a page number that is in the results"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = facet_names()
        self.fields["service_area"].choices = sorted(
            names["areas"].items(), key=lambda item: item[1]
        )
        self.fields["council_type"].choices = sorted(
            names["types"].items(), key=lambda item: names["order"][item[0]]
        )

    def clean_q(self):
        return normalise_query(self.cleaned_data.get("q") or "")
