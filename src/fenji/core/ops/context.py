from . import selectors


def maintenance(request):
    """``maintenance_notices`` for signed-in users, console and mobile alike.

    Lazy and kept on the request: a page that never renders the banner asks nothing, and a page that
    renders it (or several templates) asks once. The live windows behind it are read at most once every
    few seconds per process (``selectors.banner_notices``).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def notices():
        if not hasattr(request, "_fenji_maintenance_notices"):
            request._fenji_maintenance_notices = selectors.banner_notices(unit_path=user.unit_path)
        return request._fenji_maintenance_notices

    return {"maintenance_notices": notices}
