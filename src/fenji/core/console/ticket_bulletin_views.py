"""作为通报下发 for the ticket report (C8.3: 通报 per department): the report of the actor's unit over a period,
sent as a notice to the unit's subtree. A page joining tickets and dispatch, hence here (ADR 0011)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fenji.core.dispatch import permissions as dispatch_perms
from fenji.core.dispatch import services as dispatch
from fenji.core.dispatch.models import DispatchKind
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.inputs import DateField
from fenji.core.org.selectors import unit_own
from fenji.core.tickets import selectors
from fenji.core.tickets.exports import ticket_report_text
from fenji.core.web.routes import requires


def _day(value):
    try:
        return DateField().clean(value)
    except ValidationError:
        return None


@requires(dispatch_perms.DISPATCH_SEND)
@require_POST
def ticket_bulletin_issue(request):
    start, end = _day(request.POST.get("start")), _day(request.POST.get("end"))
    report = reverse("tickets:report")
    if start is None or end is None or end < start:
        messages.error(request, _("请先选择统计期间"))
        return redirect(report)
    unit = unit_own(actor=request.actor)
    rows = selectors.ticket_report(actor=request.actor, start=start, end=end)
    title = _("关于%(start)s至%(end)s群众诉求办理情况的通报") % {"start": start.isoformat(), "end": end.isoformat()}
    try:
        sent = dispatch.dispatch_send(actor=request.actor, kind=DispatchKind.NOTICE, title=title,
                                      body=ticket_report_text(unit.name, start, end, rows),
                                      targets=dispatch.Targets(subtrees=[unit]))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(f"{report}?start={start}&end={end}")
    messages.success(request, _("已将通报下发至 %(n)s 个单位") % {"n": sent.delivery_count})
    return redirect("dispatch:detail", pk=sent.pk)
