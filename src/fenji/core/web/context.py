from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from fenji.core.kernel import profiles

from . import nav


def console(request):
    """The signed-in actor's menu: ``nav_entries`` (label, url, active) and ``nav_html`` (the same as links).

    Which entries show is decided per request against the live grants; the URLs and the HTML are built
    once per process for each distinct menu (``nav.menu``).
    """
    if not getattr(request, "user", None) or not request.user.is_authenticated or request.path.startswith("/m/"):
        return {}
    counts = None if getattr(request, "error_page", False) else nav.todo_summary(request.actor)["counts"]
    menu = nav.menu(request.actor, request.path, translation.get_language(), counts=counts)
    active = next((entry for entry in menu.entries if entry["active"]), None)
    crumbs = []
    if active is not None and active["url"] != "/":
        crumbs = [{"label": gettext("首页"), "url": "/"}]
        if active["group_label"]:
            crumbs.append({"label": active["group_label"], "url": ""})
        crumbs.append({"label": active["label"], "url": active["url"] if active["url"] != request.path else ""})
    return {"nav_entries": menu.entries, "nav_html": menu.html, "nav_breadcrumbs": crumbs}


def platform(request):
    """``platform_name``: the active profile's displayed name (login pages, title bar, header);
    ``upload_max_mb``: the attachment size limit, stated beside every upload field."""
    return {"platform_name": gettext(profiles.active().display_name), "upload_max_mb": settings.UPLOAD_MAX_MB}
