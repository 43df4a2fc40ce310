"""Recipes: reusable council service patterns, written up like a cooking recipe.

A RecipePage lists its ingredients (components, standards, people), its method, its
costs and targeted outcomes, and which councils it serves. Adoptions record the real
councils that run it and the outcomes they measured.
"""

import secrets
from decimal import Decimal
from statistics import median

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PageChooserPanel,
    TabbedInterface,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import DraftStateMixin, Orderable, Page, RevisionMixin, WorkflowMixin
from wagtail.search import index

from catalogue.markdown import RenderedMarkdownField
from catalogue.models import (
    DESCRIPTION_MAX_LENGTH,
    MONEY,
    STATEMENT_MAX_LENGTH,
    Component,
    Council,
    CouncilType,
    LocalService,
    Offering,
    ServiceArea,
    Standard,
    text_limit,
)
from catalogue.services import offering_ratings_rebuild
from foundations.page_routing import RoutesToItsOneChildType

from .admin_forms import RecipePageForm
from .blocks import (
    OUTCOME_UNIT_CHOICES,
    IngredientsBlock,
    MethodBlock,
    OutcomesBlock,
    UserNeedsBlock,
    VariationsBlock,
)
from .design_system import design_system_items

RICH_TEXT_FEATURES = ["bold", "italic", "ul", "ol", "link"]


class Maturity(models.TextChoices):
    ALPHA = "alpha", "Alpha"
    BETA = "beta", "Beta"
    LIVE = "live", "Live"
    RETIRED = "retired", "Retired"


class RecipeIndexPage(RoutesToItsOneChildType, Page):
    """The list of all recipes at /recipes/, with filters."""

    intro = RichTextField(
        blank=True, features=RICH_TEXT_FEATURES, max_length=DESCRIPTION_MAX_LENGTH
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["patterns_site.HomePage"]
    subpage_types = ["recipes.RecipePage"]
    max_count = 1

    template = "recipes/recipe_index_page.html"

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if response.context_data.get("filters_invalid"):
            response.status_code = 400
        return response

    def get_context(self, request, *args, **kwargs):
        from .page_context import recipe_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(recipe_index_context(request, index_page=self))
        return context


class RecipePage(Page):
    """One reusable service pattern: ingredients, method, costs, outcomes, who it serves."""

    # Long text and pictures only the recipe page itself shows: lists of recipes (cards,
    # search results) leave them unread.
    PAGE_ONLY_FIELDS = (
        "problem",
        "user_needs",
        "when_to_use",
        "when_not_to_use",
        "method",
        "outcomes",
        "variations",
        "architecture",
        "architecture_svg",
        "adoption_map_svg",
    )

    summary = models.CharField(max_length=300, help_text="One or two sentences for lists.")
    problem = RichTextField(
        "Problem", features=RICH_TEXT_FEATURES, max_length=DESCRIPTION_MAX_LENGTH
    )
    user_needs = StreamField(UserNeedsBlock(), blank=True)
    when_to_use = RichTextField(features=RICH_TEXT_FEATURES, max_length=DESCRIPTION_MAX_LENGTH)
    when_not_to_use = RichTextField(
        blank=True, features=RICH_TEXT_FEATURES, max_length=DESCRIPTION_MAX_LENGTH
    )

    service_areas = ParentalManyToManyField(ServiceArea, blank=True, related_name="recipes")
    serves = ParentalManyToManyField(
        CouncilType, blank=True, related_name="recipes", help_text="Council types it suits."
    )
    serves_population_min = models.PositiveIntegerField(
        "Smallest population it suits", null=True, blank=True
    )
    serves_population_max = models.PositiveIntegerField(
        "Largest population it suits", null=True, blank=True
    )
    maturity = models.CharField(max_length=10, choices=Maturity.choices, default=Maturity.BETA)
    last_reviewed = models.DateField(null=True, blank=True)
    change_summary = models.CharField(
        "What changed",
        max_length=300,
        blank=True,
        help_text="A sentence for the public change log, saved with this revision. "
        "Leave it blank for minor edits.",
    )

    ingredients = StreamField(IngredientsBlock())
    method = StreamField(MethodBlock())

    setup_cost_min = models.DecimalField("One-off set-up cost, from", **MONEY, default=0)
    setup_cost_max = models.DecimalField("One-off set-up cost, to", **MONEY, default=0)
    yearly_cost_min = models.DecimalField("Yearly running cost, from", **MONEY, default=0)
    yearly_cost_max = models.DecimalField("Yearly running cost, to", **MONEY, default=0)
    staff_effort_days = models.DecimalField(
        "Staff effort (days)", max_digits=7, decimal_places=1, default=0,
        validators=[MinValueValidator(Decimal("0"))],
    )  # fmt: skip
    weeks_to_launch = models.PositiveSmallIntegerField(default=0)
    volume_driver = models.CharField(
        max_length=100,
        blank=True,
        help_text="What the service handles, such as 'missed bin reports'. Used to scale costs.",
    )
    volume_per_1000_residents = models.DecimalField(
        "Yearly volume per 1,000 residents",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )

    outcomes = StreamField(OutcomesBlock(), blank=True)
    variations = StreamField(VariationsBlock(), blank=True)

    # Derived from the ingredients on save, so lists can filter by component or
    # standard with a join instead of reading every StreamField.
    components_used = ParentalManyToManyField(Component, blank=True, related_name="recipes")
    standards_used = ParentalManyToManyField(Standard, blank=True, related_name="recipes")
    # The architecture picture's facts and its drawing, made on save (see
    # recipes/architecture.py) so that no page view lays it out.
    architecture = models.JSONField(default=dict, blank=True, editable=False)
    architecture_svg = models.TextField(default="", blank=True, editable=False)
    # The map of the councils that recorded an adoption (recipes/maps.py) and how many
    # did, kept when the page is saved (adoptions_summarise) and when an adoption changes
    # (recipes.services.adoption_map_redraw_for): lists sort by the count, which a
    # correlated count over every recipe made slow.
    adoption_map_svg = models.TextField(default="", blank=True, editable=False)
    adoption_count = models.PositiveIntegerField(default=0, editable=False)

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary", boost=2),
        index.SearchField("problem"),
        index.SearchField("when_to_use"),
        index.SearchField("ingredients"),
        index.SearchField("method"),
        index.AutocompleteField("title"),
        index.FilterField("maturity"),
    ]

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("problem"),
                FieldPanel("user_needs"),
                FieldPanel("when_to_use"),
                FieldPanel("when_not_to_use"),
            ],
            heading="Problem and user needs",
        ),
        FieldPanel("ingredients"),
        FieldPanel("method"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("setup_cost_min"), FieldPanel("setup_cost_max")]),
                FieldRowPanel([FieldPanel("yearly_cost_min"), FieldPanel("yearly_cost_max")]),
                FieldRowPanel([FieldPanel("staff_effort_days"), FieldPanel("weeks_to_launch")]),
                FieldRowPanel(
                    [FieldPanel("volume_driver"), FieldPanel("volume_per_1000_residents")]
                ),
            ],
            heading="Costs",
        ),
        FieldPanel("outcomes"),
        FieldPanel("variations"),
        InlinePanel("related_links", heading="Related recipes", label="Related recipe"),
        # Last, next to the publish button; recipes.admin_forms makes it required.
        FieldPanel(
            "change_summary",
            heading="Change note",
            help_text="What changed in this version, in a sentence, for the recipe's public "
            "change log. Needed to publish a recipe that is already published, or to send "
            "it for review.",
        ),
    ]
    classification_panels = [
        FieldPanel("maturity"),
        FieldPanel("last_reviewed"),
        FieldPanel("service_areas"),
        InlinePanel("lgsl_links", heading="Local Government Service List", label="LGSL service"),
        FieldPanel("serves", widget=forms.CheckboxSelectMultiple),
        FieldRowPanel([FieldPanel("serves_population_min"), FieldPanel("serves_population_max")]),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(classification_panels, heading="Classification"),
            ObjectList(Page.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )
    base_form_class = RecipePageForm

    parent_page_types = ["recipes.RecipeIndexPage"]
    subpage_types = []

    template = "recipes/recipe_page.html"

    class Meta:
        verbose_name = "recipe"
        # "Most adopted" reads the top few from the index alone (the rows are wide).
        indexes = [
            models.Index(fields=["adoption_count", "page_ptr"], name="recipe_adoption_count")
        ]

    def save(self, *args, **kwargs):
        # modelcluster needs instances, not ids, to defer the change until the save.
        self.components_used.set(Component.objects.filter(pk__in=self.ingredient_ids("component")))
        self.standards_used.set(Standard.objects.filter(pk__in=self.ingredient_ids("standard")))
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "method" in update_fields or "ingredients" in update_fields:
            self.architecture_draw()
        if update_fields is None:
            self.adoptions_summarise()
        return super().save(*args, **kwargs)

    def adoptions_summarise(self) -> None:
        """The map and the count of the adoptions anyone may see (a revision may hold older
        ones: every full save makes them again)."""
        from .maps import adoption_map_svg, council_points, recipe_adopters

        adopters = recipe_adopters(self)
        self.adoption_map_svg = adoption_map_svg(adopters, council_points())
        self.adoption_count = len(adopters)

    def architecture_draw(self) -> None:
        """Lay out the architecture picture from the ingredients and method as they are
        now; saved with the page, and redrawn when a component or standard changes."""
        from .architecture import architecture_svg, recipe_architecture

        self.architecture = recipe_architecture(self)
        self.architecture_svg = architecture_svg(self.architecture)

    def ingredient_ids(self, block_type: str) -> list[int]:
        """Ids of the components or standards chosen in the ingredients, read from the raw
        stream so no snippet is fetched."""
        ids = []
        for item in self.ingredients.raw_data:
            if item["type"] == block_type and item["value"].get(block_type):
                ids.append(int(item["value"][block_type]))
        return ids

    def ingredients_of(self, block_type: str):
        return [block.value for block in self.ingredients if block.block_type == block_type]

    @cached_property
    def component_ingredients(self):
        return [item for item in self.ingredients_of("component") if item["component"]]

    @cached_property
    def standard_ingredients(self):
        return [item for item in self.ingredients_of("standard") if item["standard"]]

    @cached_property
    def people_ingredients(self):
        return self.ingredients_of("people")

    @cached_property
    def method_steps(self) -> list[dict]:
        """The method's steps as the page and its structured data show them: title, body
        (the rich text's source) and the GOV.UK Design System item, read from the raw
        stream. Loading the stream would also fetch the components each step names,
        which only the architecture picture (drawn on save) uses."""
        items = design_system_items()
        return [
            {
                "title": step["value"].get("title", ""),
                "body": step["value"].get("body") or "",
                "design_system_item": items.get(step["value"].get("design_system") or ""),
            }
            for step in self.method.raw_data
            if step["type"] == "step"
        ]

    @property
    def people_days(self) -> Decimal:
        return sum((item["days"] or Decimal("0") for item in self.people_ingredients), Decimal("0"))

    @property
    def is_retired(self):
        return self.maturity == Maturity.RETIRED

    def get_context(self, request, *args, **kwargs):
        from catalogue.cost_choice import assumptions_from_request, assumptions_key
        from foundations.content_cache import until_content_changes

        from .costing import recipe_costs_for
        from .selectors import recipe_detail_context

        context = super().get_context(request, *args, **kwargs)
        assumptions = assumptions_from_request(request)
        if getattr(request, "is_preview", False):  # an unsaved draft: never from the cache
            self.architecture_draw()
            context.update(recipe_detail_context(self))
            context["costs"] = recipe_costs_for(self, assumptions)
        else:
            context.update(
                until_content_changes(f"recipe:{self.pk}", lambda: recipe_detail_context(self))
            )
            context["costs"] = until_content_changes(
                f"recipe-costs:{self.pk}:{assumptions_key(assumptions)}",
                lambda: recipe_costs_for(self, assumptions),
            )
        context["assumptions"] = assumptions
        # For this visitor only (never in the content caches above): their council's
        # pantry and the adopters like their council.
        from .pantry import recipe_personal_context

        context.update(recipe_personal_context(request, self, context))
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        context = getattr(response, "context_data", None) or {}
        if context.get("adopters_invalid"):
            response.status_code = 400
        if context.get("personal"):
            patch_cache_control(response, private=True)
        return response


class RecipeRelation(Orderable):
    """A link from one recipe to another a reader may need next."""

    page = ParentalKey(RecipePage, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(RecipePage, on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("related", "recipes.RecipePage")]

    def __str__(self):
        return f"{self.page} → {self.related}"


class RecipeLocalService(Orderable):
    """A Local Government Service List entry the recipe delivers."""

    page = ParentalKey(RecipePage, on_delete=models.CASCADE, related_name="lgsl_links")
    service = models.ForeignKey(LocalService, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("service")]

    def __str__(self):
        return str(self.service)


class AdoptionQuerySet(models.QuerySet):
    def public(self):
        """Adoptions anyone may see: approved by an editor at least once. Their rows hold
        the approved version; a change council staff made waits in a revision."""
        return self.filter(live=True)


class Adoption(WorkflowMixin, DraftStateMixin, RevisionMixin, ClusterableModel):
    """A council that runs, builds, is exploring or has retired a recipe, with what it
    used and what it measured: the recipe's "cooked by".

    Council staff record and update their own council's adoption in the council portal;
    like a supplier's offering, it waits in the "Council adoption moderation" workflow,
    and the row keeps the approved version until an editor approves. Those approved from
    the portal carry the mark "reported by the council's verified staff"."""

    class Status(models.TextChoices):
        EXPLORING = "exploring", "Exploring"
        BUILDING = "building", "Building"
        LIVE = "live", "Live"
        RETIRED = "retired", "Retired"

    recipe = models.ForeignKey(RecipePage, on_delete=models.CASCADE, related_name="adoptions")
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="adoptions")
    status = models.CharField(max_length=10, choices=Status.choices)
    live_since = models.DateField(
        "Launch date", null=True, blank=True, help_text="When it went live, if it has."
    )
    components_used = ParentalManyToManyField(
        Component, blank=True, related_name="adoptions_using", verbose_name="Components used"
    )
    offerings_used = ParentalManyToManyField(
        Offering, blank=True, related_name="adoptions_using", verbose_name="Offerings used"
    )
    notes = models.TextField(
        blank=True, **text_limit(STATEMENT_MAX_LENGTH), help_text="The council's notes. Markdown."
    )
    notes_html = RenderedMarkdownField(source="notes")
    is_sample = models.BooleanField(
        "Sample data", default=False, help_text="Fictional figures for demonstration."
    )
    reported_by_staff = models.BooleanField(
        "Reported by the council's verified staff",
        default=False,
        editable=False,
        help_text="Set when the council's own staff recorded it in the council portal.",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AdoptionQuerySet.as_manager()

    panels = [
        FieldPanel("recipe"),
        FieldPanel("council"),
        FieldRowPanel([FieldPanel("status"), FieldPanel("live_since")]),
        FieldPanel("components_used", widget=forms.CheckboxSelectMultiple),
        FieldPanel("offerings_used"),
        FieldPanel("notes"),
        FieldPanel("is_sample"),
        InlinePanel("outcomes", heading="Measured outcomes", label="Outcome"),
    ]

    class Meta:
        ordering = ["council__name"]
        constraints = [
            models.UniqueConstraint(fields=["recipe", "council"], name="one_adoption_per_council")
        ]

    def __str__(self):
        return f"{self.council.name}: {self.recipe.title}"

    def get_absolute_url(self):
        return self.recipe.url + "#adoptions"

    def clean(self):
        if self.live_since and self.status not in {self.Status.LIVE, self.Status.RETIRED}:
            raise ValidationError(
                {"live_since": "Only a live or retired adoption has a launch date"}
            )


class AdoptionOutcome(Orderable):
    """One figure a council measured after adopting a recipe."""

    adoption = ParentalKey(Adoption, on_delete=models.CASCADE, related_name="outcomes")
    metric = models.CharField(max_length=150, help_text="Use the recipe's wording for the metric.")
    value = models.DecimalField(max_digits=12, decimal_places=2)
    baseline = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=10, choices=OUTCOME_UNIT_CHOICES)
    measured_on = models.DateField("Date measured", null=True, blank=True)
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the figure comes from, like a report."
    )
    source_url = models.URLField("Source URL", blank=True)

    panels = [
        FieldPanel("metric"),
        FieldRowPanel([FieldPanel("value"), FieldPanel("baseline"), FieldPanel("unit")]),
        FieldRowPanel([FieldPanel("measured_on"), FieldPanel("source"), FieldPanel("source_url")]),
    ]

    def __str__(self):
        return f"{self.metric}: {self.value} {self.unit}"


class ReviewQuerySet(models.QuerySet):
    def public(self):
        """Reviews anyone may see: approved by an editor, and not hidden by one."""
        return self.filter(live=True, hidden_at__isnull=True)


REVIEW_TEXT_MAX_LENGTH = 2_000


class Review(WorkflowMixin, DraftStateMixin, RevisionMixin, models.Model):
    """A council's review of a recipe ("did this recipe work for us?") or of an offering
    its adoptions record using: a rating from 1 to 5, what worked and what did not. One
    per council per recipe or offering, written and kept up to date by its verified staff
    in the council portal, moderated like an adoption ("Council review moderation").

    The offering's supplier may reply once, publicly; anyone may report a review, and an
    editor may hide it. Those (MODERATION_EXEMPT_FIELDS) apply at once, outside revisions."""

    MODERATION_EXEMPT_FIELDS = (
        "supplier_reply",
        "supplier_reply_html",
        "supplier_replied_at",
        "hidden_at",
    )

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="reviews")
    recipe = models.ForeignKey(
        RecipePage, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    offering = models.ForeignKey(
        Offering, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="1 (poor) to 5."
    )
    worked = models.TextField("What worked", **text_limit(REVIEW_TEXT_MAX_LENGTH))
    worked_html = RenderedMarkdownField(source="worked")
    did_not_work = models.TextField(
        "What did not work", blank=True, **text_limit(REVIEW_TEXT_MAX_LENGTH)
    )
    did_not_work_html = RenderedMarkdownField(source="did_not_work")
    is_sample = models.BooleanField("Sample data", default=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    supplier_reply = models.TextField(blank=True, **text_limit(REVIEW_TEXT_MAX_LENGTH))
    supplier_reply_html = RenderedMarkdownField(source="supplier_reply")
    supplier_replied_at = models.DateTimeField(null=True, blank=True, editable=False)
    hidden_at = models.DateTimeField(
        "Hidden", null=True, blank=True, help_text="Set to hide the review from the public."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    panels = [
        FieldPanel("council", read_only=True),
        FieldPanel("recipe", read_only=True),
        FieldPanel("offering", read_only=True),
        FieldPanel("rating"),
        FieldPanel("worked"),
        FieldPanel("did_not_work"),
        FieldPanel("supplier_reply", read_only=True),
        FieldPanel("hidden_at"),
        FieldPanel("is_sample"),
    ]

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipe__isnull=True) ^ models.Q(offering__isnull=True),
                name="review_of_one_thing",
            ),
            models.UniqueConstraint(
                fields=["council", "recipe"],
                condition=models.Q(recipe__isnull=False),
                name="one_recipe_review_per_council",
            ),
            models.UniqueConstraint(
                fields=["council", "offering"],
                condition=models.Q(offering__isnull=False),
                name="one_offering_review_per_council",
            ),
        ]
        # Lists sorted or filtered by councils' rating (catalogue.selectors.with_ratings)
        # count and average each row's public reviews: at 50,000 offerings these let
        # PostgreSQL read the ratings from the index alone.
        indexes = [
            models.Index(
                fields=["offering", "rating"],
                condition=models.Q(live=True, hidden_at__isnull=True, offering__isnull=False),
                name="review_public_offering",
            ),
            models.Index(
                fields=["recipe", "rating"],
                condition=models.Q(live=True, hidden_at__isnull=True, recipe__isnull=False),
                name="review_public_recipe",
            ),
        ]

    def __str__(self):
        return f"{self.council.name} on {self.recipe or self.offering}"

    # The offering keeps its public reviews' count and average (Offering.review_count):
    # every write that can change which reviews are public, or their rating, recounts it.
    def save(self, *args, **kwargs):
        before = None
        if self.pk:
            before = Review.objects.filter(pk=self.pk).values_list("offering_id", flat=True).first()
        super().save(*args, **kwargs)
        self.offering_rating_refresh(before)

    def get_absolute_url(self):
        thing = self.recipe or self.offering
        return thing.url if self.recipe_id else thing.get_absolute_url()

    @property
    def reported_by_staff(self):
        """Every review that is not sample data is written by the council's staff."""
        return not self.is_sample

    def save_revision(self, *args, **kwargs):
        # Before the revision: saving it makes cached pages stale, and a hidden review
        # must not be cached again as shown in between.
        exempt = {name: getattr(self, name) for name in self.MODERATION_EXEMPT_FIELDS}
        Review.objects.filter(pk=self.pk).update(**exempt)
        self.offering_rating_refresh()  # hiding or showing it applies here
        return super().save_revision(*args, **kwargs)

    def offering_rating_refresh(self, *also):
        if self.offering_id or any(also):
            offering_ratings_rebuild(offering_ids={self.offering_id, *also})

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        for name in self.MODERATION_EXEMPT_FIELDS:
            setattr(obj, name, getattr(self, name))
        return obj


class ReviewReport(models.Model):
    """Someone's report that a review breaks the rules, for editors to look at."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports")
    reason = models.TextField(max_length=1_000, validators=[MaxLengthValidator(1_000)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Report on {self.review}"


def summarise_outcomes(adoptions) -> list[dict]:
    """Group the outcomes councils measured by metric: how many reported it, the range,
    the median and when the latest report was updated. Works on prefetched adoptions, so
    it adds no query."""
    grouped: dict[tuple[str, str], list[Decimal]] = {}
    labels: dict[tuple[str, str], str] = {}
    latest: dict[tuple[str, str], object] = {}
    for adoption in adoptions:
        for outcome in adoption.outcomes.all():
            key = (outcome.metric.strip().lower(), outcome.unit)
            grouped.setdefault(key, []).append(outcome.value)
            labels.setdefault(key, outcome.metric.strip())
            if adoption.updated_at and (key not in latest or adoption.updated_at > latest[key]):
                latest[key] = adoption.updated_at
    units = dict(OUTCOME_UNIT_CHOICES)
    summary = []
    for key, values in grouped.items():
        summary.append(
            {
                "metric": labels[key],
                "unit": key[1],
                "unit_label": units.get(key[1], key[1]),
                "councils": len(values),
                "minimum": min(values),
                "maximum": max(values),
                "median": median(values),
                "latest": latest.get(key),
            }
        )
    return sorted(summary, key=lambda item: (-item["councils"], item["metric"]))


def saved_basket_id() -> str:
    """An unguessable id for a shared basket link: 128 random bits, URL-safe."""
    return secrets.token_urlsafe(16)


class SavedBasket(models.Model):
    """A read-only copy of someone's basket, shared by link.

    The snapshot holds the lines, prices and totals as they were when it was saved, so
    the shared page keeps working when offerings later change; the page compares it with
    today's catalogue to show what changed.
    """

    id = models.CharField(primary_key=True, max_length=32, default=saved_basket_id, editable=False)
    snapshot = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Saved basket {self.id}"

    def get_absolute_url(self):
        return reverse("basket:saved", kwargs={"basket_id": self.id})


class RecipeProposal(models.Model):
    """A recipe, or a local variation of one, that a council's verified staff proposed in
    the council portal. It became a draft RecipePage under the recipe index (a variation
    too: its own page, linked to the recipe it varies), sent to editors through the
    page moderation workflow; once published, the page is credited to the council.

    submission_key is the form's one-time key, so a double click makes one proposal. The
    page is kept as a link that an editor may break by deleting the draft: the proposal
    then stays, with its title, for the council's list ("not taken forward")."""

    class Kind(models.TextChoices):
        NEW = "new", "A new recipe"
        VARIATION = "variation", "A local variation of a recipe"

    page = models.OneToOneField(
        RecipePage, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposal"
    )
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="recipe_proposals")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NEW)
    based_on = models.ForeignKey(
        RecipePage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The recipe a variation adapts.",
    )
    title = models.CharField(max_length=255)
    submission_key = models.UUIDField(unique=True, editable=False)
    is_sample = models.BooleanField(
        "Sample data", default=False, help_text="Fictional, for demonstration."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Editors change the recipe itself (its page); here only whether it is sample data.
    panels = [
        FieldPanel("title", read_only=True),
        FieldPanel("council", read_only=True),
        FieldPanel("kind", read_only=True),
        FieldPanel("based_on", read_only=True),
        FieldPanel("page", read_only=True),
        FieldPanel("is_sample"),
    ]

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.council.name}: {self.title}"

    def get_absolute_url(self):
        return reverse(
            "council_portal:proposal_detail",
            kwargs={"council_slug": self.council.slug, "proposal_id": self.pk},
        )

    @property
    def reported_by_staff(self):
        """Every proposal that is not sample data is written by the council's staff."""
        return not self.is_sample
