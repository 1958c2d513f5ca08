"""The current query string without the paging (or export) parameters: what pagers and export
links append their own cursor or format to, so that the filters carry over."""


def query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
