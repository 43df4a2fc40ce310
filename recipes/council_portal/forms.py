"""Council portal forms: a council's adoption of a recipe, with its outcomes. Like the
supplier portal's, they keep what was typed when invalid and list errors for the GOV.UK
error summary."""

from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from modelcluster.forms import ClusterForm

from catalogue.models import Component, Offering
from catalogue.portal.forms import TextLimitsMixin
from foundations.forms import ErrorSummaryMixin, anchor

from ..blocks import OUTCOME_UNIT_CHOICES
from ..models import Adoption, AdoptionOutcome, RecipePage, Review

DATE_HINT = "For example, 2025-04-01"
DATE_ERROR = "must be a real date, like 2025-04-01"


class RecipeChoiceForm(ErrorSummaryMixin, forms.Form):
    """The first step of recording an adoption: which recipe."""

    recipe = forms.ModelChoiceField(
        label="Which recipe does your council cook?",
        queryset=RecipePage.objects.none(),
        empty_label="Choose a recipe",
        error_messages={
            "required": "Choose the recipe your council cooks",
            "invalid_choice": "Choose a recipe from the list",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipe"].queryset = RecipePage.objects.live().order_by("title")
        self.fields["recipe"].label_from_instance = lambda page: page.title


class PantryComponentForm(ErrorSummaryMixin, forms.Form):
    """Add a component to "What we already run"."""

    component = forms.ModelChoiceField(
        label="A component your council already runs",
        queryset=Component.objects.order_by("name"),
        empty_label="Choose a component",
        error_messages={
            "required": "Choose a component",
            "invalid_choice": "Choose a component from the list",
        },
    )


class PantryOfferingSearchForm(forms.Form):
    """Find a published product to add, by name (GET, so it works without JavaScript)."""

    q = forms.CharField(label="Find a product by name", max_length=100, required=False)


class PantryOfferingForm(ErrorSummaryMixin, forms.Form):
    """Add a published product, chosen from the search results, to "What we already run"."""

    offering = forms.ModelChoiceField(
        queryset=Offering.objects.public(),
        error_messages={
            "required": "Choose a product",
            "invalid_choice": "Choose a published product",
        },
    )


class OutcomeForm(TextLimitsMixin, forms.ModelForm):
    class Meta:
        model = AdoptionOutcome
        fields = ["metric", "value", "baseline", "unit", "measured_on", "source", "source_url"]
        labels = {
            "metric": "What you measured",
            "value": "Figure",
            "baseline": "Figure before (optional)",
            "unit": "Unit",
            "measured_on": "Date measured",
            "source": "Source",
            "source_url": "Source URL (optional)",
        }
        help_texts = {
            "metric": "Use the recipe's wording, like 'Reports made online'.",
            "measured_on": DATE_HINT,
            "source": "Where the figure comes from, like 'Service dashboard, April 2025'.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "Choose a unit"), *OUTCOME_UNIT_CHOICES]
        # A figure without a date and a source is not evidence.
        self.fields["measured_on"].required = True
        self.fields["source"].required = True
        messages = {
            "metric": {"required": "Enter what you measured"},
            "value": {"required": "Enter the figure", "invalid": "Figure must be a number"},
            "baseline": {"invalid": "Figure before must be a number"},
            "unit": {"required": "Choose a unit"},
            "measured_on": {
                "required": "Enter the date you measured it",
                "invalid": f"Date measured {DATE_ERROR}",
            },
            "source": {"required": "Enter where the figure comes from"},
            "source_url": {"invalid": "Enter the source URL in the correct format"},
        }
        for name, errors in messages.items():
            self.fields[name].error_messages.update(errors)


# How many of the products providing a recipe's components the adoption form lists, and
# how many a search for another adds.
OFFERINGS_SHOWN = 25
OFFERINGS_FOUND = 25


class ShownChoiceIterator(ModelChoiceIterator):
    """The checkboxes of a choice field listing only its `shown` queryset, while any object
    of its queryset validates."""

    def __init__(self, field):
        super().__init__(field)
        self.queryset = field.shown


class OfferingFindForm(ErrorSummaryMixin, forms.Form):
    """The adoption form's GET search for a product it does not list."""

    find = forms.CharField(
        label="Find another offering",
        help_text="By name or G-Cloud service ID, among the products that provide the "
        "recipe's components.",
        required=False,
        max_length=100,
        error_messages={"max_length": "Search for 100 characters or fewer"},
    )

    def clean_find(self):
        text = self.cleaned_data.get("find") or ""
        return " ".join("".join(ch for ch in text if ch.isprintable()).split())


class AdoptionForm(TextLimitsMixin, ErrorSummaryMixin, ClusterForm):
    """A council's adoption of one recipe: the components and offerings are those the
    recipe needs, so the choice stays short."""

    class Meta:
        model = Adoption
        fields = ["status", "live_since", "components_used", "offerings_used", "notes"]
        formsets = {
            "outcomes": {
                "form": OutcomeForm,
                "fields": OutcomeForm.Meta.fields,
                "extra": 2,
            }
        }
        widgets = {
            "status": forms.RadioSelect,
            "components_used": forms.CheckboxSelectMultiple,
            "offerings_used": forms.CheckboxSelectMultiple,
        }
        labels = {
            "status": "Where is your council with it?",
            "live_since": "Launch date (optional)",
            "components_used": "Components you use (optional)",
            "offerings_used": "Products you use (optional)",
            "notes": "Notes for other councils (optional)",
        }
        help_texts = {
            "live_since": f"When it went live. {DATE_HINT}",
            "components_used": "Of the components the recipe needs.",
            "offerings_used": "Published products that provide those components.",
            "notes": "What you did differently, what you learnt. Markdown.",
        }
        error_messages = {
            "status": {"required": "Select where your council is with it"},
            "live_since": {"invalid": f"Launch date {DATE_ERROR}"},
        }

    def __init__(self, *args, recipe: RecipePage, find: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = Adoption.Status.choices
        component_ids = recipe.ingredient_ids("component")
        self.fields["components_used"].queryset = Component.objects.filter(
            pk__in=component_ids
        ).order_by("name")
        self._offering_choices(component_ids, find)
        self.fields["notes"].widget = forms.Textarea(attrs={"rows": 4})

    def _offering_choices(self, component_ids, find: str):
        """Any published product providing the recipe's components is a valid choice (and
        any already chosen), but at marketplace scale a component has thousands: the
        checkboxes show the first OFFERINGS_SHOWN by name, those chosen, and up to
        OFFERINGS_FOUND that `find` matches by name or G-Cloud service ID."""
        providing = Offering.components.through.objects.filter(
            component_id__in=component_ids
        ).values("offering_id")
        recorded, sent = self._chosen_offering_ids()
        field = self.fields["offerings_used"]
        field.queryset = (
            Offering.objects.public()
            .filter(Q(pk__in=providing) | Q(pk__in=recorded))
            .select_related("supplier")
            .order_by("name")
        )
        first = field.queryset.filter(pk__in=providing).values("pk")[:OFFERINGS_SHOWN]
        shown = Q(pk__in=first) | Q(pk__in=recorded + sent)
        self.offerings_found = None
        if find:
            found = list(
                field.queryset.filter(Q(name__icontains=find) | Q(gcloud_service_id__iexact=find))
                .order_by("name")
                .values_list("pk", flat=True)[:OFFERINGS_FOUND]
            )
            self.offerings_found = len(found)
            shown |= Q(pk__in=found)
        field.shown = field.queryset.filter(shown)
        field.iterator = ShownChoiceIterator
        field.widget.choices = field.choices
        field.label_from_instance = _offering_label
        self.offerings_providing = Offering.objects.public().filter(pk__in=providing).count()
        self.offerings_shown_first = OFFERINGS_SHOWN
        self.offerings_chosen = bool(recorded)

    def _chosen_offering_ids(self) -> tuple[list[int], list[int]]:
        """The offerings the adoption records (still valid choices when changed), and the
        ids sent (listed again when the form comes back with errors, if valid); anything
        not an id is left to validation."""

        def ids(values):
            values = {getattr(value, "pk", value) for value in values}
            return sorted({int(v) for v in values if str(v).isdigit() and len(str(v)) < 12})

        name = self.add_prefix("offerings_used")
        sent = self.data.getlist(name) if hasattr(self.data, "getlist") else []
        return ids(self.initial.get("offerings_used") or []), ids(sent)

    def clean(self):
        data = super().clean()
        if data.get("live_since") and data.get("status") not in {
            Adoption.Status.LIVE,
            Adoption.Status.RETIRED,
        }:
            self.add_error("live_since", "Only a live or retired adoption has a launch date")
        return data

    def _post_clean(self):
        # The model's clean() says the same as clean() above; keep one message.
        super()._post_clean()
        errors = self._errors.get("live_since")
        if errors:
            self._errors["live_since"] = self.error_class(list(dict.fromkeys(errors)))

    def error_summary(self):
        items = super().error_summary()
        for number, form in enumerate(self.formsets["outcomes"].forms, start=1):
            for name, errors in form.errors.items():
                for error in errors:
                    target = f"#{anchor(form[name])}" if name != "__all__" else ""
                    items.append((target, f"Outcome {number}: {error}"))
        return items


def _offering_label(offering: Offering) -> str:
    return f"{offering.name} ({offering.supplier.name})"


class ReviewForm(TextLimitsMixin, ErrorSummaryMixin, forms.ModelForm):
    """A council's review: a rating and what worked and what did not."""

    class Meta:
        model = Review
        fields = ["rating", "worked", "did_not_work"]
        widgets = {
            "rating": forms.RadioSelect,
            "worked": forms.Textarea(attrs={"rows": 5}),
            "did_not_work": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {
            "rating": "How well did it work for your council?",
            "worked": "What worked",
            "did_not_work": "What did not work (optional)",
        }
        help_texts = {"worked": "Markdown. Other councils read this.", "did_not_work": "Markdown."}
        error_messages = {
            "rating": {"required": "Select a rating from 1 to 5"},
            "worked": {"required": "Enter what worked"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"] = forms.TypedChoiceField(
            label=self._meta.labels["rating"],
            choices=RATING_CHOICES,
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={
                "required": "Select a rating from 1 to 5",
                "invalid_choice": "Select a rating from 1 to 5",
            },
        )


RATING_CHOICES = [
    (5, "5: very well"),
    (4, "4: well"),
    (3, "3: partly"),
    (2, "2: badly"),
    (1, "1: not at all"),
]


class ReplyForm(TextLimitsMixin, ErrorSummaryMixin, forms.Form):
    reply = forms.CharField(
        label="Your organisation's public reply",
        help_text="You can reply once. Markdown.",
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter your reply"},
    )


class ReportForm(TextLimitsMixin, ErrorSummaryMixin, forms.Form):
    reason = forms.CharField(
        label="What is wrong with this review?",
        help_text="For example, it is abusive, untrue or not about the product. An editor "
        "reads it.",
        max_length=1_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what is wrong with the review"},
    )
