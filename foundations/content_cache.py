"""Data every visitor sees alike, kept until content next changes.

The content version is a random token in the cache: publishing a page, approving an
offering or saving catalogue data replaces it (content_changed, connected to those signals
by patterns_site.page_cache), so everything stored under the old version, whole pages and
the data below, is stale at once. A random token rather than a counter, so a cache that
restarts empty starts a version nothing was stored under.
"""

import secrets

from django.conf import settings
from django.core.cache import cache

VERSION_KEY = "content:version"


def content_version() -> str | None:
    """The current content version, or None when the cache cannot be read."""
    version = cache.get(VERSION_KEY)
    if version is None:
        new_version = secrets.token_hex(8)
        if cache.add(VERSION_KEY, new_version, None):
            return new_version
        version = cache.get(VERSION_KEY)  # another worker added it first, or no cache
    return version


def until_content_changes(key: str, compute):
    """compute(), kept until content next changes (or CONTENT_DATA_CACHE_SECONDS pass),
    for data every visitor sees alike on pages the page cache cannot serve: visitors with a
    basket or signed in have a session, so their pages are always rendered."""
    if settings.CONTENT_DATA_CACHE_SECONDS <= 0:
        return compute()
    version = content_version()
    if version is None:
        return compute()
    versioned_key = f"data:{version}:{key}"
    value = cache.get(versioned_key)
    if value is None:
        value = compute()
        cache.set(versioned_key, value, settings.CONTENT_DATA_CACHE_SECONDS)
    return value


def content_changed(**kwargs) -> None:
    """Signal receiver: any content change makes every cached page stale. Also sent when
    the cache answers again after an outage, during which a change may have been lost."""
    cache.set(VERSION_KEY, secrets.token_hex(8), None)
