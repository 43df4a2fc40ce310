"""Forms for the basket and the comparison page. Each validates what a visitor sends
before anything touches the database."""

from django import forms
from django.core.validators import validate_slug

from catalogue.models import Offering

from .models import RecipePage

MAX_COMPARED = 4


class AddRecipeForm(forms.Form):
    recipe = forms.IntegerField(min_value=1)

    def clean_recipe(self):
        recipe = RecipePage.objects.live().filter(pk=self.cleaned_data["recipe"]).first()
        if recipe is None:
            raise forms.ValidationError("That recipe does not exist or is not published.")
        return recipe


class ChoiceForm(forms.Form):
    """A choice for one line: an offering id, "have" or "" (not decided)."""

    offering = forms.CharField(max_length=12, required=False)


class ComponentOfferingsForm(forms.Form):
    """Search and filters for the list of every offering of one basket component."""

    q = forms.CharField(label="Product name contains", max_length=100, required=False)
    pricing_unit = forms.ChoiceField(
        label="Priced",
        required=False,
        choices=[("", "Any way"), *Offering.PricingUnit.choices],
    )
    all = forms.BooleanField(
        label="Include products that do not claim every required standard", required=False
    )
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)


class CompareForm(forms.Form):
    """?offerings=a,b or ?offerings=a&offerings=b: between 2 and MAX_COMPARED slugs."""

    def __init__(self, query):
        super().__init__({})
        values = query.getlist("offerings")
        slugs = []
        for value in values:
            for part in value.split(","):
                part = part.strip()
                if part and part not in slugs:
                    slugs.append(part)
        self.slugs = slugs

    def clean(self):
        if not self.slugs:
            raise forms.ValidationError(
                "Choose at least one offering to compare, like /compare/?offerings=a,b."
            )
        if len(self.slugs) > MAX_COMPARED:
            raise forms.ValidationError(
                f"You can compare up to {MAX_COMPARED} offerings at once; "
                f"you asked for {len(self.slugs)}."
            )
        for slug in self.slugs:
            try:
                if len(slug) > 100:
                    raise forms.ValidationError("Too long")
                validate_slug(slug)
            except forms.ValidationError:
                raise forms.ValidationError(
                    "Offerings are named by the short name in their address, using letters, "
                    "numbers and hyphens."
                ) from None
        return {"slugs": self.slugs}
