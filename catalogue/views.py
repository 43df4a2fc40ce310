"""Public list and detail pages for the catalogue. Views stay thin: selectors build the
queries, FilterSets (filters.py) validate and apply the filters."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from foundations.pagination import PAGE_SIZE, paginate

from . import selectors
from .filters import ComponentFilterSet, CouncilFilterSet, OfferingFilterSet, SupplierFilterSet
from .models import Component, Council, Standard, Supplier
from .uses import uses


def filtered_list(
    request,
    template,
    *,
    title,
    queryset,
    filterset_class,
    context_name,
    per_page=PAGE_SIZE,
    decorate=list,
):
    filterset = filterset_class(request.GET, queryset, request=request)
    form = filterset.form
    status = 200
    if filterset.is_valid():
        queryset = filterset.qs
    else:
        # The error summary says what to change, above the list unfiltered.
        status = 400
    page_obj = paginate(request, queryset, per_page)
    context = {
        "page_title": title,
        "breadcrumbs": [("Home", "/"), (title, "")],
        "form": form,
        "selected_filters": form.selected_filters(request.GET),
        "ratings_like_mine": getattr(filterset, "ratings_like_mine", None),
        "page_obj": page_obj,
        context_name: decorate(page_obj.object_list),
        "result_count": page_obj.paginator.count,
    }
    return render(request, template, context, status=status)


@require_safe
def component_list(request):
    return filtered_list(
        request,
        "catalogue/component_list.html",
        title="Components",
        queryset=selectors.component_list(),
        filterset_class=ComponentFilterSet,
        context_name="components",
        per_page=100,
        decorate=selectors.with_component_counts,
    )


@require_safe
def component_detail(request, slug):
    component = get_object_or_404(Component, slug=slug)
    # A popular component can have thousands of products: compare them a page at a time,
    # counted from the price summary rather than by counting them again.
    page_obj = paginate(
        request,
        selectors.component_offerings(component),
        per_page=20,
        count=selectors.published_offering_counts([component.pk])[component.pk],
    )
    offerings = selectors.with_claim_summaries(page_obj.object_list)
    recipes, recipe_total = selectors.component_recipes(component)
    cooked_by, cooked_by_total = selectors.cooked_by(uses().adoptions_using(component))
    return render(
        request,
        "catalogue/component_detail.html",
        {
            "page_title": component.name,
            "breadcrumbs": [("Home", "/"), ("Components", "/components/"), (component.name, "")],
            "component": component,
            "offerings": offerings,
            "page_obj": page_obj,
            "offering_total": page_obj.paginator.count,
            "recipes": recipes,
            "recipe_total": recipe_total,
            "wanted_standards": selectors.component_standards(component),
            "cooked_by": cooked_by,
            "cooked_by_total": cooked_by_total,
        },
    )


@require_safe
def standard_list(request):
    standards = selectors.with_standard_counts(selectors.standard_list())
    return render(
        request,
        "catalogue/standard_list.html",
        {
            "page_title": "Standards",
            "breadcrumbs": [("Home", "/"), ("Standards", "")],
            "standards": standards,
        },
    )


@require_safe
def standard_detail(request, slug):
    standard = get_object_or_404(Standard, slug=slug)
    # A common standard can have thousands of claims: list them a page at a time, verified
    # ones first, and count each kind in all.
    counts = selectors.standard_claim_counts(standard)
    claim_total = counts["verified"] + counts["claimed"]
    page_obj = paginate(
        request, selectors.standard_claims(standard), per_page=20, count=claim_total
    )
    claims = list(page_obj.object_list)
    recipes, recipe_total = selectors.standard_recipes(standard)
    return render(
        request,
        "catalogue/standard_detail.html",
        {
            "page_title": standard.name,
            "breadcrumbs": [
                ("Home", "/"),
                ("Standards", "/standards/"),
                (standard.display_name, ""),
            ],
            "standard": standard,
            "components": standard.components.order_by("name"),
            "recipes": recipes,
            "recipe_total": recipe_total,
            "page_obj": page_obj,
            "claim_total": claim_total,
            "verified_total": counts["verified"],
            "claimed_total": counts["claimed"],
            "verified_claims": [claim for claim in claims if claim.is_verified],
            "claimed_claims": [claim for claim in claims if not claim.is_verified],
        },
    )


@require_safe
def supplier_list(request):
    return filtered_list(
        request,
        "catalogue/supplier_list.html",
        title="Suppliers",
        queryset=selectors.supplier_list(),
        filterset_class=SupplierFilterSet,
        context_name="suppliers",
    )


@require_safe
def supplier_detail(request, slug):
    supplier = get_object_or_404(Supplier.objects.public(), slug=slug)
    return render(
        request,
        "catalogue/supplier_detail.html",
        {
            "page_title": supplier.name,
            "breadcrumbs": [("Home", "/"), ("Suppliers", "/suppliers/"), (supplier.name, "")],
            "supplier": supplier,
            "offerings": selectors.supplier_offerings(supplier),
        },
    )


@require_safe
def offering_list(request):
    return filtered_list(
        request,
        "catalogue/offering_list.html",
        title="Offerings",
        queryset=selectors.listed_offerings().order_by("name"),
        filterset_class=OfferingFilterSet,
        context_name="offerings",
        decorate=selectors.with_component_links,
    )


@require_safe
def offering_detail(request, slug):
    offering = get_object_or_404(selectors.public_offerings(), slug=slug)
    cooked_by, cooked_by_total = selectors.cooked_by(uses().adoptions_using(offering))
    reviews = uses().reviews_of(offering)
    rating = selectors.rating_of(offering)
    return render(
        request,
        "catalogue/offering_detail.html",
        {
            "page_title": offering.name,
            "breadcrumbs": [("Home", "/"), ("Offerings", "/offerings/"), (offering.name, "")],
            "offering": offering,
            "supplier": offering.supplier,
            "rating": rating,
            "reviews": selectors.public_reviews(reviews) if rating["count"] else [],
            "cooked_by": cooked_by,
            "cooked_by_total": cooked_by_total,
        },
    )


@require_safe
def council_list(request):
    return filtered_list(
        request,
        "catalogue/council_list.html",
        title="Councils",
        queryset=selectors.council_list(),
        filterset_class=CouncilFilterSet,
        context_name="councils",
        per_page=50,
        decorate=selectors.with_council_counts,
    )


@require_safe
def council_detail(request, slug):
    council = get_object_or_404(Council.objects.select_related("council_type", "parent"), slug=slug)
    adoptions = list(selectors.council_adoptions(council))
    return render(
        request,
        "catalogue/council_detail.html",
        {
            "page_title": council.name,
            "breadcrumbs": [("Home", "/"), ("Councils", "/councils/"), (council.name, "")],
            "council": council,
            "adoptions": adoptions,
            # No "What it measured" heading over nothing.
            "has_outcomes": any(adoption.outcomes.all() for adoption in adoptions),
            "pantry": selectors.council_pantry(council),
            "shared_recipes": selectors.council_shared_recipes(council),
        },
    )
