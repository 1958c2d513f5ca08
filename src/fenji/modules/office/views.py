"""The office module's pages: 移动存储介质 (register, checks, loss or retirement; the ledger with Excel) and
值班安排 (a unit's month of 值守 and 值班)."""

import calendar
import datetime

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fenji.core.access import policy
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.inputs import parse_id, parse_month
from fenji.core.kernel.pagination import keyset_page, newest_first_page
from fenji.core.kernel.replicas import replica_reads
from fenji.core.org.selectors import unit_get, unit_own
from fenji.core.org.widgets import filter_form, pick_units_for
from fenji.core.web.excel import stamp
from fenji.core.web.forms import form_post
from fenji.core.web.query import export_query, paging, query_without, sorted_page
from fenji.core.web.routes import requires

from . import exports, selectors, services
from . import module as perms
from .forms import CheckForm, DutyForm, MediumFilterForm, MediumForm, PublicationFilterForm, RetireForm
from .models import DutyPeriod, MediumState

MEDIUM_SORTS = {"number": "number", "unit": "unit_path", "registered": "registered_on", "checked": "last_checked_on",
                "state": "state"}


# --- 移动存储介质 -------------------------------------------------------------------------------------


@requires(perms.MEDIA_VIEW)
@require_http_methods(["GET", "POST"])
@replica_reads
def media(request):
    actor = request.actor
    filters, data, unit = filter_form(request, MediumFilterForm, perms.MEDIA_VIEW)
    rows = selectors.medium_list(actor=actor, unit=unit, state=data.get("state", ""), text=data.get("q", ""))
    if request.GET.get("format") == "xlsx":
        return exports.medium_export(actor=actor, media=rows).response(f"removable-media-{stamp()}.xlsx")
    own = unit_own(actor=request.actor)
    can_register = policy.can(actor, perms.MEDIA_MANAGE, own.path)
    form = None
    if can_register:
        form = MediumForm(request.POST if request.method == "POST" else None, colleagues=selectors.colleague_list(own))
        done = form_post(request, form, lambda d: services.medium_register(
            actor=actor, unit=own, keeper=selectors.colleague_get(own, d.pop("keeper")), **d),
            success=lambda m: reverse("office:medium", args=[m.pk]),
            message=lambda m: _("已登记 %(m)s") % {"m": m})
        if done:
            return done
    elif request.method == "POST":
        policy.require(actor, perms.MEDIA_MANAGE, own.path)
    page = sorted_page(request, rows, sorts=MEDIUM_SORTS, default=keyset_page)
    query = query_without(request, "after", "page", "format")
    return render(request, "office/media.html", {
        "filters": filters, "form": form, "page": page, "unit": unit, "own": own, "query": query,
        "export_query": export_query(request),
        "cutoff": selectors.check_cutoff(), "check_days": settings.FENJI_OFFICE_MEDIA_CHECK_DAYS})


@requires(perms.MEDIA_VIEW)
@require_http_methods(["GET", "POST"])
def medium(request, pk):
    actor = request.actor
    item = selectors.medium_get(actor=actor, pk=pk)
    can_manage = policy.can(actor, perms.MEDIA_MANAGE, item.unit_path) and item.state == MediumState.IN_USE
    op = request.POST.get("op") if request.method == "POST" else None
    check_form = CheckForm(request.POST if op == "check" else None, initial={"checked_on": timezone.localdate()})
    retire_form = RetireForm(request.POST if op == "retire" else None)
    here = reverse("office:medium", args=[item.pk])
    if op == "check":
        done = form_post(request, check_form, lambda d: services.medium_check(actor=actor, medium=item, **d),
                         success=here, message=_("已登记查毒记录"))
    elif op == "retire":
        done = form_post(request, retire_form, lambda d: services.medium_retire(actor=actor, medium=item, **d),
                         success=here, message=_("已登记"))
    else:
        done = None
    return done or render(request, "office/medium.html", {
        "item": item, "checks": item.checks.select_related("checked_by__person"), "can_manage": can_manage,
        "check_form": check_form, "retire_form": retire_form, "cutoff": selectors.check_cutoff()})


# --- 信息发布登记 -------------------------------------------------------------------------------------


@requires(perms.REGISTER_VIEW)
def publications(request):
    actor = request.actor
    form = PublicationFilterForm(request.GET or None)
    pick_units_for(form, actor, perms.REGISTER_VIEW)
    data = form.cleaned_data if form.is_valid() else {}
    unit = unit_get(actor=actor, pk=data["unit"], action=perms.REGISTER_VIEW) if data.get("unit") else None
    rows = selectors.publication_list(actor=actor, unit=unit, start=data.get("start"), end=data.get("end"))
    if request.GET.get("format") == "xlsx":
        filters = {k: str(v) for k, v in data.items() if v not in (None, "") and k != "unit"}
        if unit is not None:
            filters["unit"] = unit.name
        return exports.publication_export(actor=actor, posts=rows, filters=filters).response(
            f"publications-{stamp()}.xlsx")
    page = newest_first_page(rows, **paging(request))
    selectors.publication_reviews(page.rows)
    return render(request, "office/publications.html", {
        "form": form, "page": page, "unit": unit, "export_query": export_query(request)})


# --- 值班安排 ----------------------------------------------------------------------------------------


def _month(text: str) -> datetime.date:
    """The month asked for, else this month."""
    return parse_month(text) or timezone.localdate().replace(day=1)


@requires(perms.DUTY_VIEW)
@require_http_methods(["GET", "POST"])
def duty(request):
    actor = request.actor
    unit_pk = parse_id(request.GET.get("unit"))
    unit = unit_get(actor=actor, pk=unit_pk, action=perms.DUTY_VIEW) if unit_pk else unit_own(actor=request.actor)
    first = _month(request.GET.get("month", ""))
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    can_manage = policy.can(actor, perms.DUTY_MANAGE, unit.path)
    form = DutyForm(request.POST if request.method == "POST" else None, colleagues=selectors.colleague_list(unit),
                    initial={"day": max(timezone.localdate(), first)})
    if request.method == "POST":
        policy.require(actor, perms.DUTY_MANAGE, unit.path)
        done = form_post(request, form, lambda d: services.duty_assign(
            actor=actor, unit=unit, account=selectors.colleague_get(unit, d.pop("account")), **d),
            success=request.get_full_path(), message=_("已安排"))
        if done:
            return done
    shifts = list(selectors.duty_list(actor=actor, unit=unit, start=first, end=last))
    by_day: dict[datetime.date, dict[str, list]] = {}
    for shift in shifts:
        by_day.setdefault(shift.day, {}).setdefault(shift.period, []).append(shift)
    today = timezone.localdate()
    days = [{"day": d, "work": by_day.get(d, {}).get(DutyPeriod.WORK, []),
             "off": by_day.get(d, {}).get(DutyPeriod.OFF, []), "past": d < today}
            for d in (first + datetime.timedelta(days=n) for n in range((last - first).days + 1))]
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = last + datetime.timedelta(days=1)
    return render(request, "office/duty.html", {
        "unit": unit, "first": first, "days": days, "form": form if can_manage else None,
        "previous": previous.strftime("%Y-%m"), "following": following.strftime("%Y-%m"),
        "unit_query": f"unit={unit.pk}&" if unit_pk else "", "empty_days": sum(1 for d in days if not d["off"])})


@requires(perms.DUTY_MANAGE)
@require_POST
def duty_remove(request, pk):
    shift = selectors.duty_get(actor=request.actor, pk=pk)
    try:
        services.duty_remove(actor=request.actor, shift=shift)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已取消该值班安排"))
    return redirect(f"{reverse('office:duty')}?unit={shift.unit_id}&month={shift.day:%Y-%m}")
