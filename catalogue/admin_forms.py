"""Admin forms for the catalogue snippets.

Editors verify a conformance claim by ticking "Verified" on the claim in the offering
editor; the form records who ticked it and when, so a verification always names a real
editor and nobody can type one in. Suppliers never see this form (the portal has its own).
"""

from django import forms
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.admin.panels.base import get_form_for_model


class ConformanceClaimAdminForm(WagtailAdminModelForm):
    verified = forms.BooleanField(
        required=False,
        help_text="Tick when you have checked the evidence. The site records you and today's date.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verified"].initial = self.instance.verified_at is not None
        if self.instance.verified_at:
            by = self.instance.verified_by
            self.fields["verified"].help_text = (
                f"Verified on {timezone.localtime(self.instance.verified_at):%d %B %Y}"
                + (f" by {by.get_full_name() or by.get_username()}" if by else "")
                + ". Untick if the evidence no longer holds."
            )


class ClaimsInlinePanel(InlinePanel):
    """The claims inline, built on ConformanceClaimAdminForm so it has the "Verified"
    checkbox (InlinePanel otherwise builds its child form from the plain admin form)."""

    def get_form_options(self):
        options = super().get_form_options()
        formset = options["formsets"][self.relation_name]
        deferred = getattr(
            getattr(formset.get("form"), "_meta", None), "defer_required_on_fields", []
        )
        formset["form"] = get_form_for_model(
            self.db_field.related_model,
            form_class=ConformanceClaimAdminForm,
            defer_required_on_fields=deferred or [],
        )
        return options


class ImagePreviewPanel(FieldPanel):
    """An uploaded image shown as the image itself (not its file name), read-only: editors
    moderating an offering see the logo the supplier uploaded."""

    read_only_output_template_name = "catalogue/admin/image_preview.html"

    def __init__(self, field_name, *args, **kwargs):
        kwargs["read_only"] = True
        super().__init__(field_name, *args, **kwargs)


class OfferingAdminForm(WagtailAdminModelForm):
    """The offering editor: turns each claim's "Verified" tick into verified_at and
    verified_by (the signed-in editor); an untick clears both."""

    def save(self, commit=True):
        claims = self.formsets.get("claims")
        if claims is not None:
            now = timezone.now()
            for form in claims.forms:
                if not hasattr(form, "cleaned_data") or "verified" not in form.cleaned_data:
                    continue
                claim = form.instance
                if form.cleaned_data["verified"] and claim.verified_at is None:
                    claim.verified_at = now
                    claim.verified_by = self.for_user
                elif not form.cleaned_data["verified"]:
                    claim.verified_at = None
                    claim.verified_by = None
        return super().save(commit=commit)
