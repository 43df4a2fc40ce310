"""Site-wide views: operations endpoints, the data credits page and error pages."""

from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_GET


@require_GET
def healthz(request):
    """200 when the database answers, 503 with a reason when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
def about_data(request):
    return render(
        request,
        "patterns_site/about_data.html",
        {"page_title": "About the data", "breadcrumbs": [("Home", "/"), ("About the data", "")]},
    )


def page_not_found(request, exception=None):
    return render(request, "404.html", {"page_title": "Page not found"}, status=404)


def server_error(request):
    # Rendered without a RequestContext: the failure may have been in a context processor.
    template = loader.get_template("500.html")
    return HttpResponse(template.render({"page_title": "Sorry, there is a problem"}), status=500)
