"""The basket, its exports, shared baskets and the offering comparison. Views stay thin:
recipes.basket reads and writes the session, recipes.costing does the arithmetic."""

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from catalogue.models import Council
from foundations.cells import csv_document

from . import basket as baskets
from .basket_forms import (
    MAX_COMPARED,
    AddRecipeForm,
    CompareForm,
    CouncilChooseForm,
    CouncilSearchForm,
)
from .costing import (
    DEFAULT_POPULATION,
    MINIMUM_STAFF_USERS,
    RESIDENTS_PER_STAFF_USER,
    staff_users,
)
from .models import SavedBasket

BASKET_CRUMBS = [("Home", "/"), ("Basket", "/basket/")]
COUNCIL_RESULTS = 20


def _assumptions(population: int) -> dict:
    return {
        "default_population": DEFAULT_POPULATION,
        "residents_per_staff_user": RESIDENTS_PER_STAFF_USER,
        "minimum_staff_users": MINIMUM_STAFF_USERS,
        "staff_users": staff_users(population),
    }


def _basket_context(request, basket, **extra) -> dict:
    return {
        "page_title": "Your basket",
        "breadcrumbs": [("Home", "/"), ("Basket", "")],
        "basket": basket,
        "assumptions": _assumptions(basket.population),
        "council_form": CouncilSearchForm(),
        **extra,
    }


@require_safe
def basket_page(request):
    basket = baskets.basket_read(session=request.session)
    return render(request, "basket/basket.html", _basket_context(request, basket))


@require_POST
def basket_add(request):
    form = AddRecipeForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "basket/problem.html",
            {"page_title": "Recipe not added", "problem": form.errors["recipe"][0]},
            status=400,
        )
    recipe = form.cleaned_data["recipe"]
    added = baskets.basket_add_recipe(session=request.session, recipe=recipe)
    messages.success(
        request,
        f"Added {recipe.title}: {added} new component{'s' if added != 1 else ''} in your basket.",
    )
    return redirect("basket:basket")


@require_POST
def basket_choices(request):
    """Save the offering (or 'already have') chosen for each line."""
    basket = baskets.basket_read(session=request.session)
    choices, errors = {}, []
    for line in basket.lines:
        field = f"line-{line.component.pk}"
        if field not in request.POST:
            continue
        value = request.POST[field]
        allowed = {baskets.HAVE, baskets.OPEN, line.choice}
        allowed |= {str(option.offering.pk) for option in line.options}
        if value not in allowed:
            errors.append(
                (field, f"Choose an offering that provides {line.component.name.lower()}")
            )
            continue
        choices[line.component.pk] = value
    if errors:
        context = _basket_context(
            request, basket, choice_errors=errors, choice_error_map=dict(errors)
        )
        return render(request, "basket/basket.html", context, status=400)
    baskets.basket_set_choices(session=request.session, choices=choices)
    messages.success(request, "Your choices are saved.")
    return redirect("basket:basket")


@require_POST
def basket_remove(request, component_id):
    if not baskets.basket_remove_line(session=request.session, component_id=component_id):
        raise Http404("That component is not in your basket")
    messages.success(request, "Removed it from your basket.")
    return redirect("basket:basket")


@require_POST
def basket_empty(request):
    baskets.basket_clear(session=request.session)
    messages.success(request, "Your basket is empty.")
    return redirect("basket:basket")


def basket_council(request):
    """GET: search councils by name. POST: scale the basket to one, or to none."""
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
        council = get_object_or_404(Council, slug=slug) if slug else None
        baskets.basket_set_council(session=request.session, council=council)
        if council:
            messages.success(request, f"Costs are now worked out for {council.name}.")
        else:
            messages.success(request, "Costs are now worked out for the default population.")
        return redirect("basket:basket")
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
        "basket/council.html",
        {
            "page_title": "Choose your council",
            "breadcrumbs": [*BASKET_CRUMBS, ("Choose your council", "")],
            "form": form,
            "councils": councils[:COUNCIL_RESULTS],
            "more_councils": len(councils) > COUNCIL_RESULTS,
            "searched": form.is_bound and form.is_valid() and form.cleaned_data["q"],
        },
        status=status,
    )


# --- take it away ---------------------------------------------------------------------

CSV_HEADER = [
    "Component",
    "Offering",
    "Supplier",
    "G-Cloud service ID",
    "G-Cloud link",
    "Pricing unit",
    "Price",
    "Price up to",
    "Set-up fee",
    "Yearly estimate",
    "Yearly estimate up to",
    "Working",
    "Standards required",
    "Status",
    "Recipes",
]


def _csv_rows(snapshot: dict):
    for line in snapshot["lines"]:
        offering = line["offering"] or {}
        yearly = line["yearly"] or {}
        known = yearly.get("known")
        yield [
            line["component"]["name"],
            offering.get("name", ""),
            offering.get("supplier", ""),
            offering.get("gcloud_service_id", ""),
            offering.get("gcloud_url", ""),
            offering.get("pricing_unit_label", ""),
            offering.get("price") or "",
            offering.get("price_max") or "",
            offering.get("setup_fee") or "",
            yearly.get("low", "") if known else "",
            yearly.get("high", "") if known else "",
            yearly.get("working", ""),
            "; ".join(line["standards_required"]),
            line["status"],
            "; ".join(recipe["title"] for recipe in line["recipes"]),
        ]


def _csv_response(snapshot: dict, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(csv_document([CSV_HEADER, *_csv_rows(snapshot)], bom=False))
    return response


@require_safe
def basket_json(request):
    basket = baskets.basket_read(session=request.session)
    response = JsonResponse(baskets.basket_snapshot(basket), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="basket.json"'
    return response


@require_safe
def basket_brief(request):
    """A printable procurement brief: per component, what it must do and meet."""
    basket = baskets.basket_read(session=request.session)
    return render(
        request,
        "basket/brief.html",
        {
            "page_title": "Procurement brief",
            "breadcrumbs": [*BASKET_CRUMBS, ("Procurement brief", "")],
            "basket": basket,
            "assumptions": _assumptions(basket.population),
        },
    )


# --- sharing --------------------------------------------------------------------------


@require_POST
def basket_save(request):
    if not baskets.basket_size(request.session):
        return render(
            request,
            "basket/problem.html",
            {"page_title": "Nothing to save", "problem": "Your basket is empty."},
            status=400,
        )
    saved = baskets.basket_save(session=request.session)
    messages.success(request, "Your basket is saved. Anyone with the link can see it.")
    return redirect(saved)


def _saved_or_404(basket_id: str) -> SavedBasket:
    if len(basket_id) > 32:
        raise Http404("No saved basket has that link")
    return get_object_or_404(SavedBasket, pk=basket_id)


@require_safe
def saved_basket(request, basket_id):
    saved = _saved_or_404(basket_id)
    changes = baskets.saved_basket_changes(saved.snapshot)
    return render(
        request,
        "basket/saved.html",
        {
            "page_title": "Saved basket",
            "breadcrumbs": [("Home", "/"), ("Saved basket", "")],
            "saved": saved,
            "snapshot": saved.snapshot,
            "changes": changes,
            "share_url": request.build_absolute_uri(saved.get_absolute_url()),
        },
    )


@require_safe
def saved_basket_csv(request, basket_id):
    saved = _saved_or_404(basket_id)
    return _csv_response(saved.snapshot, f"basket-{saved.pk}.csv")


@require_POST
def saved_basket_copy(request, basket_id):
    saved = _saved_or_404(basket_id)
    count = baskets.basket_copy_saved(session=request.session, saved=saved)
    messages.success(request, f"Copied {count} line{'s' if count != 1 else ''} into your basket.")
    return redirect("basket:basket")


# --- comparing offerings --------------------------------------------------------------


def comparison_for(request):
    """(comparison, None) for the offerings asked for, or (None, the problem page): the
    comparison page and its CSV answer bad input the same way."""
    form = CompareForm(request.GET)
    if not form.is_valid():
        return None, render(
            request,
            "basket/problem.html",
            {
                "page_title": "Cannot compare those offerings",
                "problem": form.non_field_errors()[0],
            },
            status=400,
        )
    slugs = form.cleaned_data["slugs"]
    comparison = baskets.offering_comparison(session=request.session, slugs=slugs)
    if comparison["missing"]:
        return None, render(
            request,
            "basket/problem.html",
            {
                "page_title": "Offering not found",
                "problem": "We could not find a published offering called "
                + ", ".join(comparison["missing"])
                + ". It may have been withdrawn, or the address may be wrong.",
            },
            status=404,
        )
    return comparison, None


@require_safe
def compare(request):
    comparison, problem = comparison_for(request)
    if problem:
        return problem
    in_basket = set(baskets.basket_component_ids(request.session))
    for column in comparison["columns"]:
        column["basket_components"] = [
            c for c in column["offering"].components.all() if c.pk in in_basket
        ]
    return render(
        request,
        "basket/compare.html",
        {
            "page_title": "Compare offerings",
            "breadcrumbs": [("Home", "/"), ("Offerings", "/offerings/"), ("Compare", "")],
            "max_compared": MAX_COMPARED,
            "assumptions": _assumptions(comparison["population"]),
            "query_string": request.GET.urlencode(),
            **comparison,
        },
    )
