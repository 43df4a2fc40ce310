from django.db.models import Max
from django.db.models.functions import Coalesce
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap
from wagtail.contrib.sitemaps.views import index as sitemap_index
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from catalogue.feeds import OfferingFeed
from catalogue.sitemaps import SECTION_SIZE
from catalogue.sitemaps import SITEMAPS as CATALOGUE_SITEMAPS
from recipes.feeds import RecipeFeed

from . import api_urls, media, views
from .accounts.urls import old_urlpatterns as old_account_urls
from .accounts.views import MovedView


class PageSitemap(WagtailSitemap):
    """Wagtail's live public pages (the recipes and their index), a section page at a time."""

    limit = SECTION_SIZE

    def get_latest_lastmod(self):
        # One aggregate of the date each page's lastmod uses, rather than loading every page.
        latest = Max(Coalesce("last_published_at", "latest_revision_created_at"))
        return self.items().order_by().aggregate(latest=latest)["latest"]


# /sitemap.xml is an index of the sections' pages; each section is /sitemap-<section>.xml.
SITEMAPS = {"pages": PageSitemap, **CATALOGUE_SITEMAPS}

urlpatterns = [
    # Editors sign in through the same rate-limited, email-verified sign-in as everyone.
    path("admin/login/", MovedView.as_view(pattern_name="account_login", permanent=False)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Uploaded files on local disk, in every environment (see patterns_site/media.py).
    path("media/<path:path>", media.media_file, name="media"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("site-origin.css", views.site_origin_css, name="site_origin_css"),
    path(
        "sitemap.xml",
        sitemap_index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("api/", include(api_urls)),
    path("data/", include((api_urls.data_urlpatterns, "data"))),
    path("feeds/recipes/", RecipeFeed(), name="recipe_feed"),
    path("feeds/offerings/", OfferingFeed(), name="offering_feed"),
    path("about/data/", views.about_data, name="about_data"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("search/", views.search, name="search"),
    path(
        "recipes/<slug:slug>/architecture.svg",
        views.recipe_architecture_svg,
        name="recipe_architecture_svg",
    ),
    path("search/suggest/", views.search_suggestions, name="search_suggestions"),
    # markdownx's own URLs accept anonymous users: these serve its widget for signed-in
    # suppliers and editors only.
    path("markdownx/", include("catalogue.portal.markdownx_urls")),
    path("accounts/", include("patterns_site.follows.urls")),
    path("accounts/", include("patterns_site.accounts.urls")),
    path("supplier/", include(old_account_urls)),
    path("supplier/", include("catalogue.portal.urls")),
    path("council/", include("recipes.council_portal.urls")),
    path("", include("catalogue.urls")),
    path("", include("recipes.urls")),
]

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "patterns_site.views.page_not_found"
handler500 = "patterns_site.views.server_error"
# django-allauth looks for this name when a rate limit is reached.
handler429 = "patterns_site.accounts.views.too_many_attempts"
