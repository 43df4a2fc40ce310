"""Data every visitor sees alike, kept until content next changes.

The content version is a random token in the cache: publishing a page, approving an
offering or saving catalogue data replaces it (content_changed, connected to those signals
by patterns_site.page_cache), so everything stored under the old version, whole pages and
the data below, is stale at once. A random token rather than a counter, so a cache that
restarts empty starts a version nothing was stored under.
"""

import secrets
import time

from django.conf import settings
from django.core.cache import cache

VERSION_KEY = "content:version"
# When the version was last renewed (time.time()), read after an outage.
RENEWED_AT_KEY = "content:renewed-at"


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
    """Signal receiver: any content change makes every cached page stale."""
    cache.set(VERSION_KEY, secrets.token_hex(8), None)
    cache.set(RENEWED_AT_KEY, time.time(), None)


def content_version_renew_after_outage(*, last_failure_at=None, **kwargs) -> None:
    """Receiver of patterns_site.cache.cache_recovered: a content change may have been lost
    while the cache was away, up to this process's last failed call. Renew the version
    unless some process did after that (allowing clocks a second apart), so that the
    second worker back does not make stale what the first cached since."""
    renewed_at = cache.get(RENEWED_AT_KEY)
    if last_failure_at is None or renewed_at is None or renewed_at < last_failure_at + 1.0:
        content_changed()
