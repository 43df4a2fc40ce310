"""Sitemap sections for the catalogue's detail pages, listed in the /sitemap.xml index
beside Wagtail's recipe pages.

Each section is served a page of SECTION_SIZE URLs at a time (/sitemap-<section>.xml?p=N),
well under the sitemap protocol's 50,000 URLs per file, and loads only the fields its URLs
need, so one page of a section stays quick at any catalogue size."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from .models import Component, Council, Offering, Standard, Supplier

SECTION_SIZE = 5_000


class SlugSitemap(Sitemap):
    """A model's pages by slug, the only field get_absolute_url reads."""

    limit = SECTION_SIZE
    model = None

    def items(self):
        return self.model.objects.order_by("slug").only("slug")


class ComponentSitemap(SlugSitemap):
    model = Component


class StandardSitemap(SlugSitemap):
    model = Standard


class SupplierSitemap(SlugSitemap):
    """Approved organisations only: one waiting for review has no public page."""

    def items(self):
        return Supplier.objects.public().order_by("slug").only("slug")


class OfferingSitemap(Sitemap):
    """Published offerings only: a draft or withdrawn one has no public page."""

    limit = SECTION_SIZE

    def items(self):
        return Offering.objects.public().order_by("slug").only("slug", "last_published_at")

    def lastmod(self, item):
        return item.last_published_at

    def get_latest_lastmod(self):
        # The index asks for this: one aggregate rather than Django's default of loading
        # every item to take the latest.
        return self.items().aggregate(latest=Max("last_published_at"))["latest"]


class CouncilSitemap(SlugSitemap):
    model = Council


SITEMAPS = {
    "components": ComponentSitemap,
    "standards": StandardSitemap,
    "suppliers": SupplierSitemap,
    "offerings": OfferingSitemap,
    "councils": CouncilSitemap,
}
