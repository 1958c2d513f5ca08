from django.urls import reverse

from . import nav


def console(request):
    """Menu entries for the signed-in actor, marked active by URL prefix."""
    if not getattr(request, "user", None) or not request.user.is_authenticated or request.path.startswith("/m/"):
        return {}
    entries = []
    for item in nav.items_for(request.actor):
        url = reverse(item.url_name)
        active = request.path == url if url == "/" else request.path.startswith(url)
        entries.append({"label": item.label, "url": url, "active": active})
    return {"nav_entries": entries}
