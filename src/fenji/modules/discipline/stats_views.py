"""统计 (seed 003 §6–7, §10): the rooms' counts per unit and period, in the sections the reader may read, with
Excel (``stats.py`` counts; ``exports.stats_export`` writes and audits)."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from fenji.core.access import policy
from fenji.core.kernel.errors import AccessDenied
from fenji.core.kernel.replicas import replica_reads
from fenji.core.web.excel import stamp
from fenji.core.web.query import export_query, query_without
from fenji.core.web.routes import requires

from . import exports, stats
from . import module as perms


@requires(perms.STATS_VIEW)
@replica_reads
def stats_page(request):
    actor = request.actor
    choice = stats.stats_choice(actor=actor, data=request.GET)
    if choice.top is None:
        raise AccessDenied(_("您没有可统计的单位"), rule="no_scope", action=perms.STATS_VIEW)
    sections = stats.stats_sections(actor=actor, top=choice.top, start=choice.start, end=choice.end)
    if request.GET.get("format") == "xlsx":
        return exports.stats_export(actor=actor, top=choice.top, sections=sections, start=choice.start,
                                    end=choice.end).response(f"stats-{stamp()}.xlsx")
    top = choice.top
    up = top.parent if top.parent_id and policy.can(actor, perms.STATS_VIEW, top.parent.path) else None
    return render(request, "discipline/stats.html", {
        "form": choice.form, "top": top, "up": up, "start": choice.start, "end": choice.end, "sections": sections,
        "period_query": query_without(request, "unit", "format"), "export_query": export_query(request)})
