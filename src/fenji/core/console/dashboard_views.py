"""统计概览: the charts of the person's scope, their table and their Excel export."""

from django.shortcuts import render

from fenji.core.kernel.replicas import replica_reads
from fenji.core.org import permissions as org_perms
from fenji.core.web.excel import stamp
from fenji.core.web.routes import requires

from . import dashboard, exports


def dashboard_context(actor) -> dict:
    """What ``console/_dashboard.html`` renders (the home page includes it too)."""
    numbers = dashboard.dashboard_numbers(actor=actor)
    return {"dashboard": numbers, "dashboard_data": numbers.chart_data() if numbers.has_scope else {},
            "dashboard_rows": list(zip(numbers.days, numbers.opened, numbers.logins, strict=True))}


@requires(org_perms.UNIT_VIEW)
@replica_reads
def dashboard_page(request):
    return render(request, "console/dashboard.html", dashboard_context(request.actor))


@requires(org_perms.UNIT_VIEW)
def dashboard_export(request):
    return exports.dashboard_export(actor=request.actor).response(f"dashboard-{stamp()}.xlsx")
