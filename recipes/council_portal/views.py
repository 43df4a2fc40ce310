"""The council portal at /council/, for verified council staff. Every view that names a
council looks it up through the signed-in user's memberships, so another council's
slugs and ids answer 404, as in the supplier portal."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from . import selectors


def _crumbs(*items):
    return [("Home", "/"), ("Council portal", reverse("council_portal:home")), *items]


def _council_crumb(council):
    return (council.name, reverse("council_portal:council", kwargs={"council_slug": council.slug}))


@login_required
@require_safe
def home(request):
    memberships = list(selectors.user_memberships(request.user))
    if len(memberships) == 1:
        return redirect(memberships[0].get_absolute_url())
    return render(
        request,
        "council_portal/home.html",
        {
            "page_title": "Council portal",
            "memberships": memberships,
            "breadcrumbs": [("Home", "/"), ("Council portal", "")],
        },
    )


@login_required
@require_safe
def council(request, council_slug):
    council = selectors.user_council(request.user, council_slug)
    return render(
        request,
        "council_portal/council.html",
        {
            "page_title": council.name,
            "council": council,
            "breadcrumbs": _crumbs((council.name, "")),
        },
    )
