"""Deployment checks for settings that only go wrong with more than one worker process."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_for_page_cache(app_configs, **kwargs):
    caching = settings.PAGE_CACHE_SECONDS > 0 or settings.CONTENT_DATA_CACHE_SECONDS > 0
    backend = settings.CACHES["default"]["BACKEND"]
    if caching and backend.endswith("LocMemCache"):
        return [
            checks.Warning(
                "The page cache is on with a local-memory cache, so each worker process "
                "keeps its own copy and an editor's change can stay unseen in the others.",
                hint="Set REDIS_URL, or PAGE_CACHE_SECONDS=0 and CONTENT_DATA_CACHE_SECONDS=0.",
                id="plumbing.W001",
            )
        ]
    return []


@checks.register(deploy=True)
def email_links_on_a_served_host(app_configs, **kwargs):
    """Links in moderation and account emails are built on WAGTAILADMIN_BASE_URL (from
    SITE_URL): a host the site does not serve sends every editor to a dead address."""
    from urllib.parse import urlsplit

    from django.http.request import validate_host

    base_url = settings.WAGTAILADMIN_BASE_URL or ""
    host = urlsplit(base_url).hostname or ""
    if not validate_host(host, settings.ALLOWED_HOSTS):
        return [
            checks.Warning(
                f"Links in emails point at {base_url or 'no address'}, which is not one of "
                "ALLOWED_HOSTS.",
                hint="Set SITE_URL to the address editors and suppliers use, such as "
                "https://plumbing.example.gov.uk.",
                id="plumbing.W002",
            )
        ]
    return []
