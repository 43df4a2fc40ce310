"""The council portal's "What we already run": the components and products a council's
staff say it runs, beside those its recorded adoptions list. The council is looked up
through the signed-in user's memberships (selectors.user_council), so another council's
pantry answers 404, as every other portal page does."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from catalogue.selectors import council_pantry, public_offerings
from catalogue.services import PortalError, council_pantry_add, council_pantry_remove

from . import selectors
from .forms import PantryComponentForm, PantryOfferingForm, PantryOfferingSearchForm

SEARCH_RESULTS = 20


def _pantry_page(request, council, *, component_form=None, offering_form=None, status=200):
    search = PantryOfferingSearchForm(request.GET)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    pantry = council_pantry(council)
    listed = {item.offering_id for item in pantry.reported_offerings}
    results = []
    if query:
        results = list(
            public_offerings()
            .filter(name__icontains=query)
            .prefetch_related(None)
            .order_by("name", "pk")[:SEARCH_RESULTS]
        )
    errors = [form for form in (component_form, offering_form) if form is not None and form.errors]
    return render(
        request,
        "council_portal/pantry.html",
        {
            "page_title": "What we already run",
            "council": council,
            "pantry": pantry,
            "component_form": component_form or PantryComponentForm(),
            "search_form": search,
            "query": query,
            "results": results,
            "search_limit": SEARCH_RESULTS,
            "listed_offering_ids": listed,
            "error_form": errors[0] if errors else None,
            "breadcrumbs": [
                ("Home", "/"),
                ("Council portal", reverse("council_portal:home")),
                (
                    council.name,
                    reverse("council_portal:council", kwargs={"council_slug": council.slug}),
                ),
                ("What we already run", ""),
            ],
        },
        status=status,
    )


@login_required
@require_safe
def pantry(request, council_slug):
    council = selectors.user_council(request.user, council_slug)
    search_valid = PantryOfferingSearchForm(request.GET).is_valid()
    return _pantry_page(request, council, status=200 if search_valid else 400)


@login_required
@require_POST
def pantry_add(request, council_slug):
    """Add a component (kind=component) or a published product (kind=offering)."""
    council = selectors.user_council(request.user, council_slug)
    kind = request.POST.get("kind")
    if kind == "component":
        form = PantryComponentForm(request.POST)
        forms = {"component_form": form}
    elif kind == "offering":
        form = PantryOfferingForm(request.POST)
        forms = {"offering_form": form}
    else:
        raise Http404("Nothing to add")
    if form.is_valid():
        thing = form.cleaned_data[kind]
        try:
            added = council_pantry_add(council=council, user=request.user, **{kind: thing})
        except PortalError as problem:
            form.add_error(None, str(problem))
        else:
            name = thing.name
            if added:
                messages.success(request, f"Added {name} to what {council.name} already runs.")
            else:
                messages.info(request, f"{name} is already listed.")
            return redirect("council_portal:pantry", council_slug=council.slug)
    return _pantry_page(request, council, status=400, **forms)


@login_required
@require_POST
def pantry_remove(request, council_slug, item_id):
    council = selectors.user_council(request.user, council_slug)
    item = council_pantry_remove(council=council, item_id=item_id)
    if item is None:
        raise Http404("Your council has no such entry")
    messages.success(request, f"Removed {item.component or item.offering}.")
    return redirect("council_portal:pantry", council_slug=council.slug)
