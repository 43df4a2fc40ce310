"""An Atom feed of newly published offerings, at /feeds/offerings/."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from .models import Offering

FEED_LENGTH = 50


class OfferingFeed(Feed):
    feed_type = Atom1Feed
    title = "Plumbing: newly published offerings"
    link = "/offerings/"
    subtitle = "Products that provide the common components council services need."

    def items(self):
        return (
            Offering.objects.public()
            .select_related("supplier")
            .order_by("-first_published_at", "name")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return f"{item.name}, from {item.supplier.name}"

    def item_description(self, item):
        if item.supplier.is_sample:
            return f"{item.summary} (Sample data: a fictional supplier.)"
        return item.summary

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return item.supplier.name
