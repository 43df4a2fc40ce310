"""Forms for choosing a council and changing the cost assumptions."""

from django import forms

from .cost_choice import DAY_RATE_LIMITS, RESIDENTS_PER_USER_LIMITS
from .costs import ROLES


class CouncilSearchForm(forms.Form):
    q = forms.CharField(
        label="Council name",
        max_length=100,
        required=False,
        help_text="For example, Leeds or Cornwall.",
    )


class CouncilChooseForm(forms.Form):
    """The council to work costs out for; an empty value goes back to the default."""

    council = forms.SlugField(max_length=100, required=False)


class AssumptionsForm(forms.Form):
    """What a council knows better than our defaults: staff users and day rates."""

    residents_per_staff_user = forms.IntegerField(
        label="Residents for each named staff user",
        min_value=RESIDENTS_PER_USER_LIMITS[0],
        max_value=RESIDENTS_PER_USER_LIMITS[1],
        help_text="Per-user prices are for named staff users. We assume one for every this "
        "many residents.",
        error_messages={
            "required": "Enter the number of residents for each staff user",
            "invalid": "Residents for each staff user must be a whole number, like 10000",
            "min_value": f"Residents for each staff user must be "
            f"{RESIDENTS_PER_USER_LIMITS[0]:,} or more",
            "max_value": f"Residents for each staff user must be "
            f"{RESIDENTS_PER_USER_LIMITS[1]:,} or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for role in ROLES:
            self.fields[f"rate_{role.key}"] = forms.DecimalField(
                label=f"Day rate: {role.label}",
                min_value=DAY_RATE_LIMITS[0],
                max_value=DAY_RATE_LIMITS[1],
                max_digits=7,
                decimal_places=2,
                help_text=f"In pounds. Our default is £{role.day_rate:,.0f}.",
                error_messages={
                    "required": f"Enter a day rate for {role.label.lower()}",
                    "invalid": f"Day rate for {role.label.lower()} must be a number, like 550",
                    "min_value": f"Day rate for {role.label.lower()} must be £0 or more",
                    "max_value": f"Day rate for {role.label.lower()} must be "
                    f"£{DAY_RATE_LIMITS[1]:,} or less",
                    "max_decimal_places": f"Day rate for {role.label.lower()} must be in "
                    "pounds and pence, like 550.50",
                    "max_digits": f"Day rate for {role.label.lower()} is too long",
                },
            )

    @property
    def rate_fields(self):
        return [self[f"rate_{role.key}"] for role in ROLES]
