"""Site-wide middleware: security headers Django does not set itself, a separate
content security policy for the Wagtail admin, and one log line per request."""

import json
import logging
import time

from django.conf import settings

request_log = logging.getLogger("plumbing.requests")


class SecurityHeadersMiddleware:
    """Permissions-Policy for every response, and the admin's own CSP.

    The public site's strict policy (no inline script, nonces) comes from django-csp.
    The Wagtail admin still needs inline scripts and styles in places, so its responses
    carry a looser policy that keeps the protections that do not break it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if request.path_info.startswith(("/admin/", "/documents/")):
            response._csp_config = settings.ADMIN_CONTENT_SECURITY_POLICY
            response["X-Frame-Options"] = "SAMEORIGIN"
        return response


class RequestLogMiddleware:
    """One structured line per request: method, path, status, duration, size."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        size = len(response.content) if not response.streaming else None
        request_log.info(
            json.dumps(
                {
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "bytes": size,
                },
                separators=(",", ":"),
            )
        )
        return response
