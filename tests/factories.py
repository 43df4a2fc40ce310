"""factory_boy factories for the catalogue and recipes.

Values are deterministic (sequences, not Faker) so a failing test shows the same data
every run. RecipePageFactory builds its StreamFields as the raw JSON Wagtail stores,
the same shape recipes.interchange writes, and publishes the page under the recipe index.
"""

import json
import uuid
from decimal import Decimal

import factory
import wagtail_factories
from allauth.account.models import EmailAddress
from django.utils import timezone
from factory.django import DjangoModelFactory

from catalogue.models import (
    Component,
    ConformanceClaim,
    Council,
    CouncilMembership,
    CouncilType,
    LocalService,
    Offering,
    ServiceArea,
    Standard,
    Supplier,
    SupplierMembership,
)
from patterns_site.services import page_tree_ensure
from recipes.models import Adoption, AdoptionOutcome, RecipePage


class CouncilTypeFactory(DjangoModelFactory):
    class Meta:
        model = CouncilType
        django_get_or_create = ("code",)

    code = "MD"
    name = "Metropolitan district"
    plural_name = "Metropolitan districts"
    tier = "unitary"


class CouncilFactory(DjangoModelFactory):
    class Meta:
        model = Council

    code = factory.Sequence(lambda n: f"T{n:05d}")
    gss_code = factory.Sequence(lambda n: f"E{n:08d}")
    name = factory.Sequence(lambda n: f"Testborough {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    official_name = factory.LazyAttribute(lambda o: f"{o.name} Council")
    council_type = factory.SubFactory(CouncilTypeFactory)
    nation = "England"
    region = "Yorkshire and The Humber"
    population = 250_000
    homepage_url = factory.LazyAttribute(lambda o: f"https://www.{o.slug}.gov.uk")


class ServiceAreaFactory(DjangoModelFactory):
    class Meta:
        model = ServiceArea

    # Well above the esd identifiers, so factories never collide with reference data.
    identifier = factory.Sequence(lambda n: 90_000 + n)
    name = factory.Sequence(lambda n: f"Service area {n}")
    slug = factory.Sequence(lambda n: f"service-area-{n}")
    parent = None


class LocalServiceFactory(DjangoModelFactory):
    class Meta:
        model = LocalService

    identifier = factory.Sequence(lambda n: 90_000 + n)
    label = factory.Sequence(lambda n: f"Local service {n}")


class StandardFactory(DjangoModelFactory):
    class Meta:
        model = Standard

    name = factory.Sequence(lambda n: f"Data standard {n}")
    short_name = ""
    slug = factory.Sequence(lambda n: f"data-standard-{n}")
    category = Standard.Category.DATA
    summary = factory.LazyAttribute(lambda o: f"What {o.name} covers.")
    url = factory.LazyAttribute(lambda o: f"https://standards.example.org/{o.slug}")


class ComponentFactory(DjangoModelFactory):
    class Meta:
        model = Component
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Component {n}")
    slug = factory.Sequence(lambda n: f"component-{n}")
    category = Component.Category.NOTIFICATIONS
    summary = factory.LazyAttribute(lambda o: f"What {o.name} does.")

    @factory.post_generation
    def standards(self, create, extracted, **kwargs):
        if create and extracted:
            self.standards.set(extracted)
            self.save()


class SupplierFactory(DjangoModelFactory):
    class Meta:
        model = Supplier

    name = factory.Sequence(lambda n: f"Supplier {n} Ltd")
    slug = factory.Sequence(lambda n: f"supplier-{n}")
    website = factory.LazyAttribute(lambda o: f"https://{o.slug}.example.com")
    description = factory.LazyAttribute(lambda o: f"{o.name} builds software for councils.")
    contact_email = factory.LazyAttribute(lambda o: f"private@{o.slug}.example.com")
    is_sme = True
    is_sample = False


class OfferingFactory(DjangoModelFactory):
    """A published offering (live=True). Pass live=False for a draft, or
    withdrawn_at=timezone.now() for a withdrawn one."""

    class Meta:
        model = Offering
        skip_postgeneration_save = True

    supplier = factory.SubFactory(SupplierFactory)
    name = factory.Sequence(lambda n: f"Offering {n}")
    slug = factory.Sequence(lambda n: f"offering-{n}")
    summary = factory.LazyAttribute(lambda o: f"{o.name} in one sentence.")
    pricing_unit = Offering.PricingUnit.PER_YEAR
    price = Decimal("1200.00")
    hosting = Offering.Hosting.CLOUD_UK
    live = True

    @factory.post_generation
    def components(self, create, extracted, **kwargs):
        if create and extracted:
            self.components.set(extracted)
            self.save()


class ConformanceClaimFactory(DjangoModelFactory):
    class Meta:
        model = ConformanceClaim

    offering = factory.SubFactory(OfferingFactory)
    standard = factory.SubFactory(StandardFactory)
    evidence_url = "https://evidence.example.com/report"
    statement = "We meet it in full."
    verified_at = None

    class Params:
        verified = factory.Trait(verified_at=factory.LazyFunction(timezone.now))


def recipe_index():
    """The recipe index page, building the page tree first if it is not there."""
    return page_tree_ensure()[1]


def stream(blocks):
    """Raw StreamField JSON, as Wagtail stores it, from (type, value) pairs."""
    return json.dumps(
        [{"type": kind, "value": value, "id": str(uuid.uuid4())} for kind, value in blocks]
    )


def ingredients_stream(components=(), standards=(), people=()):
    """Ingredients as raw StreamField JSON: a component block per Component, a standard
    block per Standard and a people block per (role, days) pair."""
    blocks = [
        ("component", {"component": component.pk, "why": f"It needs {component.name.lower()}."})
        for component in components
    ]
    blocks += [
        ("standard", {"standard": standard.pk, "why": f"It must speak {standard.name}."})
        for standard in standards
    ]
    blocks += [("people", {"role": role, "days": str(days), "notes": ""}) for role, days in people]
    return stream(blocks)


DEFAULT_METHOD = [
    ("Find the address", "<p>Ask for a postcode and pick the address.</p>", "addresses"),
    ("Check answers", "<p>Show what the resident told us before they send it.</p>", ""),
]


def method_stream(steps=DEFAULT_METHOD):
    """Method steps as raw StreamField JSON from (title, body html, design system slug),
    with the Components the step uses as an optional fourth item."""
    return stream(
        (
            "step",
            {
                "title": step[0],
                "body": step[1],
                "design_system": step[2],
                "components": [component.pk for component in (step[3] if len(step) > 3 else [])],
            },
        )
        for step in steps
    )


class RecipePageFactory(wagtail_factories.PageFactory):
    """A published recipe under the recipe index.

    Ingredients come from the components, standards and people params (people as
    (role, days) pairs); with none given, it needs one new component. Outcomes and
    variations take raw StreamField JSON (see stream()).
    """

    class Meta:
        model = RecipePage
        skip_postgeneration_save = True

    class Params:
        components = factory.LazyFunction(lambda: [ComponentFactory()])
        standards = ()
        people = ()

    parent = factory.LazyFunction(recipe_index)
    title = factory.Sequence(lambda n: f"Recipe {n}")
    slug = factory.Sequence(lambda n: f"recipe-{n}")
    summary = factory.LazyAttribute(lambda o: f"How councils run {o.title.lower()}.")
    problem = "<p>Residents phone the contact centre.</p>"
    when_to_use = "<p>When the back office has an API.</p>"
    maturity = "beta"
    ingredients = factory.LazyAttribute(
        lambda o: ingredients_stream(o.components, o.standards, o.people)
    )
    method = factory.LazyFunction(method_stream)
    setup_cost_min = Decimal("5000")
    setup_cost_max = Decimal("15000")
    yearly_cost_min = Decimal("2000")
    yearly_cost_max = Decimal("4000")
    staff_effort_days = Decimal("30")
    weeks_to_launch = 12

    @factory.post_generation
    def serves(self, create, extracted, **kwargs):
        if extracted:
            self.serves.set(extracted)

    @factory.post_generation
    def service_areas(self, create, extracted, **kwargs):
        if extracted:
            self.service_areas.set(extracted)

    @factory.post_generation
    def publish(self, create, extracted, **kwargs):
        """Publish a revision, as an editor would, so first_published_at is set. With
        publish=False the page is only saved: a quicker live page without history, or
        a draft when live=False too."""
        if not create:
            return
        if extracted is False:
            self.save()  # Saves the many-to-many choices above.
        else:
            self.save_revision().publish()
            self.refresh_from_db()


class AdoptionFactory(DjangoModelFactory):
    class Meta:
        model = Adoption

    recipe = factory.SubFactory(RecipePageFactory)
    council = factory.SubFactory(CouncilFactory)
    status = Adoption.Status.LIVE
    notes = ""
    is_sample = False


class AdoptionOutcomeFactory(DjangoModelFactory):
    class Meta:
        model = AdoptionOutcome

    adoption = factory.SubFactory(AdoptionFactory)
    metric = "Reports made online"
    value = Decimal("60")
    unit = "percent"


class UserFactory(DjangoModelFactory):
    """An active account that signs in with its email address and PASSWORD: its address
    is verified and primary, as allauth needs (email_verified=False for one that has
    not followed its link yet)."""

    class Meta:
        model = "auth.User"
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    username = factory.LazyAttribute(lambda o: o.email.lower())
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")
    is_active = True

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()

    @factory.post_generation
    def email_verified(self, create, extracted, **kwargs):
        if create and self.email:
            EmailAddress.objects.update_or_create(
                user=self,
                email=self.email.strip().lower(),
                defaults={"primary": True, "verified": extracted is not False},
            )


UserFactory.PASSWORD = "correct horse battery"


class SupplierMembershipFactory(DjangoModelFactory):
    """A user who is a member of a supplier organisation in the portal."""

    class Meta:
        model = SupplierMembership

    user = factory.SubFactory(UserFactory)
    supplier = factory.SubFactory(SupplierFactory)


class CouncilMembershipFactory(DjangoModelFactory):
    """A user who is verified staff of a council."""

    class Meta:
        model = CouncilMembership

    user = factory.SubFactory(UserFactory)
    council = factory.SubFactory(CouncilFactory)
    email = factory.LazyAttribute(lambda o: o.user.email)
