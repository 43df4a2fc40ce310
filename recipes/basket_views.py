"""The basket, its exports, shared baskets and the offering comparison. Views stay thin:
recipes.basket reads and writes the session, recipes.costing does the arithmetic."""

from django.contrib import messages
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from catalogue.cost_choice import assumptions_from_request, assumptions_store
from catalogue.cost_views import costs_council
from catalogue.models import Council, Offering
from foundations.cells import csv_document

from . import basket as baskets
from .basket_forms import (
    MAX_COMPARED,
    AddRecipeForm,
    ChoiceForm,
    CompareForm,
    ComponentOfferingsForm,
)
from .models import SavedBasket
from .pantry import staff_council, staff_pantry

BASKET_CRUMBS = [("Home", "/"), ("Basket", "/basket/")]
OFFERINGS_PER_PAGE = 20


def _basket(request, *, shortlists=True):
    return baskets.basket_read(
        session=request.session,
        assumptions=assumptions_from_request(request),
        pantry=staff_pantry(request),
        shortlists=shortlists,
    )


def _basket_context(request, basket, **extra) -> dict:
    return {
        "page_title": "Your basket",
        "breadcrumbs": [("Home", "/"), ("Basket", "")],
        "basket": basket,
        "assumptions": basket.assumptions,
        "pantry_council": staff_council(request),
        **extra,
    }


def _basket_page_context(request, basket, **extra) -> dict:
    return _basket_context(request, basket, lines=baskets.basket_page_lines(basket), **extra)


@require_safe
def basket_page(request):
    return render(request, "basket/basket.html", _basket_page_context(request, _basket(request)))


@require_safe
def basket_architecture(request):
    """Each basket recipe's architecture picture, with the products chosen named."""
    basket = _basket(request, shortlists=False)
    context = _basket_context(request, basket, architectures=baskets.basket_architectures(basket))
    context["page_title"] = "Your architecture"
    context["breadcrumbs"] = [*BASKET_CRUMBS, ("Your architecture", "")]
    return render(request, "basket/architecture.html", context)


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


def _choice_valid(component_id: int, value: str) -> bool:
    """have, not decided, or a public offering that provides the component (one query)."""
    if value in (baskets.HAVE, baskets.OPEN):
        return True
    if not value.isdigit() or len(value) > 12:
        return False
    return Offering.objects.public().filter(pk=int(value), components__pk=component_id).exists()


def _choice_message(basket, component_id: int) -> str:
    for line in basket.lines:
        if line.component.pk == component_id:
            if line.choice == baskets.HAVE:
                return f"Saved: you already have {line.component.name.lower()}."
            if line.offering and not line.unavailable:
                text = f"Saved: {line.offering.name} for {line.component.name.lower()}."
                if line.shared_with:
                    others = ", ".join(c.name.lower() for c in line.shared_with)
                    text += f" It also covers {others}, so it is billed once."
                return text
            return f"Saved: {line.component.name.lower()} is not decided yet."
    return "Saved."


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def basket_choices(request):
    """Save the choice for one line (the button next to it), or for every line sent.

    Each component has its own submit button (name="save", value=its id), so a choice is
    saved as it is made without JavaScript; with JavaScript the same form is sent on
    change, asking for JSON."""
    basket = _basket(request)
    only = request.POST.get("save", "")
    choices, errors = {}, []
    for line in basket.lines:
        field = line.field_name
        if field not in request.POST or (only and only != str(line.component.pk)):
            continue
        value = request.POST[field]
        if value != line.choice and not _choice_valid(line.component.pk, value):
            errors.append(
                (field, f"Choose an offering that provides {line.component.name.lower()}")
            )
            continue
        choices[line.component.pk] = value
    if errors:
        if _wants_json(request):
            return JsonResponse({"errors": [error for _, error in errors]}, status=400)
        context = _basket_page_context(
            request, basket, choice_errors=errors, choice_error_map=dict(errors)
        )
        return render(request, "basket/basket.html", context, status=400)
    baskets.basket_set_choices(session=request.session, choices=choices)
    basket = _basket(request, shortlists=False)
    if len(choices) == 1:
        (component_id,) = choices
        message = _choice_message(basket, component_id)
        anchor = f"#line-{component_id}"
    else:
        message, anchor = "Your choices are saved.", "#lines"
    if _wants_json(request):
        return JsonResponse(_basket_json_summary(basket, message))
    messages.success(request, message)
    return redirect(reverse("basket:basket") + anchor)


def _basket_json_summary(basket, message: str) -> dict:
    costs = basket.costs
    return {
        "message": message,
        "lines": {
            str(line.component.pk): {
                "status": line.status
                + (f": {line.offering.name}" if line.offering and not line.unavailable else ""),
                "estimate": line.estimate.display if line.estimate else "",
            }
            for line in basket.lines
        },
        "totals": {
            "yearly": costs.yearly.display,
            "product-setup": costs.product_setup.display,
            "recipe-setup": costs.recipe_setup.display,
            "one-off": costs.one_off.display,
            "staff": costs.staff.display,
            "tco": costs.tco.display,
        },
    }


@require_POST
def basket_choose(request, component_id):
    """ "Choose for my basket" from a component's list of every offering."""
    form = ChoiceForm(request.POST)
    if component_id not in baskets.basket_component_ids(request.session):
        raise Http404("That component is not in your basket")
    if not form.is_valid() or not _choice_valid(component_id, form.cleaned_data["offering"]):
        return render(
            request,
            "basket/problem.html",
            {
                "page_title": "Not chosen",
                "problem": "Choose a published product that provides this component.",
            },
            status=400,
        )
    baskets.basket_set_choices(
        session=request.session, choices={component_id: form.cleaned_data["offering"]}
    )
    messages.success(request, _choice_message(_basket(request, shortlists=False), component_id))
    return redirect(reverse("basket:basket") + f"#line-{component_id}")


@require_safe
def basket_component_offerings(request, component_id):
    """Every public offering of one basket component: search, filter, pages of 20."""
    if component_id not in baskets.basket_component_ids(request.session):
        raise Http404("That component is not in your basket")
    basket = _basket(request, shortlists=False)
    line = next((line for line in basket.lines if line.component.pk == component_id), None)
    if line is None:
        raise Http404("That component is not in your basket")
    form = ComponentOfferingsForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "basket/problem.html",
            {"page_title": "Cannot show those offerings", "problem": form.errors.as_text()},
            status=400,
        )
    data = form.cleaned_data
    ranks, total, conforming = baskets.component_offerings(
        component=line.component,
        required_ids={s.pk for s in line.required_standards},
        conforming_only=not data["all"],
    )
    if data["q"]:
        ranks = ranks.filter(name__icontains=data["q"])
    if data["pricing_unit"]:
        ranks = ranks.filter(offering__pricing_unit=data["pricing_unit"])
    paginator = Paginator(ranks.values_list("offering_id", "meets"), OFFERINGS_PER_PAGE)
    try:
        page = paginator.page(data["page"] or 1)
    except EmptyPage:
        raise Http404("There is no such page") from None
    meets = dict(page.object_list)
    found = baskets.offerings_with_prices().in_bulk(list(meets))
    standards = line.required_standards + line.recommended_standards
    required_ids = {s.pk for s in line.required_standards}
    options = [
        baskets.Option(
            offering=found[pk],
            conformance=baskets.conformance_of(found[pk], standards, required_ids),
            estimate=baskets.offering_yearly(
                found[pk], basket.assumptions, line.volume, line.volume_label
            ),
        )
        for pk in meets
        if pk in found and found[pk].is_public
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "basket/component_offerings.html",
        {
            "page_title": f"Products for {line.component.name.lower()}",
            "breadcrumbs": [*BASKET_CRUMBS, (line.component.name, "")],
            "line": line,
            "form": form,
            "options": options,
            "page_obj": page,
            "paginator": paginator,
            "total": total,
            "conforming": conforming,
            "query_string": query.urlencode(),
            "assumptions": basket.assumptions,
            "pricing_units": Offering.PricingUnit.choices,
        },
    )


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
    """The old address of the council chooser: the council is now site-wide."""
    return costs_council(request)


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
    basket = _basket(request, shortlists=False)
    response = JsonResponse(baskets.basket_snapshot(basket), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="basket.json"'
    return response


@require_safe
def basket_brief(request):
    """A printable procurement brief: per component, what it must do and meet."""
    basket = _basket(request)
    return render(
        request,
        "basket/brief.html",
        {
            "page_title": "Procurement brief",
            "breadcrumbs": [*BASKET_CRUMBS, ("Procurement brief", "")],
            "basket": basket,
            "assumptions": basket.assumptions,
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
    saved = baskets.basket_save(
        session=request.session,
        assumptions=assumptions_from_request(request),
        pantry=staff_pantry(request),
    )
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
    response = redirect("basket:basket")
    council = (saved.snapshot.get("council") or {}).get("slug")
    council = Council.objects.filter(slug=council).first() if council else None
    if council is not None:  # costs for the council the basket was saved for
        assumptions_store(
            response,
            assumptions_from_request(request).with_council(
                name=council.name, slug=council.slug, population=council.population
            ),
        )
    return response


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
    comparison = baskets.offering_comparison(
        session=request.session, slugs=slugs, assumptions=assumptions_from_request(request)
    )
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
            "query_string": request.GET.urlencode(),
            **comparison,
        },
    )
