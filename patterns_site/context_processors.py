from django.conf import settings

from catalogue.cost_choice import assumptions_from_request


def site(request):
    """Values every page template needs: the phase banner and feedback link."""
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "phase": settings.PLUMBING_PHASE,
        "feedback_url": settings.PLUMBING_FEEDBACK_URL,
        # The visitor's council for the header's "Costs for …" (read from a cookie, no query).
        "cost_assumptions": assumptions_from_request(request),
    }
