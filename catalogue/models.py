"""The catalogue: what recipes are made of, and who sells it.

Components are generic capabilities (send notifications, take payments); offerings are
the products suppliers list that provide them; conformance claims tie offerings to the
standards they meet. Councils, council types, service areas and the Local Government
Service List are reference data loaded from real open data in fixtures/.
"""

from decimal import Decimal
from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse
from markdownx.models import MarkdownxField
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import DraftStateMixin, RevisionMixin, WorkflowMixin
from wagtail.search import index

from .admin_forms import ClaimsInlinePanel, ImagePreviewPanel, OfferingAdminForm
from .costs import BAND_CHOICES
from .indexes import NullsLastIndex
from .markdown import RenderedMarkdownField, plain_text

MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}

gcloud_service_id_validator = RegexValidator(
    r"^\d{15}$",
    "Enter a G-Cloud service ID as 15 digits, like 123456789012345",
)
# The most a supplier, council or editor may write in one field: enough for the text, and
# small enough that any markdown renders in well under a second (it renders in linear time;
# tests/catalogue/test_markdown.py renders hostile text at these lengths).
OFFERING_DESCRIPTION_MAX_LENGTH = 20_000  # about 3,000 words
DESCRIPTION_MAX_LENGTH = 5_000
STATEMENT_MAX_LENGTH = 2_000


# A slug the URL patterns accept that no item has: slug_url finds where a slug goes.
_SLUG_MARK = "slug-url-mark"
_slug_urls: dict[tuple, tuple[str, str]] = {}


def slug_url(name: str, slug: str) -> str:
    """reverse(name, kwargs={"slug": slug}), from the pattern's address reversed once per
    URL configuration and script prefix: a list page links to a hundred items, and
    reversing each took a third of the offering list's rendering (2.7 of 9 ms). Slugs
    are ASCII letters, digits, hyphens and underscores, which reverse leaves as they
    are; anything else (or no slug) goes through reverse, which refuses it."""
    if not slug or not slug.replace("-", "").replace("_", "").isalnum() or not slug.isascii():
        return reverse(name, kwargs={"slug": slug})
    key = (name, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    parts = _slug_urls.get(key)
    if parts is None:
        before, _, after = reverse(name, kwargs={"slug": _SLUG_MARK}).partition(_SLUG_MARK)
        parts = _slug_urls[key] = (before, after)
    return f"{parts[0]}{slug}{parts[1]}"


def text_limit(limit: int) -> dict:
    """A TextField's maximum length: max_length sizes its form field, and the validator
    makes full_clean() check it too (Django's TextField checks max_length only in forms)."""
    return {"max_length": limit, "validators": [MaxLengthValidator(limit)]}


companies_house_number_validator = RegexValidator(
    r"^(\d{8}|[A-Z]{2}\d{6})$",
    "Enter a Companies House number as 8 digits, or 2 capital letters and 6 digits, like SC123456",
)


class CouncilType(models.Model):
    """A kind of council (district, county, unitary...), using mySociety's type codes.

    Recipes say which types they serve; each Council has one type.
    """

    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=100)
    plural_name = models.CharField(max_length=100)
    tier = models.CharField(
        max_length=20,
        blank=True,
        help_text="Which tier of services it provides: county, district or unitary (all).",
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    @property
    def plural_name_in_sentence(self) -> str:
        """The plural name as it reads inside a sentence: "district councils", but
        "London boroughs", "Scottish councils" and "Northern Ireland district councils"."""
        return " ".join(
            word if word in PROPER_NOUNS else word.lower() for word in self.plural_name.split()
        )


# Words in council type names that keep their capital letter inside a sentence.
PROPER_NOUNS = frozenset(
    {"London", "England", "English", "Scotland", "Scottish", "Wales", "Welsh", "Northern",
     "Ireland"}
)  # fmt: skip


class Council(index.Indexed, ClusterableModel):
    """A real UK local authority, from mySociety's register joined with GOV.UK's list.

    Adoptions record which councils run which recipes; the basket scales costs to a
    council's population. Its email domains (CouncilDomain) say which verified addresses
    make an account one of its staff (CouncilMembership).
    """

    code = models.CharField("mySociety code", max_length=8, unique=True)
    gss_code = models.CharField("GSS code", max_length=12, blank=True)
    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200, help_text="Short name, such as 'Leeds'.")
    official_name = models.CharField(max_length=255)
    council_type = models.ForeignKey(CouncilType, on_delete=models.PROTECT, related_name="councils")
    nation = models.CharField(max_length=40)
    region = models.CharField(max_length=60, blank=True)
    population = models.PositiveIntegerField(
        null=True, blank=True, help_text="Mid-2020 estimate, from mySociety's register."
    )
    homepage_url = models.URLField(blank=True)
    # The centre of the council's area (WGS84), from mySociety's register: the dots of
    # the map of councils that run a recipe.
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="districts",
        help_text="The county council above a district council, in two-tier areas.",
    )

    search_fields = [
        index.SearchField("name"),
        index.SearchField("official_name"),
        index.SearchField("code"),
        index.AutocompleteField("name"),
        index.FilterField("council_type_id"),
        index.FilterField("region"),
        index.FilterField("nation"),
    ]

    panels = [
        FieldPanel("name"),
        FieldPanel("official_name"),
        FieldRowPanel([FieldPanel("code"), FieldPanel("gss_code"), FieldPanel("slug")]),
        FieldPanel("council_type"),
        FieldRowPanel([FieldPanel("nation"), FieldPanel("region")]),
        FieldPanel("population"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
        FieldPanel("homepage_url"),
        FieldPanel("parent"),
        InlinePanel(
            "domains",
            heading="Staff email domains",
            label="Domain",
            help_text="A verified address at one of these domains makes an account one of "
            "the council's staff. The homepage's domain is added from the open data; add "
            "any other domain the council's staff mail from.",
        ),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.official_name

    def get_absolute_url(self):
        return slug_url("catalogue:council_detail", self.slug)


# Domains that many organisations share: an address there proves nothing about who sent
# it, so an editor cannot make one a council's staff domain by mistake.
SHARED_MAIL_DOMAINS = frozenset(
    {
        "gov.uk", "org.uk", "co.uk", "ac.uk", "nhs.uk", "nhs.net", "uk", "com", "org", "net",
        "gov.wales", "llyw.cymru", "gov.scot", "scot", "wales", "cymru", "gsi.gov.uk",
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk",
        "live.com", "live.co.uk", "yahoo.com", "yahoo.co.uk", "icloud.com", "me.com",
        "aol.com", "btinternet.com", "proton.me", "protonmail.com", "mail.com", "gmx.com",
    }
)  # fmt: skip
domain_validator = RegexValidator(
    r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    "Enter a domain in lower case, like leeds.gov.uk, without www. or @",
)


def validate_council_domain(value: str) -> None:
    if value in SHARED_MAIL_DOMAINS:
        raise ValidationError(
            f"{value} is shared by many organisations, so it cannot prove someone works for "
            "a council"
        )


def homepage_domain(url: str) -> str:
    """The domain of a council's homepage address, without "www." ("" if it has none)."""
    host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


def email_domain(email: str) -> str:
    """The domain of an email address, in lower case ("" if it has none)."""
    _, _, domain = email.strip().rpartition("@")
    return domain.lower().rstrip(".")


class CouncilDomain(models.Model):
    """A domain a council's staff mail from. A verified address whose domain is exactly
    this one (not a subdomain of it: a council may hand subdomains to suppliers who can
    receive mail there) makes the account one of the council's staff. A domain may belong
    to several councils that share their services and staff (Adur and Worthing)."""

    council = ParentalKey(Council, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(
        max_length=253,
        validators=[domain_validator, validate_council_domain],
        help_text="Like leeds.gov.uk: the part of the address after the @.",
    )
    from_homepage = models.BooleanField(
        default=False,
        editable=False,
        help_text="Added from the council's homepage in the open data; reloading keeps it "
        "in step with the homepage.",
    )

    panels = [FieldPanel("domain")]

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(fields=["council", "domain"], name="one_domain_per_council")
        ]
        indexes = [models.Index(fields=["domain"], name="council_domain_lookup")]

    def __str__(self):
        return self.domain

    def clean(self):
        self.domain = (self.domain or "").strip().lower().removeprefix("@")


class CouncilMembership(models.Model):
    """A user who works for a council: made when they verify an address at one of the
    council's domains (never before), for that address. Members record and update the
    council's adoptions and reviews in the council portal. Editors remove a membership
    in the admin when someone leaves."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="council_memberships"
    )
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="memberships")
    email = models.EmailField(help_text="The verified address that proved the membership.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["council__name", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "council"], name="one_council_membership_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user} at {self.council}"

    def get_absolute_url(self):
        return reverse("council_portal:council", kwargs={"council_slug": self.council.slug})


class CouncilPantryItem(models.Model):
    """A component or an offering a council already runs, entered by its verified staff in
    the council portal ("What we already run"). With the components and offerings its
    public adoptions record (recipes, through catalogue.uses), it makes the council's
    pantry: shown on the council's page, and counted as "already have" in its staff's
    basket. Exactly one of component and offering is set."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="pantry_items")
    component = models.ForeignKey(
        "Component", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    offering = models.ForeignKey(
        "Offering", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    is_sample = models.BooleanField("Sample data", default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["council", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(component__isnull=True) ^ models.Q(offering__isnull=True),
                name="pantry_item_of_one_thing",
            ),
            models.UniqueConstraint(
                fields=["council", "component"],
                condition=models.Q(component__isnull=False),
                name="one_pantry_component_per_council",
            ),
            models.UniqueConstraint(
                fields=["council", "offering"],
                condition=models.Q(offering__isnull=False),
                name="one_pantry_offering_per_council",
            ),
        ]

    def __str__(self):
        return f"{self.council.name} runs {self.component or self.offering}"

    def get_absolute_url(self):
        return self.council.get_absolute_url() + "#pantry"


class ServiceArea(models.Model):
    """A grouping of council services (the esd Functions list), in a two-level tree.

    Recipes are filed under service areas; the home page browses by the top level.
    """

    identifier = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        # A service area has no page of its own: the recipes filed under it are its page.
        # (The recipe index is a Wagtail page at /recipes/, so it has no URL name.)
        return f"/recipes/?{urlencode({'service_area': self.slug})}"


class LocalService(index.Indexed, models.Model):
    """One service from the Local Government Service List (LGSL), with the tier of
    council that provides it where GOV.UK records one."""

    identifier = models.PositiveIntegerField("LGSL identifier", unique=True)
    label = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    providing_tier = models.CharField(max_length=40, blank=True)

    search_fields = [
        index.SearchField("label"),
        index.AutocompleteField("label"),
        index.FilterField("identifier"),
    ]

    class Meta:
        ordering = ["label"]
        verbose_name = "LGSL service"

    def __str__(self):
        return f"{self.label} (LGSL {self.identifier})"

    @property
    def esd_url(self):
        return f"https://standards.esd.org.uk/?uri=service%2F{self.identifier}"


class Standard(index.Indexed, models.Model):
    """A data, technical, accessibility or policy standard that components should meet
    and offerings claim conformance to."""

    class Category(models.TextChoices):
        DATA = "data", "Data standard"
        TECHNICAL = "technical", "Technical standard"
        ACCESSIBILITY = "accessibility", "Accessibility"
        SECURITY = "security", "Security and identity"
        POLICY = "policy", "Policy and guidance"

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, blank=True)
    slug = models.SlugField(max_length=100, unique=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    summary = models.CharField(max_length=300)
    description = models.TextField(
        blank=True, **text_limit(DESCRIPTION_MAX_LENGTH), help_text="Markdown. Shown sanitised."
    )
    description_html = RenderedMarkdownField(source="description")
    url = models.URLField("Official page")
    owner = models.CharField(max_length=200, blank=True, help_text="Who maintains it.")
    licence = models.CharField(max_length=120, blank=True)

    search_fields = [
        index.SearchField("name", boost=3),
        index.SearchField("short_name", boost=3),
        index.SearchField("summary"),
        index.SearchField("description"),
        index.AutocompleteField("name"),
        index.FilterField("category"),
    ]

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("short_name"), FieldPanel("slug")]),
        FieldPanel("category"),
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("url"),
        FieldRowPanel([FieldPanel("owner"), FieldPanel("licence")]),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("catalogue:standard_detail", self.slug)

    @property
    def display_name(self):
        return self.display_name_of(self.name, self.short_name)

    @staticmethod
    def display_name_of(name: str, short_name: str) -> str:
        """The name lists show: the short name if it has one (for rows read as values)."""
        return short_name or name


class Component(index.Indexed, ClusterableModel):
    """A generic capability a service needs, such as 'Send notifications'.

    Recipes list components as ingredients; offerings provide them.
    """

    class Category(models.TextChoices):
        NOTIFICATIONS = "notifications", "Notifications and messaging"
        PAYMENTS = "payments", "Payments"
        IDENTITY = "identity", "Identity and sign-in"
        LOCATION = "location", "Address and location"
        FORMS = "forms", "Forms"
        CASE_MANAGEMENT = "case_management", "Case and workflow management"
        BOOKING = "booking", "Booking and scheduling"
        CONTENT = "content", "Content and publishing"
        INTEGRATION = "integration", "Data and integration"
        DOCUMENTS = "documents", "Documents and records"
        REPORTING = "reporting", "Reporting and analytics"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    category = models.CharField(
        "Capability category", max_length=20, choices=Category.choices, db_index=True
    )
    summary = models.CharField(max_length=300)
    description = models.TextField(
        blank=True, **text_limit(DESCRIPTION_MAX_LENGTH), help_text="Markdown. Shown sanitised."
    )
    description_html = RenderedMarkdownField(source="description")
    standards = ParentalManyToManyField(
        Standard,
        blank=True,
        related_name="components",
        help_text="Standards a product providing this component should meet.",
    )

    search_fields = [
        index.SearchField("name", boost=3),
        index.SearchField("summary"),
        index.SearchField("description"),
        index.AutocompleteField("name"),
        index.FilterField("category"),
    ]

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("slug"), FieldPanel("category")]),
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("standards", widget=forms.CheckboxSelectMultiple),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.url_of(self.slug)

    @staticmethod
    def url_of(slug: str) -> str:
        """A component's address from its slug (for rows read as values)."""
        return slug_url("catalogue:component_detail", slug)

    def save(self, *args, **kwargs):
        from .services import component_price_summary_rebuild

        super().save(*args, **kwargs)
        # Its standards number the summary's conformance sets.
        component_price_summary_rebuild(component_ids=[self.pk])


class SupplierQuerySet(models.QuerySet):
    def public(self):
        """Organisations anyone may see: approved by an editor at least once. Their rows
        hold the approved version; a change waiting for review is only in a revision."""
        return self.filter(live=True)


class Supplier(WorkflowMixin, DraftStateMixin, RevisionMixin, index.Indexed, models.Model):
    """An organisation that lists offerings. Sample suppliers are fictional and
    labelled as such on every page that shows them.

    Its public details are moderated like offerings: a new organisation, or a change to
    what the public sees, waits in the "Supplier organisation moderation" workflow, and
    the row keeps the approved version until an editor approves. Private details
    (PRIVATE_FIELDS, and the members) apply at once."""

    # Never shown publicly, so a change needs no review: saved on the row with every
    # revision, and kept when an older revision is published.
    PRIVATE_FIELDS = ("contact_email",)

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    website = models.URLField(blank=True)
    companies_house_number = models.CharField(
        max_length=8, blank=True, validators=[companies_house_number_validator]
    )
    is_sme = models.BooleanField(
        "Small or medium-sized enterprise",
        null=True,
        blank=True,
        help_text="Leave blank if unknown.",
    )
    description = models.TextField(
        blank=True, **text_limit(DESCRIPTION_MAX_LENGTH), help_text="Markdown. Shown sanitised."
    )
    description_html = RenderedMarkdownField(source="description")
    contact_email = models.EmailField(blank=True, help_text="Private: never shown publicly.")
    is_sample = models.BooleanField(
        "Sample data",
        default=False,
        help_text="A fictional supplier for demonstration; the site labels it.",
    )

    objects = SupplierQuerySet.as_manager()

    search_fields = [
        index.SearchField("name", boost=3),
        index.SearchField("description"),
        index.AutocompleteField("name"),
        index.FilterField("is_sme"),
        index.FilterField("live"),
    ]

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("website"),
        FieldRowPanel([FieldPanel("companies_house_number"), FieldPanel("is_sme")]),
        FieldPanel("description"),
        FieldPanel("contact_email"),
        FieldPanel("is_sample"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("catalogue:supplier_detail", self.slug)

    def save_revision(self, *args, **kwargs):
        revision = super().save_revision(*args, **kwargs)
        private = {name: getattr(self, name) for name in self.PRIVATE_FIELDS}
        Supplier.objects.filter(pk=self.pk).update(**private)
        return revision

    def publish(self, revision, *args, **kwargs):
        result = super().publish(revision, *args, **kwargs)
        # Offerings are found by their supplier's name: index them under the approved one
        # (read afresh: self.offerings would hand each offering this stale instance).
        for offering in Offering.objects.filter(supplier_id=self.pk).select_related("supplier"):
            index.insert_or_update_object(offering)
        self.refresh_price_summary()
        return result

    def unpublish(self, *args, **kwargs):
        result = super().unpublish(*args, **kwargs)
        self.refresh_price_summary()
        return result

    def refresh_price_summary(self):
        """Its offerings are public only while it is: re-summarise their components and
        recount the standards they claim."""
        from .services import component_price_summary_rebuild, standard_claim_counts_rebuild

        component_price_summary_rebuild(
            component_ids=Offering.components.through.objects.filter(
                offering__supplier_id=self.pk
            ).values_list("component_id", flat=True)
        )
        standard_claim_counts_rebuild(
            standard_ids=ConformanceClaim.objects.filter(offering__supplier_id=self.pk).values_list(
                "standard_id", flat=True
            )
        )

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        for name in self.PRIVATE_FIELDS:
            setattr(obj, name, getattr(self, name))
        return obj

    @property
    def description_text(self):
        """The description as plain words, for excerpts."""
        return plain_text(self.description_html)

    @property
    def companies_house_url(self):
        if not self.companies_house_number or self.is_sample:
            return ""
        return (
            "https://find-and-update.company-information.service.gov.uk/company/"
            f"{self.companies_house_number}"
        )


def public_offering_q(prefix: str = "") -> models.Q:
    """The one rule for which offerings anyone may see: published, not withdrawn, from an
    organisation an editor has approved. `prefix` reaches it through a relation
    ("offering__" from a claim or a component link)."""
    return models.Q(
        **{
            f"{prefix}live": True,
            f"{prefix}withdrawn_at__isnull": True,
            f"{prefix}supplier__live": True,
        }
    )


class OfferingQuerySet(models.QuerySet):
    def public(self):
        """Offerings anyone may see (public_offering_q)."""
        return self.filter(public_offering_q())


class Offering(WorkflowMixin, DraftStateMixin, RevisionMixin, index.Indexed, ClusterableModel):
    """A supplier's product that provides one or more components, with its price and
    the standards it claims to conform to. Drafts and revisions are kept, so the public
    page shows the published version while changes wait for approval. Suppliers submit
    changes from the portal into the "Supplier offering moderation" workflow."""

    class PricingUnit(models.TextChoices):
        PER_YEAR = "per_year", "per year"
        PER_MONTH = "per_month", "per month"
        PER_TRANSACTION = "per_transaction", "per transaction"
        PER_USER = "per_user", "per user per year"

    class Hosting(models.TextChoices):
        CLOUD_UK = "cloud_uk", "Cloud, hosted in the UK"
        CLOUD_NON_UK = "cloud_non_uk", "Cloud, hosted outside the UK"
        SELF_HOSTED = "self_hosted", "You host it"
        GOV_PLATFORM = "gov_platform", "Government platform"

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="offerings")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.CharField(max_length=300)
    description = MarkdownxField(
        blank=True,
        **text_limit(OFFERING_DESCRIPTION_MAX_LENGTH),
        help_text="Markdown. Shown sanitised.",
    )
    description_html = RenderedMarkdownField(source="description")
    components = ParentalManyToManyField(Component, related_name="offerings")
    pricing_unit = models.CharField(max_length=20, choices=PricingUnit.choices)
    price = models.DecimalField(**MONEY, help_text="In pounds. The lowest price if it is a range.")
    price_max = models.DecimalField(
        **MONEY, null=True, blank=True, help_text="The highest price, if the price is a range."
    )
    setup_fee = models.DecimalField(**MONEY, null=True, blank=True)
    pricing_notes = models.CharField(max_length=300, blank=True)
    hosting = models.CharField(max_length=20, choices=Hosting.choices)
    gcloud_service_id = models.CharField(
        "G-Cloud service ID",
        max_length=15,
        blank=True,
        validators=[gcloud_service_id_validator],
    )
    open_source_licence = models.CharField(
        max_length=60, blank=True, help_text="An SPDX identifier such as MIT or AGPL-3.0-only."
    )
    repository_url = models.URLField(blank=True)
    logo = models.ImageField(
        upload_to="offering-logos/",
        blank=True,
        help_text="Re-encoded by the site on upload, so only our own PNG or JPEG is stored.",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Derived, never edited: councils' public reviews of it, how many and their average
    # (None with none), kept by catalogue.services.offering_ratings_rebuild whenever a
    # review is written. Lists read and sort on these instead of counting every
    # offering's reviews (the best-rated list: 135 ms at 50,000 offerings).
    # Not moderated: every save recounts them, whatever revision it publishes.
    RATING_FIELDS = ("review_count", "review_average")
    review_count = models.PositiveIntegerField(default=0, editable=False)
    review_average = models.DecimalField(
        max_digits=7, decimal_places=5, null=True, blank=True, editable=False
    )

    objects = OfferingQuerySet.as_manager()
    base_form_class = OfferingAdminForm

    search_fields = [
        index.SearchField("name", boost=3),
        index.SearchField("summary", boost=2),
        index.SearchField("description"),
        index.SearchField("gcloud_service_id"),
        index.AutocompleteField("name"),
        index.RelatedFields("supplier", [index.SearchField("name"), index.FilterField("live")]),
        index.RelatedFields("components", [index.SearchField("name")]),
        index.FilterField("live"),
        index.FilterField("withdrawn_at"),
        index.FilterField("created_at"),
        index.FilterField("hosting"),
        index.FilterField("pricing_unit"),
        index.FilterField("supplier_id"),
    ]

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("slug"), FieldPanel("supplier")]),
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("components", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pricing_unit"), FieldPanel("price")]),
                FieldRowPanel([FieldPanel("price_max"), FieldPanel("setup_fee")]),
                FieldPanel("pricing_notes"),
            ],
            heading="Pricing",
        ),
        FieldPanel("hosting"),
        FieldPanel("gcloud_service_id"),
        FieldRowPanel([FieldPanel("open_source_licence"), FieldPanel("repository_url")]),
        ImagePreviewPanel("logo"),
        InlinePanel(
            "price_bands",
            heading="Prices by council population",
            label="Population band",
            help_text="Optional: a different price for councils of some sizes. Bands not "
            "listed use the price above.",
        ),
        ClaimsInlinePanel("claims", heading="Conformance claims", label="Claim"),
    ]

    class Meta:
        ordering = ["name"]
        indexes = [
            # Search and counts check "is this offering public?" for thousands of ids at
            # a time; this answers from the index alone (at 50,000 offerings a broad
            # search's visibility check fell from a 24 ms table scan to index lookups).
            models.Index(
                fields=["id"],
                condition=models.Q(live=True, withdrawn_at__isnull=True),
                name="catalogue_offering_public",
            ),
            # The offering list's sorts, so a page of 20 is read in order from an index
            # instead of sorting every public offering (52 ms at 50,000 for the first page).
            *[
                models.Index(
                    fields=fields,
                    condition=models.Q(live=True, withdrawn_at__isnull=True),
                    name=f"offering_public_{suffix}",
                )
                for suffix, fields in [
                    ("name", ["name"]),
                    ("price", ["price", "name"]),
                    ("price_desc", ["-price", "name"]),
                    ("newest", ["-created_at", "name"]),
                ]
            ],
            # Best rated (catalogue.selectors.best_rated_order, then name).
            NullsLastIndex(
                models.F("review_average").desc(nulls_last=True),
                models.F("review_count").desc(),
                models.F("name"),
                condition=models.Q(live=True, withdrawn_at__isnull=True),
                name="offering_public_rating",
            ),
            # Counting public offerings joins their supplier (public_offering_q): with the
            # supplier in the index the count reads the index alone (43,000 offerings at
            # scale: 37 ms as an index scan of catalogue_offering_public, 8 ms so), and
            # with the id too, so do joins from claims (recounting a standard's claims:
            # 63 ms to 27).
            models.Index(
                fields=["supplier", "id"],
                condition=models.Q(live=True, withdrawn_at__isnull=True),
                name="offering_public_supplier",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("catalogue:offering_detail", self.slug)

    def save(self, *args, **kwargs):
        from .services import (
            component_price_summary_rebuild,
            offering_ratings_rebuild,
            standard_claim_counts_rebuild,
        )

        # The components it provided before this save lose (or change) its price too.
        before = set()
        if self.pk:
            before = set(
                Offering.components.through.objects.filter(offering_id=self.pk).values_list(
                    "component_id", flat=True
                )
            )
        super().save(*args, **kwargs)
        if kwargs.get("update_fields") is None:
            # post_save indexed the row before modelcluster saved its components, and
            # search finds offerings by component name, so index once more.
            index.insert_or_update_object(self)
        after = {component.pk for component in self.components.all()}
        component_price_summary_rebuild(component_ids=before | after)
        # Published, unpublished or withdrawn, it counts or stops counting for the
        # standards it claims (its claims' own saves count the claims that changed).
        standard_claim_counts_rebuild(standard_ids=self.claimed_standard_ids())
        # A revision holds the rating as it was when saved, and any instance may be
        # stale: whatever this save wrote, put back the figures the reviews make.
        offering_ratings_rebuild(offering_ids=[self.pk])

    def claimed_standard_ids(self):
        return ConformanceClaim.objects.filter(offering_id=self.pk).values_list(
            "standard_id", flat=True
        )

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    @property
    def is_public(self):
        """The in-memory twin of public_offering_q (reads the supplier)."""
        return self.live and self.withdrawn_at is None and self.supplier.live

    @property
    def status_label(self):
        if self.is_withdrawn:
            return "Withdrawn"
        if not self.live:
            return "Draft"
        if self.has_unpublished_changes:
            return "Published, changes waiting"
        return "Published"

    @property
    def is_open_source(self):
        return bool(self.open_source_licence)

    @property
    def gcloud_url(self):
        if not self.gcloud_service_id:
            return ""
        return f"https://www.applytosupply.digitalmarketplace.service.gov.uk/g-cloud/services/{self.gcloud_service_id}"


class OfferingPriceBand(models.Model):
    """The price an offering states for councils in one population band (catalogue.costs
    POPULATION_BANDS), in its own pricing unit. Bands it does not list use its list price.
    Moderated with the offering, like its claims."""

    offering = ParentalKey(Offering, on_delete=models.CASCADE, related_name="price_bands")
    band = models.CharField("Council population", max_length=20, choices=BAND_CHOICES)
    price = models.DecimalField(**MONEY, help_text="In pounds, in the offering's pricing unit.")
    price_max = models.DecimalField(
        **MONEY, null=True, blank=True, help_text="The highest price, if it is a range."
    )

    panels = [FieldPanel("band"), FieldRowPanel([FieldPanel("price"), FieldPanel("price_max")])]

    class Meta:
        ordering = ["offering", "band"]
        constraints = [
            models.UniqueConstraint(fields=["offering", "band"], name="one_price_per_band")
        ]

    def __str__(self):
        return f"{self.offering}: {self.get_band_display()}"

    def clean(self):
        if self.price is not None and self.price_max is not None and self.price_max < self.price:
            raise ValidationError(
                {"price_max": "Highest price must be the same as or more than the price"}
            )


class ComponentPriceSummary(models.Model):
    """Derived, never edited: the lowest and highest prices and set-up fees of the public
    offerings of a component that claim a given set of its standards, per population band
    and pricing unit. The recipe page reads a few of these rows instead of every offering.

    standards_mask has bit i set for the i-th of the component's standards (by id): an
    offering counts for every set of standards it claims. Mask 0 is every offering.
    Rebuilt in bulk by catalogue.services.component_price_summary_rebuild."""

    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="+")
    standards_mask = models.PositiveIntegerField()
    band = models.CharField(max_length=20, choices=BAND_CHOICES)
    pricing_unit = models.CharField(max_length=20)
    offering_count = models.PositiveIntegerField()
    price_low = models.DecimalField(max_digits=12, decimal_places=2)
    price_high = models.DecimalField(max_digits=12, decimal_places=2)
    setup_low = models.DecimalField(max_digits=12, decimal_places=2)
    setup_high = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["component", "standards_mask", "band", "pricing_unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["component", "band", "standards_mask", "pricing_unit"],
                name="one_price_summary_row",
            )
        ]

    def __str__(self):
        return f"{self.component_id}/{self.standards_mask}/{self.band}/{self.pricing_unit}"


# The basket shortlist's order within a component, after "claims every required
# standard" (recipes.basket): the rank table's ordering and index, and its SQL.
OFFERING_RANK_ORDER = (
    "-claimed_count",
    "-verified_count",
    "-rating_hundredths",
    "-rating_count",
    "price",
    "name",
)


class OfferingComponentRank(models.Model):
    """Derived, never edited: how one public offering meets the standards of one component
    it provides, and how councils rate it, for ranking the basket's shortlist with an index
    instead of reading every claim and review. claimed_mask numbers the component's
    standards as ComponentPriceSummary does. Rebuilt with the summary
    (catalogue.services.component_price_summary_rebuild); its ratings also when a review
    changes (catalogue.services.offering_ratings_rebuild)."""

    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="+")
    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="+")
    claimed_mask = models.PositiveIntegerField()
    claimed_count = models.PositiveSmallIntegerField()
    verified_count = models.PositiveSmallIntegerField()
    # Councils' rating of the offering (its public reviews), for ranking: the average in
    # hundredths, 0 when unrated, so that a descending index puts unrated ones last.
    rating_hundredths = models.PositiveSmallIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["component", *OFFERING_RANK_ORDER]
        indexes = [
            models.Index(
                fields=["component", "claimed_mask", "-claimed_count", "-verified_count", "price"],
                name="offering_rank_shortlist",
            ),
            models.Index(
                fields=["component", *OFFERING_RANK_ORDER, "offering"],
                name="offering_rank_rated_order",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["component", "offering"], name="one_rank_per_link")
        ]

    def __str__(self):
        return f"{self.offering_id} for {self.component_id}"


class StandardClaimCount(models.Model):
    """Derived, never edited: how many public offerings claim a standard, verified and only
    claimed, so the standards list and a standard's page read one row instead of counting
    100,000 claims joined to their offerings (49 ms and 26 ms at scale). A standard is
    recounted (catalogue.services.standard_claim_counts_rebuild) when a claim of it is
    saved or deleted and when an offering or supplier claiming it is saved, published,
    unpublished or withdrawn; all are on a full rebuild of the price summary."""

    standard = models.OneToOneField(
        Standard, on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    verified_count = models.PositiveIntegerField()
    claimed_count = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.standard_id}: {self.verified_count} + {self.claimed_count}"


class PublicOfferingTotal(models.Model):
    """Derived, never edited: one row, how many offerings are public (public_offering_q),
    so the home page reads it instead of counting 50,000 offerings joined to their
    suppliers (8 ms at scale, on every visit). Recounted
    (catalogue.services.public_offering_total_recount) whenever the price summary is, which
    every save, publication, unpublication or withdrawal of an offering or a supplier
    does, and when an offering is deleted."""

    count = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.count} public offerings"


class ConformanceClaim(models.Model):
    """An offering's claim to meet a standard, with evidence. An editor may verify it;
    until then the site shows it as claimed only."""

    offering = ParentalKey(Offering, on_delete=models.CASCADE, related_name="claims")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="claims")
    evidence_url = models.URLField("Evidence URL", blank=True)
    statement = models.TextField(
        blank=True,
        **text_limit(STATEMENT_MAX_LENGTH),
        help_text="How the offering meets the standard. Markdown.",
    )
    statement_html = RenderedMarkdownField(source="statement")
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # "verified" is a checkbox on the admin form (catalogue.admin_forms), which records the
    # editor who ticked it and when; nobody types a verified_at date or picks a verifier.
    panels = [
        FieldPanel("standard"),
        FieldPanel("evidence_url"),
        FieldPanel("statement"),
        FieldPanel("verified"),
    ]

    class Meta:
        ordering = ["standard__name"]
        constraints = [
            models.UniqueConstraint(fields=["offering", "standard"], name="one_claim_per_standard")
        ]
        indexes = [
            # A standard's page lists its claims verified first (catalogue.selectors
            # .standard_claims): read in that order instead of sorting thousands of claims.
            NullsLastIndex(
                models.F("standard"),
                models.F("verified_at").desc(nulls_last=True),
                name="claim_standard_verified",
            ),
        ]

    def __str__(self):
        return f"{self.offering} meets {self.standard}"

    def save(self, *args, **kwargs):
        from .services import standard_claim_counts_rebuild

        # Its standard's counts change (and, moved to another, the old one's); a deleted
        # claim's are recounted on post_delete (catalogue.apps), which cascades send too.
        before = set()
        if self.pk:
            before = set(
                ConformanceClaim.objects.filter(pk=self.pk).values_list("standard_id", flat=True)
            )
        super().save(*args, **kwargs)
        standard_claim_counts_rebuild(standard_ids=before | {self.standard_id})

    @property
    def is_verified(self):
        return self.verified_at is not None


class SupplierMembership(models.Model):
    """A user's membership of a supplier organisation: members manage the organisation's
    offerings in the supplier portal and invite others. An organisation keeps at least one
    member."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supplier_memberships"
    )
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["supplier__name", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "supplier"], name="one_membership_per_user")
        ]

    def __str__(self):
        return f"{self.user} in {self.supplier}"

    def get_absolute_url(self):
        return reverse("portal:organisation", kwargs={"supplier_id": self.supplier_id})


class SupplierInvitation(models.Model):
    """An invitation, sent by email by a member, to join a supplier organisation. Only a
    hash of its token is stored; it works once, before it expires."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.email} to join {self.supplier}"

    def get_absolute_url(self):
        return reverse("portal:organisation", kwargs={"supplier_id": self.supplier_id})
