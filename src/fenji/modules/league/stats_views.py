"""团内统计 (/league/stats/): the tables of ``stats`` for one organisation in the reader's scope (their own unit unless
they pick another) and a period, the branches listed as hollow or without cadres, and the Excel of it all."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from fenji.core.access import policy
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.forms import Form
from fenji.core.kernel.pagination import keyset_page
from fenji.core.kernel.replicas import replica_reads
from fenji.core.org.selectors import unit_own
from fenji.core.org.widgets import UnitPicker, filter_form
from fenji.core.web.excel import stamp
from fenji.core.web.query import export_query, paging
from fenji.core.web.routes import requires

from . import exports, stats
from . import module as perms


class StatsFilterForm(Form):
    unit = forms.IntegerField(label=_("团组织（含下级）"), required=False, min_value=1, widget=UnitPicker())
    period = forms.CharField(label=_("统计期间"), required=False, max_length=10,
                             help_text=_("年份（如 2026）或月份（如 2026-10）；不填为最近 12 个月"))
    gap = forms.ChoiceField(label=_("列出团支部"), required=False, choices=stats.GAPS)

    def clean_period(self):
        text = self.cleaned_data.get("period", "")
        try:
            stats.stats_period(text)
        except DomainError as error:
            raise forms.ValidationError(error.message) from None
        return text


@requires(perms.STATS_VIEW)
@replica_reads
def stats_page(request):
    actor = request.actor
    filters, data, unit = filter_form(request, StatsFilterForm, perms.STATS_VIEW)
    unit = unit or unit_own(actor=actor)
    period = stats.stats_period(data.get("period", ""))
    gap = data.get("gap", "")
    tables = stats.league_stats(actor=actor, unit=unit, period=period)
    gaps = stats.branch_gaps(actor=actor, unit=unit, gap=gap)
    if request.GET.get("format") == "xlsx":
        return exports.stats_export(actor=actor, unit=unit, period=period, tables=tables, gaps=gaps).response(
            f"league-stats-{stamp()}.xlsx")
    counts = tables["branches"]
    total = {"hollow": counts["hollow"], "no_cadre": counts["no_cadre"]}.get(
        gap, counts["hollow"] + counts["no_cadre"] - counts["both"])
    return render(request, "league/stats.html", {
        "filters": filters, "unit": unit, "period": period, **tables, "gap": gap,
        "page": keyset_page(gaps, total=total, **paging(request)), "export_query": export_query(request),
        "link_members": policy.can(actor, perms.MEMBER_VIEW, unit.path),
        "link_transfers": policy.can(actor, perms.TRANSFER_HANDLE),
        "link_dues": policy.can(actor, perms.DUES_VIEW, unit.path)})
