"""Choosing a council and changing the cost assumptions. Both are stored in the signed
cookie (catalogue.cost_choice) and apply to every cost on the site until changed."""

from dataclasses import replace

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from .cost_choice import assumptions_from_request, assumptions_store
from .cost_forms import AssumptionsForm, CouncilChooseForm, CouncilSearchForm
from .costs import DEFAULT_DAY_RATES, ROLES, Assumptions
from .models import Council

COUNCIL_RESULTS = 20
CRUMBS = [("Home", "/"), ("How costs are worked out", "/costs/")]


def _next(request, default="/costs/") -> str:
    """Where to go back to: a path on this site, never another host."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if len(target) <= 500 and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _initial(assumptions: Assumptions) -> dict:
    initial = {"residents_per_staff_user": assumptions.residents_per_staff_user}
    for role in ROLES:
        initial[f"rate_{role.key}"] = assumptions.day_rate(role)
    return initial


@require_safe
def costs_page(request):
    """The assumptions every cost uses, and forms to change them."""
    return _costs_render(request)


def _costs_render(request, form=None, status=200):
    assumptions = assumptions_from_request(request)
    return render(
        request,
        "costs/costs.html",
        {
            "page_title": "How costs are worked out",
            "breadcrumbs": [("Home", "/"), ("How costs are worked out", "")],
            "assumptions": assumptions,
            "form": form or AssumptionsForm(initial=_initial(assumptions)),
            "council_form": CouncilSearchForm(),
            "next": _next(request, default=""),
        },
        status=status,
    )


@require_POST
def costs_assumptions(request):
    """Save the visitor's staff users and day rates, or reset them."""
    assumptions = assumptions_from_request(request)
    if "reset" in request.POST:
        response = redirect(_next(request))
        assumptions_store(
            response,
            replace(
                assumptions,
                residents_per_staff_user=Assumptions().residents_per_staff_user,
                day_rates=DEFAULT_DAY_RATES,
            ),
        )
        return response
    form = AssumptionsForm(request.POST)
    if not form.is_valid():
        return _costs_render(request, form=form, status=400)
    data = form.cleaned_data
    changed = replace(
        assumptions,
        residents_per_staff_user=data["residents_per_staff_user"],
        day_rates=tuple((role.key, data[f"rate_{role.key}"]) for role in ROLES),
    )
    response = redirect(_next(request))
    assumptions_store(response, changed)
    return response


def costs_council(request):
    """GET: find a council by name. POST: work every cost out for it (or for none)."""
    if request.method == "POST":
        form = CouncilChooseForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                "basket/problem.html",
                {"page_title": "Council not chosen", "problem": "Choose a council from the list."},
                status=400,
            )
        slug = form.cleaned_data["council"]
        assumptions = assumptions_from_request(request)
        if slug:
            council = get_object_or_404(Council, slug=slug)
            assumptions = assumptions.with_council(
                name=council.name, slug=council.slug, population=council.population
            )
        else:
            assumptions = assumptions.without_council()
        response = redirect(_next(request))
        assumptions_store(response, assumptions)
        return response
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    form = CouncilSearchForm(request.GET or None)
    councils, status = [], 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound and form.cleaned_data["q"]:
        query = form.cleaned_data["q"]
        councils = list(
            Council.objects.filter(name__icontains=query)
            .select_related("council_type")
            .order_by("name")[: COUNCIL_RESULTS + 1]
        ) or list(
            Council.objects.filter(official_name__icontains=query)
            .select_related("council_type")
            .order_by("name")[: COUNCIL_RESULTS + 1]
        )
    return render(
        request,
        "costs/council.html",
        {
            "page_title": "Choose your council",
            "breadcrumbs": [*CRUMBS, ("Choose your council", "")],
            "form": form,
            "councils": councils[:COUNCIL_RESULTS],
            "more_councils": len(councils) > COUNCIL_RESULTS,
            "searched": form.is_bound and form.is_valid() and form.cleaned_data["q"],
            "next": _next(request, default=""),
            "assumptions": assumptions_from_request(request),
        },
        status=status,
    )
