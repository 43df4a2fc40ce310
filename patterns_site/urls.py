from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps import Sitemap as PageSitemap
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from catalogue.feeds import OfferingFeed
from catalogue.sitemaps import SITEMAPS as CATALOGUE_SITEMAPS
from recipes.feeds import RecipeFeed

from . import api_urls, views

SITEMAPS = {"pages": PageSitemap, **CATALOGUE_SITEMAPS}

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("api/", include(api_urls)),
    path("data/", include((api_urls.data_urlpatterns, "data"))),
    path("feeds/recipes/", RecipeFeed(), name="recipe_feed"),
    path("feeds/offerings/", OfferingFeed(), name="offering_feed"),
    path("about/data/", views.about_data, name="about_data"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("search/", views.search, name="search"),
    path("search/suggest/", views.search_suggestions, name="search_suggestions"),
    # markdownx's own URLs accept anonymous users: these serve its widget for signed-in
    # suppliers and editors only.
    path("markdownx/", include("catalogue.portal.markdownx_urls")),
    path("supplier/", include("patterns_site.accounts.urls")),
    path("supplier/", include("catalogue.portal.urls")),
    path("", include("catalogue.urls")),
    path("", include("recipes.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "patterns_site.views.page_not_found"
handler500 = "patterns_site.views.server_error"
