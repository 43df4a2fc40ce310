"""Site-wide pages. The home page is the root of the Wagtail page tree, so editors can
change its introduction; everything it lists is chosen by selectors."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from foundations.page_routing import RoutesToItsOneChildType


class HomePage(RoutesToItsOneChildType, Page):
    """The front page: what Plumbing is, search, service areas, newest and most-adopted
    recipes."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["recipes.RecipeIndexPage"]
    max_count = 1

    template = "patterns_site/home_page.html"

    def get_context(self, request, *args, **kwargs):
        from catalogue.cost_choice import assumptions_from_request
        from foundations.content_cache import until_content_changes
        from recipes.costing import with_costs
        from recipes.selectors import home_page_context

        context = super().get_context(request, *args, **kwargs)
        if getattr(request, "is_preview", False):
            context.update(home_page_context())
        else:
            context.update(until_content_changes("home", home_page_context))
        # Cards show costs for the visitor's council, after the data every visitor shares.
        with_costs(
            [*context["newest_recipes"], *context["most_adopted_recipes"]],
            assumptions_from_request(request),
        )
        return context


class SearchSynonym(models.Model):
    """A group of words council staff use for the same thing ("bins, refuse, waste
    collection"). Search expands a query with every other term in its group."""

    terms_text = models.CharField(
        "Terms",
        max_length=500,
        unique=True,
        help_text="Words or phrases that mean the same, separated by commas.",
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why these go together.")

    panels = [FieldPanel("terms_text"), FieldPanel("note")]

    class Meta:
        ordering = ["terms_text"]
        verbose_name = "search synonym"

    def __str__(self):
        return self.terms_text

    def save(self, *args, **kwargs):
        self.terms_text = ", ".join(self.terms)
        super().save(*args, **kwargs)
        cache.delete_many(["search:synonyms", "search:vocabulary"])

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        cache.delete_many(["search:synonyms", "search:vocabulary"])
        return result

    def clean(self):
        if len(self.terms) < 2:
            raise ValidationError({"terms_text": "Enter at least two terms, separated by commas."})

    @property
    def terms(self) -> list[str]:
        return [
            term
            for term in (" ".join(t.split()).lower() for t in self.terms_text.split(","))
            if term
        ]


class FollowTargetFields(models.Model):
    """What a follow or an event is about: exactly one of a recipe, a component, an
    offering or a (top-level) service area. Four foreign keys rather than a generic
    relation, so each row cascades with its target and the digest joins on plain ids."""

    recipe = models.ForeignKey(
        "recipes.RecipePage", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    component = models.ForeignKey(
        "catalogue.Component", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    offering = models.ForeignKey(
        "catalogue.Offering", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    service_area = models.ForeignKey(
        "catalogue.ServiceArea",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    TARGET_FIELDS = ("recipe", "component", "offering", "service_area")

    class Meta:
        abstract = True

    @classmethod
    def one_target_constraint(cls, name: str) -> models.CheckConstraint:
        each = [
            models.Q(**{f"{field}__isnull": field != chosen for field in cls.TARGET_FIELDS})
            for chosen in cls.TARGET_FIELDS
        ]
        condition = each[0]
        for q in each[1:]:
            condition |= q
        return models.CheckConstraint(condition=condition, name=name)

    @property
    def target_field(self) -> str:
        return next(f for f in self.TARGET_FIELDS if getattr(self, f"{f}_id") is not None)

    @property
    def target(self):
        return getattr(self, self.target_field)


class Follow(FollowTargetFields):
    """A person with an account following one recipe, component, offering or service
    area: what they follow decides which FollowEvents reach their daily Digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            FollowTargetFields.one_target_constraint("follow_has_one_target"),
            *[
                # NULLs are distinct, so each holds only for the field that is set.
                models.UniqueConstraint(fields=["user", field], name=f"one_follow_per_{field}")
                for field in FollowTargetFields.TARGET_FIELDS
            ],
        ]

    def __str__(self):
        return f"{self.user} follows {self.target}"

    def get_absolute_url(self):
        return reverse("follows:list")


class FollowEvent(FollowTargetFields):
    """Something that happened to a followed thing (published with a change note, a
    council's adoption made public, a new offering), recorded when it happens and sent
    in the next daily digest to everyone who followed it before then. The headline and
    link are kept as written at the time, so a digest reads no other table."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", "Published"
        UPDATED = "updated", "Updated"
        ADOPTED = "adopted", "Adoption made public"
        NEW_OFFERING = "new_offering", "New offering"
        NEW_RECIPE = "new_recipe", "New recipe"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    headline = models.CharField(max_length=300)
    summary = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=500, help_text="Site-relative link to what changed.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [FollowTargetFields.one_target_constraint("follow_event_has_one_target")]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return self.path


class Digest(models.Model):
    """One daily email to one person: at most one a day (the unique day makes a second
    run of send_digests, even a concurrent one, send nothing), covering the events up to
    covers_until, where the next digest starts."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    day = models.DateField()
    covers_until = models.DateTimeField()
    event_count = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_a_day")]

    def __str__(self):
        return f"Digest for {self.user} on {self.day}"

    def get_absolute_url(self):
        return reverse("follows:list")
