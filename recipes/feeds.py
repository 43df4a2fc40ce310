"""An Atom feed of new and updated recipes, at /feeds/recipes/."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from .models import RecipePage

FEED_LENGTH = 50


class RecipeFeed(Feed):
    feed_type = Atom1Feed
    title = "Plumbing: new and updated recipes"
    link = "/recipes/"
    subtitle = "Reusable council service patterns, newest changes first."

    def items(self):
        return (
            RecipePage.objects.live().public().order_by("-last_published_at", "title")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        if item.change_summary:
            return f"{item.summary} What changed: {item.change_summary}"
        return item.summary

    def item_link(self, item):
        return item.get_url()

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at
