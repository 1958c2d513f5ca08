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
    menu = nav.menu(request.actor, request.path, translation.get_language())
    return {"nav_entries": menu.entries, "nav_html": menu.html}


def platform(request):
    """``platform_name``: the active profile's displayed name (login pages, title bar, header)."""
    return {"platform_name": gettext(profiles.active().display_name)}
