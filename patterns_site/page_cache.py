"""Whole-page caching for anonymous visitors, invalidated the moment content changes.

Every cached page is stored under the current content version. Publishing a page,
approving an offering or saving catalogue data replaces the version, so the next request
renders afresh: nobody waits for a timeout to see an editor's change.

The version is a random token, not a counter: a Redis that restarts empty, or evicts the
key, starts a version no stored page has. When the cache is unavailable (see
patterns_site.cache) pages are rendered and not stored, and a save still succeeds; its
version change is lost with Redis, so when Redis answers again the version is replaced
before anything is read from it.

A page is stored under the validated host and the scheme it was served on as well as its
path: pages carry absolute links (canonical, Open Graph, sitemap), so a request for one
allowed host, or over plain HTTP, must never fill the page another visitor gets.
"""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers
from wagtail.signals import page_published, page_unpublished, published, unpublished

from catalogue import cost_choice
from foundations.content_cache import (
    VERSION_KEY,
    content_changed,
    content_version,
    content_version_renew_after_outage,
)
from foundations.gzip_pieces import GzipPieces

from .cache import cache_recovered

# Paths that are personal, transactional or operational, never cached.
UNCACHED_PREFIXES = (
    "/admin/",
    "/documents/",
    "/basket/",
    "/compare/",
    "/supplier/",
    "/accounts/",
    "/markdownx/",
    "/healthz",
    "/search/suggest/",
)


def connect_signals() -> None:
    cache_recovered.connect(content_version_renew_after_outage, dispatch_uid="page-cache-recovered")
    for signal in (page_published, page_unpublished, published, unpublished):
        signal.connect(content_changed, dispatch_uid=f"page-cache-{id(signal)}")
    from django.apps import apps

    ignored = {label.lower() for label in settings.PAGE_CACHE_IGNORED_MODELS}
    for label in settings.PAGE_CACHE_WATCHED_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label_lower in ignored:
                continue
            post_save.connect(content_changed, sender=model, dispatch_uid=f"pc-save-{model}")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"pc-del-{model}")


def _cacheable_request(request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path_info.startswith(UNCACHED_PREFIXES)
    )


CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]*)"')
# The stored form of a page (foundations.gzip_pieces): a new one makes a new key, so a
# page stored in another form by an earlier release is never read as this one.
KEY_PREFIX = "page:gz:"


def page_pieces(content: bytes, nonce: str) -> GzipPieces | None:
    """The page compressed once around what each visitor gets their own of: the CSP
    nonce and the CSRF token of every form. None if the two cannot be told apart."""
    tokens = [(m.start(1), m.end(1), "csrf") for m in CSRF_FIELD.finditer(content)]
    nonces = []
    if nonce:
        pattern = re.compile(re.escape(nonce.encode()))
        nonces = [(m.start(), m.end(), "nonce") for m in pattern.finditer(content)]
    try:
        return GzipPieces.split(content, tokens + nonces)
    except ValueError:  # a nonce inside a token: too unlikely to be worth a cached copy
        return None


def _cacheable_response(request, response) -> bool:
    # The CSRF cookie is the one cookie allowed: replay issues each visitor their own.
    other_cookies = set(response.cookies) - {settings.CSRF_COOKIE_NAME}
    return (
        response.status_code == 200
        # Something on the page was rendered for one person (a follow button's state).
        and not getattr(request, "renders_personal_content", False)
        and not response.streaming
        and not other_cookies
        and response.get("Content-Type", "").startswith("text/html")
        and "private" not in response.get("Cache-Control", "")
    )


class AnonymousPageCacheMiddleware:
    """Serves anonymous GETs from the cache; sits inside the CSP middleware so that a
    cached page gets a fresh nonce on every response.

    A hit costs one Redis round trip: the page is stored under its address alone, with
    the content version it was rendered under, and one MGET reads the current version
    and the page together. A page stored under an older version is a miss. The page is
    stored compressed, around the visitor's own nonce and token (page_pieces), so a hit
    is not compressed again: GZipMiddleware leaves a response already encoded alone."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Reads and sets a replayed form's CSRF cookie as CsrfViewMiddleware would; made
        # once, not per hit (a middleware's constructor inspects what it wraps).
        self.csrf = CsrfViewMiddleware(lambda _request: None)

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        # Before any lookup: a Host not in ALLOWED_HOSTS raises DisallowedHost (a 400).
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        # Costs on a page are for the visitor's council: one council's page never
        # reaches a visitor who chose another (a tampered cookie counts as none).
        address += f"#costs={cost_choice.cache_key_part(request)}"
        key = KEY_PREFIX + hashlib.sha256(address.encode()).hexdigest()
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY) or content_version()
        if version is None:  # the cache is unavailable: render, store nothing
            return self.get_response(request)
        stored = found.get(key)
        if stored is not None and stored[0] == version:
            return self._replay(request, stored[1:])
        response = self.get_response(request)
        if _cacheable_response(request, response):
            nonce = str(request.csp_nonce) if getattr(request, "_csp_nonce", None) else ""
            pieces = page_pieces(response.content, nonce)
            headers = {
                name: value
                for name, value in response.items()
                if name.lower() not in {"content-length", "vary", "set-cookie"}
            }
            if pieces is not None:
                cache.set(key, (version, pieces, headers), settings.PAGE_CACHE_SECONDS)
        return response

    def _replay(self, request, stored):
        pieces, headers = stored
        fill, csrf = {}, None
        if "nonce" in pieces.holes:
            fill["nonce"] = str(request.csp_nonce).encode()
        if "csrf" in pieces.holes:
            # A form's token belongs to one visitor's CSRF cookie: read this visitor's
            # cookie as CsrfViewMiddleware would, and write their own token into the page.
            csrf = self.csrf
            csrf.process_request(request)
            fill["csrf"] = get_token(request).encode()
        accepts_gzip = re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        if accepts_gzip and pieces.compressed_size(fill) < pieces.size(fill):
            response = HttpResponse(pieces.gzip(fill))
            response["Content-Encoding"] = "gzip"
            response["Content-Length"] = str(len(response.content))
        else:
            response = HttpResponse(pieces.body(fill))
        for name, value in headers.items():
            response[name] = value
        response["X-Page-Cache"] = "hit"
        patch_vary_headers(response, ("Accept-Encoding",))
        if csrf is not None:
            patch_vary_headers(response, ("Cookie",))
            csrf.process_response(request, response)
        return response
