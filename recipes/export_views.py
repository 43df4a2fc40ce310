"""Downloads of the basket and the comparison for procurement: CSV and XLSX. The files
are laid out in recipes.basket_exports from the basket's priced bills; these views only
read the visitor's own session basket and name the file."""

from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from catalogue.cost_choice import assumptions_from_request

from . import basket as baskets
from .basket_exports import basket_csv, basket_xlsx, comparison_csv, export_filename
from .basket_views import comparison_for
from .pantry import staff_pantry

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The figures depend on the visitor's session and cookie: never a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


def _basket(request):
    # The exports list the bills, not the shortlists.
    return baskets.basket_read(
        session=request.session,
        assumptions=assumptions_from_request(request),
        pantry=staff_pantry(request),
        shortlists=False,
    )


@require_safe
def basket_csv_download(request):
    basket = _basket(request)
    today = timezone.localdate()
    return _attachment(
        basket_csv(basket, today).encode("utf-8"),
        "text/csv; charset=utf-8",
        export_filename(basket, today, "csv"),
    )


@require_safe
def basket_xlsx_download(request):
    basket = _basket(request)
    today = timezone.localdate()
    return _attachment(
        basket_xlsx(basket, today), XLSX_TYPE, export_filename(basket, today, "xlsx")
    )


@require_safe
def compare_csv_download(request):
    """The comparison as CSV, for the same offerings (and the same bad-input answers) as
    the page."""
    comparison, problem = comparison_for(request)
    if problem:
        return problem
    today = timezone.localdate()
    return _attachment(
        comparison_csv(comparison, today).encode("utf-8"),
        "text/csv; charset=utf-8",
        f"plumbing-comparison-{today.isoformat()}.csv",
    )
