"""Council portal forms: a council's adoption of a recipe, with its outcomes. Like the
supplier portal's, they keep what was typed when invalid and list errors for the GOV.UK
error summary."""

import html
import re
from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.db.models.functions import Lower
from django.forms.models import ModelChoiceIterator
from django.forms.utils import ErrorDict
from django.http import QueryDict
from modelcluster.forms import ClusterForm

from catalogue.models import Component, CouncilType, Offering, Standard
from catalogue.portal.forms import TextLimitsMixin
from foundations.forms import ErrorSummaryMixin, anchor, field_error_summary

from ..blocks import COUNCIL_TYPE_CHOICES, OUTCOME_UNIT_CHOICES
from ..models import Adoption, AdoptionOutcome, RecipePage, RecipeProposal, Review
from ..services import PROPOSAL_COST_FIELDS

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


# Proposing a recipe: one page in sections, each repeated section a formset whose rows
# grow by re-rendering ("Add another step" posts the form back), so it works without
# JavaScript. Components are typed by name or slug (the catalogue may hold thousands)
# or found with the form's own search and picked; the form keeps everything typed.

PROPOSAL_MARKDOWN_HINT = "Markdown: a blank line starts a paragraph, * starts a bullet."


def _proposal_messages(form, messages: dict) -> None:
    for name, errors in messages.items():
        form.fields[name].error_messages.update(errors)


def _page_field(name, **kwargs):
    """A form field with the recipe page's own limits."""
    return RecipePage._meta.get_field(name).formfield(**kwargs)


class ProposalDetailsForm(TextLimitsMixin, forms.Form):
    """What the recipe is, who it is for and what it costs."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label="What are you sharing?",
        choices=RecipeProposal.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether it is a new recipe or a variation"},
    )
    based_on = forms.ModelChoiceField(
        label="Which recipe does it vary? (for a variation)",
        queryset=RecipePage.objects.none(),
        required=False,
        empty_label="Choose a recipe",
        error_messages={"invalid_choice": "Choose a recipe from the list"},
    )
    difference = forms.CharField(
        label="What your council changed (for a variation)",
        help_text=f"How and why you cook it differently. {PROPOSAL_MARKDOWN_HINT}",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    title = forms.CharField(
        label="Recipe title",
        help_text="What the service lets people do, like 'Book a bulky waste collection'.",
        max_length=150,
        error_messages={"required": "Enter the recipe title"},
    )
    summary = _page_field(
        "summary",
        label="Summary",
        help_text="One or two sentences for lists.",
        error_messages={"required": "Enter a summary"},
    )
    problem = forms.CharField(
        label="The problem it solves",
        help_text=PROPOSAL_MARKDOWN_HINT,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the problem it solves"},
    )
    when_to_use = forms.CharField(
        label="When to use it",
        help_text=PROPOSAL_MARKDOWN_HINT,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter when to use it"},
    )
    when_not_to_use = forms.CharField(
        label="When not to use it (optional)",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    serves = forms.ModelMultipleChoiceField(
        label="Councils it suits (optional)",
        queryset=CouncilType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    setup_cost_min = _page_field("setup_cost_min", label="One-off set-up cost, from")
    setup_cost_max = _page_field("setup_cost_max", label="One-off set-up cost, to")
    yearly_cost_min = _page_field("yearly_cost_min", label="Yearly running cost, from")
    yearly_cost_max = _page_field("yearly_cost_max", label="Yearly running cost, to")
    staff_effort_days = _page_field("staff_effort_days", label="Staff effort in days")
    weeks_to_launch = _page_field("weeks_to_launch", label="Weeks to launch")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["based_on"].queryset = RecipePage.objects.live().order_by("title")
        self.fields["based_on"].label_from_instance = lambda page: page.title
        self.fields["serves"].queryset = CouncilType.objects.order_by("sort_order", "name")
        self.fields["serves"].label_from_instance = lambda council_type: council_type.name
        for name in ProposalDetailsForm.COSTS:
            field = self.fields[name]
            field.required = True
            field.widget = forms.TextInput()
            label = str(field.label)
            field.error_messages.update(
                {
                    "required": f"Enter the {label.lower()}, or 0",
                    "invalid": f"{label} must be a number",
                    "min_value": f"{label} must be 0 or more",
                    "max_value": f"{label} is too large",
                    "max_digits": f"{label} is too large",
                    "max_decimal_places": f"{label} must have no more than "
                    f"{getattr(field, 'decimal_places', 0) or 0} decimal places",
                    "max_whole_digits": f"{label} is too large",
                }
            )

    COSTS = PROPOSAL_COST_FIELDS

    def clean(self):
        data = super().clean()
        if data.get("kind") == RecipeProposal.Kind.VARIATION:
            if not data.get("based_on") and "based_on" not in self.errors:
                self.add_error("based_on", "Choose the recipe your variation adapts")
            if not (data.get("difference") or "").strip() and "difference" not in self.errors:
                self.add_error("difference", "Enter what your council changed")
        for low, high in (
            ("setup_cost_min", "setup_cost_max"),
            ("yearly_cost_min", "yearly_cost_max"),
        ):
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                label = str(self.fields[high].label)
                self.add_error(high, f"{label} must be the same as or more than 'from'")
        return data


class ComponentRowForm(TextLimitsMixin, forms.Form):
    component = forms.CharField(
        label="Component name or slug",
        max_length=200,
        error_messages={"required": "Enter the component's name or slug"},
    )
    why = forms.CharField(
        label="Why the service needs it",
        max_length=500,
        error_messages={"required": "Enter why the service needs it"},
    )


class StandardRowForm(TextLimitsMixin, forms.Form):
    standard = forms.ModelChoiceField(
        label="Standard",
        queryset=None,
        empty_label="Choose a standard",
        error_messages={
            "required": "Choose a standard",
            "invalid_choice": "Choose a standard from the list",
        },
    )
    why = forms.CharField(
        label="What the service must speak or meet, and why",
        max_length=500,
        error_messages={"required": "Enter why the service needs it"},
    )

    def __init__(self, *args, standards=(), **kwargs):
        super().__init__(*args, **kwargs)
        # One list for every row, read once (see RecipeProposalForm).
        field = self.fields["standard"]
        field.queryset = Standard.objects.all()
        field.choices = [("", "Choose a standard"), *standards]


class PeopleRowForm(TextLimitsMixin, forms.Form):
    role = forms.CharField(
        label="Role", max_length=100, error_messages={"required": "Enter the role"}
    )
    days = forms.DecimalField(
        label="Days of effort",
        min_value=0,
        max_digits=6,
        decimal_places=1,
        widget=forms.TextInput,
        error_messages={
            "required": "Enter the days of effort",
            "invalid": "Days of effort must be a number",
            "min_value": "Days of effort must be 0 or more",
            "max_digits": "Days of effort is too large",
            "max_whole_digits": "Days of effort is too large",
            "max_decimal_places": "Days of effort must have no more than 1 decimal place",
        },
    )
    notes = forms.CharField(label="Notes (optional)", max_length=300, required=False)


class StepRowForm(TextLimitsMixin, forms.Form):
    title = forms.CharField(
        label="Step title", max_length=150, error_messages={"required": "Enter the step's title"}
    )
    body = forms.CharField(
        label="What to do",
        help_text=PROPOSAL_MARKDOWN_HINT,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what to do in this step"},
    )


class UserNeedRowForm(TextLimitsMixin, forms.Form):
    as_a = forms.CharField(label="As a", max_length=150, error_messages={"required": "Enter who"})
    i_need = forms.CharField(
        label="I need", max_length=300, error_messages={"required": "Enter what they need"}
    )
    so_that = forms.CharField(
        label="So that", max_length=300, error_messages={"required": "Enter why they need it"}
    )


class OutcomeRowForm(TextLimitsMixin, forms.Form):
    metric = forms.CharField(
        label="What it changes",
        help_text="Like 'Reports made online'.",
        max_length=150,
        error_messages={"required": "Enter what it changes"},
    )
    value = forms.DecimalField(
        label="Figure",
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput,
        error_messages={"required": "Enter the figure", "invalid": "Figure must be a number"},
    )
    baseline = forms.DecimalField(
        label="Figure before (optional)",
        required=False,
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput,
        error_messages={"invalid": "Figure before must be a number"},
    )
    unit = forms.ChoiceField(
        label="Unit",
        choices=[("", "Choose a unit"), *OUTCOME_UNIT_CHOICES],
        error_messages={"required": "Choose a unit", "invalid_choice": "Choose a unit"},
    )
    source = forms.CharField(
        label="Where the figure comes from",
        max_length=300,
        error_messages={"required": "Enter where the figure comes from"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("value", "baseline"):
            label = str(self.fields[name].label).removesuffix(" (optional)")
            self.fields[name].error_messages.update(
                {
                    "max_digits": f"{label} is too large",
                    "max_whole_digits": f"{label} is too large",
                    "max_decimal_places": f"{label} must have no more than 2 decimal places",
                }
            )


class VariationRowForm(TextLimitsMixin, forms.Form):
    council_type = forms.ChoiceField(
        label="Councils of this type",
        choices=[("", "Choose a council type"), *COUNCIL_TYPE_CHOICES],
        error_messages={
            "required": "Choose a council type",
            "invalid_choice": "Choose a council type",
        },
    )
    title = forms.CharField(
        label="Variation title", max_length=150, error_messages={"required": "Enter a title"}
    )
    body = forms.CharField(
        label="How they adapt it",
        help_text=PROPOSAL_MARKDOWN_HINT,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter how they adapt it"},
    )


@dataclass(frozen=True)
class ProposalSection:
    """One repeated part of the proposal form: its formset prefix, the row form, the
    most rows it takes, the rows an empty form shows, and the words the page uses."""

    prefix: str
    form: type
    max_rows: int
    start_rows: int
    heading: str
    row_label: str
    add_label: str
    required: bool = False
    hint: str = ""


PROPOSAL_SECTIONS = (
    ProposalSection(
        "needs", UserNeedRowForm, 6, 1, "User needs (optional)", "User need",
        "Add another user need",
    ),
    ProposalSection(
        "components", ComponentRowForm, 12, 3, "Components it needs", "Component",
        "Add another component", required=True,
        hint="The common components the service is built from. "
        "Type the name or slug of one in the component list, or find one below and add it.",
    ),
    ProposalSection(
        "standards", StandardRowForm, 8, 1, "Standards it must meet (optional)", "Standard",
        "Add another standard",
    ),
    ProposalSection(
        "people", PeopleRowForm, 6, 1, "People (optional)", "Role", "Add another role",
        hint="The roles on the team and the days of effort each takes.",
    ),
    ProposalSection(
        "steps", StepRowForm, 12, 3, "Method", "Step", "Add another step", required=True,
        hint="The steps to build or run the service, in order.",
    ),
    ProposalSection(
        "outcomes", OutcomeRowForm, 6, 1, "Outcomes it targets (optional)", "Outcome",
        "Add another outcome",
    ),
    ProposalSection(
        "variations", VariationRowForm, 4, 1, "Variations for other councils (optional)",
        "Variation", "Add another variation",
        hint="How councils of another type would adapt it.",
    ),
)  # fmt: skip
SECTIONS_BY_PREFIX = {section.prefix: section for section in PROPOSAL_SECTIONS}


class RecipeProposalForm(ErrorSummaryMixin):
    """The whole proposal: the details form and one formset per section, validated
    together, with one error summary for all of them. content() is what
    recipes.services.recipe_propose takes."""

    def __init__(self, data=None, *, initial=None):
        self.data = data
        self.is_bound = data is not None
        self.details = ProposalDetailsForm(data, initial=initial)
        standards = [(standard.pk, standard.name) for standard in Standard.objects.order_by("name")]
        self.sections = []
        for section in PROPOSAL_SECTIONS:
            formset_class = forms.formset_factory(
                section.form,
                extra=section.start_rows,
                max_num=section.max_rows,
                absolute_max=section.max_rows,
                validate_max=True,
            )
            kwargs = (
                {"form_kwargs": {"standards": standards}} if section.prefix == "standards" else {}
            )
            self.sections.append((section, formset_class(data, prefix=section.prefix, **kwargs)))
        self._components = {}

    def errors_hidden(self) -> None:
        """Show what was typed without judging it, for a page that only adds a row or
        finds a component: half-written rows are not mistakes yet. Django cleans a bound
        form when its errors are first read; an empty error dict stands in for that."""
        for form in (self.details, *(row for _s, formset in self.sections for row in formset)):
            form._errors = ErrorDict()

    def formset(self, prefix):
        return next(formset for section, formset in self.sections if section.prefix == prefix)

    def is_valid(self) -> bool:
        valid = self.details.is_valid()
        for _section, formset in self.sections:
            valid = formset.is_valid() and valid
        valid = self._components_valid() and valid
        valid = self._required_sections_valid() and valid
        return valid

    def _filled(self, formset):
        return [form for form in formset.forms if form.has_changed() and form.is_valid()]

    def _components_valid(self) -> bool:
        """Every typed component is in the catalogue, found by slug or name in one query."""
        formset = self.formset("components")
        typed = {form.cleaned_data["component"].strip().lower() for form in self._filled(formset)}
        if not typed:
            return True
        found = Component.objects.annotate(lower_name=Lower("name")).filter(
            Q(slug__in=typed) | Q(lower_name__in=typed)
        )
        for component in found:
            self._components[component.slug] = component
            self._components[component.lower_name] = component
        valid = True
        for form in self._filled(formset):
            typed_value = form.cleaned_data["component"].strip()
            if typed_value.lower() not in self._components:
                form.add_error(
                    "component",
                    f"There is no component called ‘{typed_value[:100]}’. Enter a name or "
                    "slug from the component list, or find it below",
                )
                valid = False
        return valid

    def _required_sections_valid(self) -> bool:
        valid = True
        for section, formset in self.sections:
            if not section.required or not formset.forms:
                continue
            if not any(form.has_changed() for form in formset.forms):
                first = formset.forms[0]
                field = next(iter(first.fields))
                first.add_error(field, f"Add at least one {section.row_label.lower()}")
                valid = False
        return valid

    def error_summary(self):
        items = field_error_summary(self.details)
        for section, formset in self.sections:
            for error in formset.non_form_errors():
                items.append(("", f"{section.heading}: {error}"))
            for number, form in enumerate(formset.forms, start=1):
                for name, errors in form.errors.items():
                    for error in errors:
                        target = f"#{anchor(form[name])}" if name in form.fields else ""
                        items.append((target, f"{section.row_label} {number}: {error}"))
        return items

    def rows(self, prefix):
        return [form.cleaned_data for form in self.formset(prefix).forms if form.has_changed()]

    def content(self) -> dict:
        """What was typed, cleaned: the details, and each section's filled rows."""
        data = self.details.cleaned_data
        return {
            **{name: data[name] for name in ProposalDetailsForm.COSTS},
            "kind": data["kind"],
            "based_on": data["based_on"],
            "difference": data["difference"],
            "title": data["title"].strip(),
            "summary": data["summary"].strip(),
            "problem": data["problem"],
            "when_to_use": data["when_to_use"],
            "when_not_to_use": data["when_not_to_use"],
            "serves": list(data["serves"]),
            "user_needs": [(r["as_a"], r["i_need"], r["so_that"]) for r in self.rows("needs")],
            "components": [
                (self._components[r["component"].strip().lower()], r["why"])
                for r in self.rows("components")
            ],
            "standards": [(r["standard"], r["why"]) for r in self.rows("standards")],
            "people": [(r["role"], r["days"], r["notes"]) for r in self.rows("people")],
            "steps": [(r["title"], r["body"]) for r in self.rows("steps")],
            "outcomes": self.rows("outcomes"),
            "variations": [
                (r["council_type"], r["title"], r["body"]) for r in self.rows("variations")
            ],
        }


def proposal_data_with_row(data, prefix: str):
    """The posted data with one more empty row in a section (up to its most), for "Add
    another"; everything typed stays."""
    section = SECTIONS_BY_PREFIX.get(prefix)
    if section is None:
        return data
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    rows = _row_count(data.get(key))
    data[key] = str(min(rows + 1, section.max_rows))
    return data


def proposal_data_with_component(data, slug: str):
    """The posted data with a found component put in the first empty component row (a
    new row if none is empty and there is room)."""
    data = data.copy()
    section = SECTIONS_BY_PREFIX["components"]
    rows = min(_row_count(data.get("components-TOTAL_FORMS")), section.max_rows)
    for number in range(rows):
        if not data.get(f"components-{number}-component", "").strip():
            data[f"components-{number}-component"] = slug
            return data
    if rows < section.max_rows:
        data["components-TOTAL_FORMS"] = str(rows + 1)
        data[f"components-{rows}-component"] = slug
    return data


def _row_count(value) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0


class ComponentSearchForm(forms.Form):
    """The proposal form's component search (posted with the form, so nothing is lost)."""

    component_query = forms.CharField(label="Find a component", max_length=100, required=False)


# A shared recipe sent back for changes comes back as the form, filled in from the draft
# as it is now (with any edits an editor made). Its rich text becomes plain paragraphs
# and bullets: the Markdown it was made from is not kept.
HTML_BLOCK_END = re.compile(r"</(?:p|li|h[2-4]|blockquote|tr|pre)>|<br\s*/?>", re.IGNORECASE)
HTML_LIST_ITEM = re.compile(r"<li(?:\s[^>]*)?>", re.IGNORECASE)
HTML_TAG = re.compile(r"<[^>]+>")


def _html_text(value) -> str:
    source = getattr(value, "source", value) or ""
    text = HTML_BLOCK_END.sub("\n\n", HTML_LIST_ITEM.sub("* ", source))
    text = html.unescape(HTML_TAG.sub("", text))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def proposal_form_data(proposal: RecipeProposal) -> QueryDict:
    """The proposal form's data from the proposal's draft (its latest revision)."""
    draft = proposal.page.get_latest_revision_as_object()
    variations = [block.value for block in draft.variations]
    difference = ""
    if (
        proposal.kind == RecipeProposal.Kind.VARIATION
        and variations
        and variations[0]["title"] == f"What {proposal.council.name} changed"
    ):
        difference = _html_text(variations.pop(0)["body"])
    blocks = [(block.block_type, block.value) for block in draft.ingredients]
    rows = {
        "needs": [
            {"as_a": v["as_a"], "i_need": v["i_need"], "so_that": v["so_that"]}
            for v in (block.value for block in draft.user_needs)
        ],
        "components": [
            {"component": v["component"].slug, "why": v["why"]}
            for kind, v in blocks
            if kind == "component" and v["component"]
        ],
        "standards": [
            {"standard": v["standard"].pk, "why": v["why"]}
            for kind, v in blocks
            if kind == "standard" and v["standard"]
        ],
        "people": [
            {"role": v["role"], "days": v["days"], "notes": v["notes"]}
            for kind, v in blocks
            if kind == "people"
        ],
        "steps": [
            {"title": v["title"], "body": _html_text(v["body"])}
            for v in (block.value for block in draft.method)
        ],
        "outcomes": [
            {name: v[name] for name in ("metric", "value", "baseline", "unit", "source")}
            for v in (block.value for block in draft.outcomes)
        ],
        "variations": [
            {"council_type": v["council_type"], "title": v["title"], "body": _html_text(v["body"])}
            for v in variations
        ],
    }
    data = QueryDict(mutable=True)
    data.update(
        {
            "submission_key": str(proposal.submission_key),
            "kind": proposal.kind,
            "based_on": str(proposal.based_on_id or ""),
            "difference": difference,
            "title": draft.title,
            "summary": draft.summary,
            **{
                name: _html_text(getattr(draft, name))
                for name in ("problem", "when_to_use", "when_not_to_use")
            },
            **{name: str(getattr(draft, name)) for name in ProposalDetailsForm.COSTS},
        }
    )
    data.setlist("serves", [str(council_type.pk) for council_type in draft.serves.all()])
    for prefix, items in rows.items():
        data[f"{prefix}-TOTAL_FORMS"] = str(max(len(items), 1))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for number, item in enumerate(items):
            for name, value in item.items():
                data[f"{prefix}-{number}-{name}"] = "" if value is None else str(value)
    return data
