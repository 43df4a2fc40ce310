"""Site-wide views: operations endpoints, the data credits page and error pages."""

import sys
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_GET, require_safe

from recipes.models import RecipePage

from .forms import SearchForm
from .media import MEDIA_CSP
from .search import (
    MAX_QUERY_LENGTH,
    MAX_RESULTS,
    highlight_terms,
    normalise_query,
    suggestions,
)
from .search import search as site_search


def cache_health() -> str:
    """ "ok" when the shared cache answers, "degraded" when it does not (pages are served
    uncached), "local" for the per-process memory cache used without Redis."""
    ping = getattr(cache, "ping", None)
    if ping is None:
        return "local"
    return "ok" if ping() else "degraded"


@require_GET
def healthz(request):
    """200 when the database answers, 503 with a reason when it does not. A cache that is
    away is reported as "degraded" with a 200: the site works without it, so a load
    balancer must keep sending it traffic."""
    cache_status = cache_health()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse(
            {"status": "unavailable", "database": "unreachable", "cache": cache_status},
            status=503,
        )
    status = "degraded" if cache_status == "degraded" else "ok"
    return JsonResponse({"status": status, "database": "ok", "cache": cache_status})


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def css_string(text: str) -> str:
    """text as a quoted CSS string: anything but the characters of a URL origin is
    written as a CSS escape, so no host can close the string or the rule."""
    safe = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:/-[]")
    return '"' + "".join(c if c in safe else f"\\{ord(c):x} " for c in text) + '"'


@require_GET
def site_origin_css(request):
    """The print stylesheet's one fact that is not static: the site's origin, so that
    relative links print as absolute addresses (see the print rules in plumbing.scss).
    Served from the host the page came from, which ALLOWED_HOSTS has already checked."""
    origin = request.build_absolute_uri("/").rstrip("/")
    response = HttpResponse(
        f":root {{ --app-site-origin: {css_string(origin)}; }}\n", content_type="text/css"
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def about_data(request):
    return render(
        request,
        "patterns_site/about_data.html",
        {"page_title": "About the data", "breadcrumbs": [("Home", "/"), ("About the data", "")]},
    )


# When the statement was written, last reviewed against the site, and when the site was
# last tested as it describes. Change them together with the statement's text.
ACCESSIBILITY_STATEMENT_DATES = {
    "prepared_on": date(2026, 11, 20),
    "reviewed_on": date(2026, 12, 1),
    "tested_on": date(2026, 12, 1),
}


@require_GET
def accessibility(request):
    return render(
        request,
        "patterns_site/accessibility.html",
        {
            "page_title": "Accessibility statement",
            "breadcrumbs": [("Home", "/"), ("Accessibility statement", "")],
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            **ACCESSIBILITY_STATEMENT_DATES,
        },
    )


@require_GET
def privacy(request):
    return render(
        request,
        "patterns_site/privacy.html",
        {"page_title": "Privacy notice", "breadcrumbs": [("Home", "/"), ("Privacy notice", "")]},
    )


def page_not_found(request, exception=None):
    return render(request, "404.html", {"page_title": "Page not found"}, status=404)


def server_error(request):
    # Rendered without a RequestContext: the failure may have been in a context processor
    # or the database. A database that cannot be reached is a 503 the site recovers from
    # by itself once it returns, so say so rather than report a fault.
    _type, error, _traceback = sys.exc_info()
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.get_template("503.html").render({}), status=503)
        response["Retry-After"] = "30"
        return response
    template = loader.get_template("500.html")
    return HttpResponse(template.render({"page_title": "Sorry, there is a problem"}), status=500)


@require_GET
def search(request):
    """One search over everything, with facets by type, service area and council type,
    sorting and pagination. A page past the last is a 404, as on the list pages."""
    form = SearchForm(request.GET or None)
    results = None
    status = 200
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        results = site_search(
            data["q"],
            kind=data["type"],
            service_areas=data["service_area"],
            council_types=data["council_type"],
            sort=data["sort"] or "relevance",
            page=data["page"] or 1,
            exact=data["exact"],
        )
        if results.query and results.page > results.num_pages:
            raise Http404("No such page of results")
    elif form.is_bound:
        status = 400
    page_obj = None
    if results and results.total:
        # A Paginator over the result positions drives the shared pagination partial.
        positions = range(min(results.total, MAX_RESULTS))
        page_obj = Paginator(positions, results.page_size).page(results.page)
    context = {
        "page_obj": page_obj,
        "page_title": f"Search: {results.query}" if results and results.query else "Search",
        "breadcrumbs": [("Home", "/"), ("Search", "")],
        "form": form,
        "results": results,
        "terms": highlight_terms(results.query_used) if results else [],
    }
    return render(request, "patterns_site/search.html", context, status=status)


@require_GET
def search_suggestions(request):
    """Titles matching what has been typed so far, as JSON, for search-as-you-type."""
    query = request.GET.get("q", "")
    if len(query) > MAX_QUERY_LENGTH:
        return JsonResponse(
            {"error": f"Search for {MAX_QUERY_LENGTH} characters or fewer"}, status=400
        )
    return JsonResponse({"query": normalise_query(query), "results": suggestions(query)})


@require_safe
def recipe_architecture_svg(request, slug):
    """A live recipe's architecture picture as an SVG file, for councils' own documents:
    the drawing stored when the recipe was published, sandboxed like uploaded media so
    that, opened on its own, it can run and load nothing."""
    page = (
        RecipePage.objects.live()
        .public()
        .filter(slug=slug)
        .only("pk", "slug", "architecture_svg")
        .first()
    )
    if page is None or not page.architecture_svg:
        raise Http404("No live recipe with that address")
    response = HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + page.architecture_svg,
        content_type="image/svg+xml; charset=utf-8",
    )
    response["Content-Security-Policy"] = MEDIA_CSP
    response["Content-Disposition"] = f'inline; filename="{page.slug}-architecture.svg"'
    return response
