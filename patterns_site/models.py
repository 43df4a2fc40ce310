"""Site-wide pages. The home page is the root of the Wagtail page tree, so editors can
change its introduction; everything it lists is chosen by selectors."""

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
        from recipes.selectors import home_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(home_page_context())
        return context
