"""Site-wide pages. The home page is the root of the Wagtail page tree, so editors can
change its introduction; everything it lists is chosen by selectors."""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
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
