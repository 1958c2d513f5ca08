"""The console home (首页): the person's to-dos first, then the charts of their scope, then the overview of
the units they administer."""

from django.shortcuts import render

from fenji.core.org import selectors as org_selectors
from fenji.core.web import nav
from fenji.core.web.routes import signed_in

from .dashboard_views import dashboard_context


@signed_in
def home(request):
    actor = request.actor
    roots = org_selectors.unit_list_roots(actor=actor)
    overview = [(root, org_selectors.unit_subtree_stats(actor=actor, unit=root)) for root in roots]
    return render(request, "console/home.html", {"overview": overview, "todos": nav.todos_for(actor),
                                                 "tiles": nav.dashboard_tiles_for(actor), **dashboard_context(actor)})
