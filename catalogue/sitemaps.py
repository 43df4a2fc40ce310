"""Sitemap sections for the catalogue's detail pages, listed in /sitemap.xml beside
Wagtail's recipe pages."""

from django.contrib.sitemaps import Sitemap

from .models import Component, Council, Offering, Standard, Supplier


class ComponentSitemap(Sitemap):
    def items(self):
        return Component.objects.order_by("slug").only("slug")


class StandardSitemap(Sitemap):
    def items(self):
        return Standard.objects.order_by("slug").only("slug")


class SupplierSitemap(Sitemap):
    def items(self):
        return Supplier.objects.order_by("slug").only("slug")


class OfferingSitemap(Sitemap):
    """Published offerings only: a draft or withdrawn one has no public page."""

    def items(self):
        return Offering.objects.public().order_by("slug").only("slug", "last_published_at")

    def lastmod(self, item):
        return item.last_published_at


class CouncilSitemap(Sitemap):
    def items(self):
        return Council.objects.order_by("slug").only("slug")


SITEMAPS = {
    "components": ComponentSitemap,
    "standards": StandardSitemap,
    "suppliers": SupplierSitemap,
    "offerings": OfferingSitemap,
    "councils": CouncilSitemap,
}
