"""The league module's pages: 团员 (the list, entry by the branch, one member with their bills and a cash payment),
团费 (a month's collection per branch with its rate, the bills' generation, Excel) and the member's 我的团费 on the
phone (pay online)."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fenji.core.access import policy
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.pagination import keyset_page, newest_first_page
from fenji.core.org.models import Unit, UnitStatus
from fenji.core.org.selectors import unit_get, unit_own
from fenji.core.org.widgets import pick_units_for
from fenji.core.web.excel import stamp
from fenji.core.web.forms import form_post
from fenji.core.web.query import paging
from fenji.core.web.routes import requires, signed_in

from . import exports, selectors, services
from . import module as perms
from .forms import DuesFilterForm, IncomeForm, MemberFilterForm, MemberForm, MemberPayForm, PayForm
from .models import PayChannel


def _branches(actor):
    """The active branches the actor may enter members into."""
    rows = Unit.objects.filter(kind__in=services.BRANCH_KINDS, status=UnitStatus.ACTIVE).order_by("path")
    return [u for u in rows[:2000] if policy.can(actor, perms.MEMBER_MANAGE, u.path)]


@requires(perms.MEMBER_VIEW)
@require_http_methods(["GET", "POST"])
def members(request):
    actor = request.actor
    filters = MemberFilterForm(request.GET or None)
    pick_units_for(filters, actor, perms.MEMBER_VIEW)
    data = filters.cleaned_data if filters.is_valid() else {}
    unit = unit_get(actor=actor, pk=data["unit"], action=perms.MEMBER_VIEW) if data.get("unit") else None
    rows = selectors.member_list(actor=actor, unit=unit, text=data.get("q", ""))
    form = None
    if policy.can(actor, perms.MEMBER_MANAGE):
        branches = _branches(actor)
        form = MemberForm(request.POST if request.method == "POST" else None, branches=branches)

        def register(d):
            branch = next((b for b in branches if b.pk == d.pop("branch")), None)
            return services.member_register(actor=actor, branch=branch, **d)

        done = form_post(request, form, register, success=lambda m: reverse("league:member", args=[m.pk]),
                         message=lambda m: _("已录入团员 %(name)s") % {"name": m.person.real_name})
        if done:
            return done
    elif request.method == "POST":
        policy.require(actor, perms.MEMBER_MANAGE)
    return render(request, "league/members.html", {
        "filters": filters, "form": form, "page": keyset_page(rows, **paging(request)), "unit": unit})


@requires(perms.MEMBER_VIEW)
@require_http_methods(["GET", "POST"])
def member(request, pk):
    actor = request.actor
    item = selectors.member_get(actor=actor, pk=pk)
    op = request.POST.get("op") if request.method == "POST" else None
    here = reverse("league:member", args=[item.pk])
    income = IncomeForm(request.POST if op == "income" else None, initial={"income": item.income, "student": item.student},
                        prefix="income")
    pay = PayForm(request.POST if op == "pay" else None, prefix="pay")
    done = None
    if op == "income":
        done = form_post(request, income, lambda d: services.member_income_set(actor=actor, member=item, **d),
                         success=here, message=_("已保存：自下月起按新收入计算团费"))
    elif op == "pay":
        done = form_post(request, pay, lambda d: services.dues_pay(actor=actor, member=item, **d), success=here,
                         message=lambda bills: _("已登记缴纳 %(n)s 个月团费") % {"n": len(bills)})
    return done or render(request, "league/member.html", {
        "item": item, "bills": selectors.my_bills(item)[:24], "income": income, "pay": pay,
        "may_manage": policy.can(actor, perms.MEMBER_MANAGE, item.unit_path),
        "may_collect": policy.can(actor, perms.DUES_MANAGE, item.unit_path)})


def _month(text: str) -> datetime.date:
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


@requires(perms.DUES_VIEW)
@require_http_methods(["GET", "POST"])
def dues(request):
    actor = request.actor
    filters = DuesFilterForm(request.GET or None)
    pick_units_for(filters, actor, perms.DUES_VIEW)
    data = filters.cleaned_data if filters.is_valid() else {}
    unit = unit_get(actor=actor, pk=data["unit"], action=perms.DUES_VIEW) if data.get("unit") else unit_own(actor=actor)
    month = _month(data.get("month", ""))
    if request.method == "POST":
        try:
            made = services.bills_generate(actor=actor, unit=unit, month=month)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已生成 %(n)s 张账单（已有账单的团员不再重复生成）") % {"n": made})
        return redirect(request.get_full_path())
    rows = selectors.bill_list(actor=actor, unit=unit, month=month)
    branches = selectors.collection_by_branch(rows)
    if request.GET.get("format") == "xlsx":
        return exports.dues_export(actor=actor, bills=rows, unit=unit, month=month).response(
            f"league-dues-{month:%Y-%m}-{stamp()}.xlsx")
    bills = sum(b["bills"] for b in branches)
    paid = sum(b["paid"] for b in branches)
    return render(request, "league/dues.html", {
        "filters": filters, "unit": unit, "month": month, "branches": branches, "bills": bills, "paid": paid,
        "rate": paid / bills if bills else None, "arrears": selectors.arrears(actor=actor, unit=unit)[:50],
        "may_generate": policy.can(actor, perms.DUES_MANAGE, unit.path),
        "unpaid": newest_first_page(rows.filter(paid_at__isnull=True), **paging(request))})


@signed_in(channel="mobile")
@require_http_methods(["GET", "POST"])
def m_dues(request):
    """我的团费: the member's bills and paying the oldest unpaid ones online."""
    me = selectors.member_of(request.user)
    form = MemberPayForm(request.POST or None)
    if me is not None and request.method == "POST":
        def pay(d):
            return services.dues_pay(actor=request.actor, member=me, months=d["months"], channel=PayChannel.ONLINE)

        done = form_post(request, form, pay, success=reverse("league:m_dues"),
                         message=lambda bills: _("已缴纳 %(n)s 个月团费") % {"n": len(bills)})
        if done:
            return done
    bills = list(selectors.my_bills(me)[:24]) if me else []
    return render(request, "league/m_dues.html", {
        "me": me, "bills": bills, "form": form, "unpaid": sum(1 for b in bills if not b.paid_at)})
