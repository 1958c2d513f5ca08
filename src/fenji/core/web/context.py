from django.urls import reverse

from . import nav


def console(request):
    """Menu entries for the signed-in actor; the one whose URL is the longest prefix of the path is active."""
    if not getattr(request, "user", None) or not request.user.is_authenticated or request.path.startswith("/m/"):
        return {}
    entries = [{"label": item.label, "url": reverse(item.url_name), "active": False}
               for item in nav.items_for(request.actor)]
    matching = [e for e in entries if (request.path == e["url"] if e["url"] == "/" else request.path.startswith(e["url"]))]
    if matching:
        max(matching, key=lambda e: len(e["url"]))["active"] = True
    return {"nav_entries": entries}
