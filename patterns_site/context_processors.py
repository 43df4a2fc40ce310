from django.conf import settings


def site(request):
    """Values every page template needs: the phase banner and feedback link."""
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "phase": settings.PLUMBING_PHASE,
        "feedback_url": settings.PLUMBING_FEEDBACK_URL,
    }
