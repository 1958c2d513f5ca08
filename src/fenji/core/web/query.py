"""The current query string without the paging (or export) parameters: what pagers and export
links append their own cursor or format to, so that the filters carry over; and the paging a list page
was asked for."""

from fenji.core.kernel.pagination import ordered_page, page_number, page_size

KEPT_VALUE_MAX = 200  # longer values are no filter a page offers: links do not carry them on
KEPT_PARAMETERS_MAX = 50


def kept_query(request, *names: str):
    """The query string's parameters a page's links carry on (its filters), without ``names``: values longer
    than ``KEPT_VALUE_MAX`` and parameters beyond the first ``KEPT_PARAMETERS_MAX`` are dropped, so that a
    query stuffed with junk is not copied into every sorting, paging and export link of the answer."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    for n, name in enumerate(list(query)):
        values = [v for v in query.getlist(name) if len(v) <= KEPT_VALUE_MAX]
        if n >= KEPT_PARAMETERS_MAX or len(name) > KEPT_VALUE_MAX or not values:
            query.pop(name)
        else:
            query.setlist(name, values)
    return query


def query_without(request, *names: str) -> str:
    return kept_query(request, *names).urlencode()


def export_query(request) -> str:
    """The query string of a list page's Excel link: its filters, without the paging, and ``format=xlsx``."""
    query = query_without(request, "after", "page", "format")
    return f"{query}&format=xlsx" if query else "format=xlsx"


def filters_shown(data: dict, unit=None) -> dict:
    """The filters a list was narrowed by, as an export prints them: the values given, the unit by its name."""
    shown = {k: str(v) for k, v in data.items() if v not in (None, "", False) and k != "unit"}
    if unit is not None:
        shown["unit"] = unit.name
    return shown


def paging(request) -> dict:
    """``after``, ``page`` and ``size`` from the query string, clamped: the keyword arguments of
    ``kernel.pagination.keyset_page`` / ``newest_first_page``."""
    return {"after": request.GET.get("after", ""), "page": page_number(request.GET.get("page")),
            "size": page_size(request.GET.get("size"))}


def sorting(request, allowed: dict[str, str]) -> list[str] | None:
    """The ordering a list page was asked for (``?sort=key`` or ``?sort=-key``), among the keys the view
    ``allowed`` (key → model field); anything else is ignored (None: the list's own order)."""
    key = request.GET.get("sort", "")
    field = allowed.get(key.removeprefix("-"))
    if field is None:
        return None
    return [("-" if key.startswith("-") else "") + field, "id"]


def numbered_page(request, rows):
    """A page of ``rows`` in their own order, by page number (lists short enough to need no cursor)."""
    paged = paging(request)
    return ordered_page(rows, order=[*rows.query.order_by] or ["id"], page=paged["page"], size=paged["size"])


def sorted_page(request, rows, *, sorts: dict[str, str], default, total=None):
    """A list page in the column order asked for (``?sort=``, among ``sorts``), browsed by page number; or,
    unsorted, the list's own (keyset) order through ``default(rows, **paging)``."""
    order = sorting(request, sorts)
    paged = paging(request)
    if order is None:
        return default(rows, **paged)
    return ordered_page(rows, order=order, page=paged["page"], size=paged["size"], total=total)
