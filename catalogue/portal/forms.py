"""Portal forms: an organisation, an invitation and an offering with its claims.

Every form keeps what the user typed when it is invalid, and lists its errors for the
GOV.UK error summary through error_summary()."""

from django import forms
from markdownx.widgets import MarkdownxWidget
from modelcluster.forms import BaseChildFormSet, ClusterForm

from foundations.forms import ErrorSummaryMixin, anchor

from ..costs import BAND_CHOICES
from ..images import image_reencode
from ..models import Component, Offering, Standard, Supplier

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 600
YES_NO = [(True, "Yes"), (False, "No")]


class TextLimitsMixin:
    """Every text field's maximum length (from the model) checked with GOV.UK wording, and
    no maxlength attribute: a browser would cut pasted text short without saying so, and
    nothing a supplier wrote may be lost."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            limit = getattr(field, "max_length", None)
            if limit:
                name = str(field.label).removesuffix(" (optional)")
                field.error_messages["max_length"] = f"{name} must be {limit:,} characters or fewer"
                field.widget.attrs.pop("maxlength", None)


class OrganisationForm(TextLimitsMixin, ErrorSummaryMixin, forms.ModelForm):
    is_sme = forms.TypedChoiceField(
        label="Is it a small or medium-sized enterprise (SME)?",
        help_text="Fewer than 250 staff, and turnover of £44 million or less or a balance "
        "sheet of £38 million or less.",
        choices=YES_NO,
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if it is a small or medium-sized enterprise"},
    )

    class Meta:
        model = Supplier
        fields = [
            "name",
            "website",
            "companies_house_number",
            "is_sme",
            "contact_email",
            "description",
        ]
        labels = {
            "name": "Organisation name",
            "website": "Website",
            "companies_house_number": "Companies House number (optional)",
            "contact_email": "Contact email address",
            "description": "About the organisation (optional)",
        }
        help_texts = {
            "companies_house_number": "8 digits, or 2 capital letters and 6 digits, like SC123456",
            "contact_email": "Editors use it about your listings. It is never shown publicly.",
            "description": "Shown on your public supplier page. Markdown: **bold**, lists, "
            "links and tables. A preview appears below as you type if JavaScript is on.",
            "website": "Like https://www.example.com",
        }
        # The same editor and preview as an offering's description: the public page
        # renders this text as markdown, so the supplier sees what it will look like.
        widgets = {
            "description": MarkdownxWidget(
                attrs={
                    "class": "govuk-textarea",
                    "rows": 6,
                    "aria-describedby": "id_description-hint",
                }
            )
        }
        error_messages = {
            "name": {"required": "Enter the organisation name"},
            "contact_email": {
                "required": "Enter a contact email address",
                "invalid": "Enter an email address in the correct format, like name@example.com",
            },
            "website": {
                "invalid": "Enter a website address in the correct format, "
                "like https://www.example.com"
            },
        }

    def __init__(self, *args, public_locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_email"].required = True
        if public_locked:
            # While an editor reviews the public details, only private ones can change:
            # a disabled field keeps its current value whatever is posted.
            for name, field in self.fields.items():
                if name not in Supplier.PRIVATE_FIELDS:
                    field.disabled = True

    def clean_companies_house_number(self):
        return self.cleaned_data["companies_house_number"].strip().upper()


class InvitationForm(ErrorSummaryMixin, forms.Form):
    email = forms.EmailField(
        label="Email address of the person to invite",
        max_length=254,
        error_messages={
            "required": "Enter the email address of the person to invite",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )


class LogoField(forms.FileField):
    """An image upload that is validated by content and re-encoded (catalogue.images)."""

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return image_reencode(upload, max_bytes=LOGO_MAX_BYTES, max_side=LOGO_MAX_SIDE)


class ClaimForm(TextLimitsMixin, forms.ModelForm):
    """One conformance claim. Suppliers never set verification: editors do, in the admin."""

    class Meta:
        fields = ["standard", "evidence_url", "statement"]
        labels = {"evidence_url": "Evidence URL", "statement": "How the offering meets it"}
        help_texts = {
            "evidence_url": "A public page, report or certificate, like "
            "https://www.example.com/accessibility"
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = Standard.objects.order_by("name")
        self.fields["standard"].empty_label = "Choose a standard"
        self.fields["standard"].error_messages["required"] = "Choose the standard you claim"
        self.fields["statement"].widget.attrs["rows"] = 3
        self.fields["evidence_url"].error_messages["invalid"] = (
            "Enter the evidence URL in the correct format, like https://www.example.com/report"
        )


class ClaimFormSet(BaseChildFormSet):
    def validate_unique(self):
        """One claim per standard, with the error on the repeated claim's standard (instead
        of modelcluster's generic "correct the duplicate data")."""
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or self._should_delete_form(form) or not data.get("standard"):
                continue
            standard_id = data["standard"].pk
            if standard_id in seen:
                form.add_error("standard", "You have already made a claim for this standard")
            seen.add(standard_id)


class PriceBandForm(forms.ModelForm):
    """The price for councils in one population band, where it differs from the list price."""

    class Meta:
        fields = ["band", "price", "price_max"]

    # Set here: the formset builds the form class with a Meta of its own. Not "Price":
    # each band's fields must be told apart from the list price's by their labels alone.
    LABELS = {
        "band": "Council population",
        "price": "Price for this band",
        "price_max": "Highest price for this band (optional)",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.LABELS.items():
            self.fields[name].label = label
        self.fields["price"].help_text = "In pounds, in the pricing unit above."
        self.fields["band"].choices = [("", "Choose a population band"), *BAND_CHOICES]
        self.fields["band"].error_messages["required"] = "Choose the population band"
        self.fields["price"].error_messages.update(
            required="Enter the price for this band", invalid="Price must be a number, like 900"
        )
        self.fields["price_max"].error_messages["invalid"] = (
            "Highest price must be a number, like 1800"
        )


class PriceBandFormSet(BaseChildFormSet):
    def validate_unique(self):
        """One price per band, with the error on the repeated band."""
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or self._should_delete_form(form) or not data.get("band"):
                continue
            band = data["band"]
            if band in seen:
                form.add_error("band", "You have already given a price for this band")
            seen.add(band)


class OfferingForm(TextLimitsMixin, ErrorSummaryMixin, ClusterForm):
    logo = LogoField(
        label="Logo (optional)",
        required=False,
        help_text="A PNG or JPG, at most 1MB. We resize it to fit 600 by 600 pixels.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    class Meta:
        model = Offering
        fields = [
            "name",
            "summary",
            "description",
            "components",
            "pricing_unit",
            "price",
            "price_max",
            "setup_fee",
            "pricing_notes",
            "hosting",
            "gcloud_service_id",
            "open_source_licence",
            "repository_url",
            "logo",
        ]
        formsets = {
            "claims": {
                "form": ClaimForm,
                "formset": ClaimFormSet,
                "fields": ["standard", "evidence_url", "statement"],
                "extra": 3,
            },
            "price_bands": {
                "form": PriceBandForm,
                "formset": PriceBandFormSet,
                "fields": ["band", "price", "price_max"],
                "extra": 2,
            },
        }
        widgets = {
            "description": MarkdownxWidget(
                attrs={
                    "class": "govuk-textarea",
                    "rows": 10,
                    "aria-describedby": "id_description-hint",
                }
            ),
            "components": forms.CheckboxSelectMultiple,
            "pricing_unit": forms.RadioSelect,
            "hosting": forms.RadioSelect,
        }
        labels = {
            "name": "Product name",
            "summary": "Summary",
            "description": "Description (optional)",
            "components": "Components it provides",
            "pricing_unit": "How it is priced",
            "price": "Price",
            "price_max": "Highest price (optional)",
            "setup_fee": "Set-up fee (optional)",
            "pricing_notes": "Pricing notes (optional)",
            "hosting": "Hosting",
            "gcloud_service_id": "G-Cloud service ID (optional)",
            "open_source_licence": "Open-source licence (optional)",
            "repository_url": "Source code repository URL (optional)",
        }
        help_texts = {
            "summary": "One sentence, shown in lists.",
            "description": "Markdown: **bold**, lists, links and tables. A preview appears "
            "below as you type if JavaScript is on.",
            "components": "Select all that apply.",
            "price": "In pounds. The lowest price if it is a range.",
            "gcloud_service_id": "15 digits, like 123456789012345",
        }
        error_messages = {
            "name": {"required": "Enter the product name"},
            "summary": {"required": "Enter a summary"},
            "components": {"required": "Select at least one component it provides"},
            "pricing_unit": {"required": "Select how it is priced"},
            "price": {
                "required": "Enter the price",
                "invalid": "Price must be a number, like 1200",
            },
            "price_max": {"invalid": "Highest price must be a number, like 2400"},
            "setup_fee": {"invalid": "Set-up fee must be a number, like 500"},
            "hosting": {"required": "Select where it is hosted"},
            "repository_url": {
                "invalid": "Enter the repository URL in the correct format, "
                "like https://github.com/example/product"
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["components"].queryset = Component.objects.order_by("name")
        self.fields["pricing_unit"].choices = Offering.PricingUnit.choices
        self.fields["hosting"].choices = Offering.Hosting.choices
        self.fields["description"].widget.attrs.setdefault("rows", 10)
        self.fields["summary"].widget = forms.Textarea(attrs={"rows": 2})

    def clean_logo(self):
        # No new upload keeps the current logo.
        return self.cleaned_data.get("logo") or (self.instance.logo if self.instance else None)

    def clean(self):
        data = super().clean()
        price, price_max = data.get("price"), data.get("price_max")
        if price is not None and price_max is not None and price_max < price:
            self.add_error("price_max", "Highest price must be the same as or more than the price")
        return data

    def error_summary(self):
        items = super().error_summary()
        for key, label in (("price_bands", "Band price"), ("claims", "Claim")):
            formset = self.formsets[key]
            for number, form in enumerate(formset.forms, start=1):
                for name, errors in form.errors.items():
                    for error in errors:
                        target = f"#{anchor(form[name])}" if name != "__all__" else ""
                        items.append((target, f"{label} {number}: {error}"))
            items += [("", error) for error in formset.non_form_errors()]
        return items
