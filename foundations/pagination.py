"""Pages of a list, as every HTML list and search page of the site numbers them."""

from django.core.paginator import Paginator
from django.http import Http404

PAGE_SIZE = 25


def paginate(request, queryset, per_page=PAGE_SIZE, count=None):
    """One page of results; an out-of-range or malformed page number is a 404, not a 500.

    Pass count when the page has already counted the results, to save counting again."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count
    number = request.GET.get("page", "1")
    if not number.isdigit() or not 1 <= int(number) <= max(paginator.num_pages, 1):
        raise Http404("No such page of results")
    return paginator.page(int(number))
