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
