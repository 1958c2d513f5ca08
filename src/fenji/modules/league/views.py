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
from fenji.core.kernel.inputs import parse_month
from fenji.core.kernel.pagination import LIST_COUNT_LIMIT, keyset_page, newest_first_page
from fenji.core.kernel.replicas import replica_reads
from fenji.core.org.models import Unit, UnitStatus
from fenji.core.org.selectors import unit_get, unit_own
from fenji.core.org.widgets import filter_form, pick_units_for
from fenji.core.web.excel import stamp
from fenji.core.web.forms import form_post
from fenji.core.web.query import export_query, paging
from fenji.core.web.routes import requires, signed_in

from . import exports, fastlist, kinds, selectors, services
from . import module as perms
from . import orgs as org_services
from . import remit as remit_services
from . import status as status_services
from .forms import (
    CadreEndForm,
    CadreForm,
    DuesFilterForm,
    EditDecisionForm,
    IncomeForm,
    MemberEditForm,
    MemberFilterForm,
    MemberForm,
    MemberPayForm,
    OrgDocumentForm,
    OrgFilterForm,
    OrgForm,
    OrgUpdateForm,
    PayForm,
    RevokeDecisionForm,
    StatusDecisionForm,
    StatusProposeForm,
    StatusWithdrawForm,
    TransferEndForm,
    TransferFilterForm,
    TransferInForm,
    TransferOutForm,
)
from .models import PayChannel, TransferInitiator, TransferState


def _branches(actor):
    """The active branches the actor may enter members into."""
    return _branches_for(actor, perms.MEMBER_MANAGE)


@requires(perms.MEMBER_VIEW)
@require_http_methods(["GET", "POST"])
@replica_reads
def members(request):
    actor = request.actor
    filters, data, unit = filter_form(request, MemberFilterForm, perms.MEMBER_VIEW)
    form = None
    if policy.can(actor, perms.MEMBER_MANAGE):
        branches = _branches(actor)
        form = MemberForm(request.POST if request.method == "POST" else None, branches=branches)

        def register(d):
            chosen = d.pop("branch")
            branch = next((b for b in branches if b.pk == chosen), None)
            return services.member_register(actor=actor, branch=branch, **d)

        done = form_post(request, form, register, success=lambda m: reverse("league:member", args=[m.pk]),
                         message=lambda m: _("已录入团员 %(name)s") % {"name": m.person.real_name})
        if done:
            return done
    elif request.method == "POST":
        policy.require(actor, perms.MEMBER_MANAGE)
    # The fast read path (ADR 0029): the page ``selectors.member_page`` would give, read and encoded straight.
    page = fastlist.member_rows(actor=actor, unit=unit, text=data.get("q", ""), count_limit=LIST_COUNT_LIMIT,
                                **paging(request))
    page.rows = fastlist.html_rows(page.rows)
    return render(request, "league/members.html", {"filters": filters, "form": form, "page": page, "unit": unit})


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
        "transfer_form": TransferOutForm(), "transfers": selectors.my_transfers(item)[:5],
        "status_form": StatusProposeForm(), "may_status": policy.can(actor, perms.STATUS_HANDLE, item.unit_path),
        "status_cases": selectors.member_status_cases(item)[:5],
        "may_transfer": policy.can(actor, perms.TRANSFER_HANDLE, item.unit_path),
        "may_manage": policy.can(actor, perms.MEMBER_MANAGE, item.unit_path),
        "may_collect": policy.can(actor, perms.DUES_MANAGE, item.unit_path)})


def _month(text: str) -> datetime.date:
    """The month asked for, else this month."""
    return parse_month(text) or timezone.localdate().replace(day=1)


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
        "me": me, "bills": bills, "form": form, "unpaid": sum(1 for b in bills if not b.paid_at),
        "uses": list(selectors.published_uses(me)[:20]) if me else []})


# --- 组织关系转接 -----------------------------------------------------------------------------------------


@requires(perms.TRANSFER_HANDLE)
@require_http_methods(["GET", "POST"])
def transfers(request):
    actor = request.actor
    branches = [b for b in _branches_for(actor, perms.TRANSFER_HANDLE)]
    form = TransferInForm(request.POST or None, branches=branches)

    def receive(d):
        to_unit = next((b for b in branches if b.pk == d["to_unit"]), None)
        return services.transfer_start(actor=actor, member=selectors.member_by_id_number(d["id_number"]),
                                       to_unit=to_unit,
                                       reason=d["reason"], note=d["note"], initiator=TransferInitiator.RECEIVER)

    done = form_post(request, form, receive, success=lambda t: reverse("league:transfer", args=[t.pk]),
                     message=_("已发起转入，待转出团支部审核"))
    if done:
        return done
    filters, data, unit = filter_form(request, TransferFilterForm, perms.TRANSFER_HANDLE)
    rows = selectors.transfer_list(actor=actor, state=data.get("state", ""), since=data.get("since"),
                                   until=data.get("until"), text=data.get("q", ""), unit=unit)
    if request.GET.get("format") == "xlsx":
        return exports.transfers_export(actor=actor, rows=rows).response(f"league-transfers-{stamp()}.xlsx")
    return render(request, "league/transfers.html", {
        "form": form, "filters": filters, "export_query": export_query(request),
        "page": newest_first_page(rows, **paging(request)), "today": timezone.localdate()})


@requires(perms.TRANSFER_HANDLE)
@require_http_methods(["GET", "POST"])
def transfer(request, pk):
    actor = request.actor
    item = selectors.transfer_get(actor=actor, pk=pk)
    op = request.POST.get("op") if request.method == "POST" else None
    end = TransferEndForm(request.POST if op in ("return", "withdraw") else None)
    here = reverse("league:transfer", args=[item.pk])
    if op == "approve":
        try:
            services.transfer_approve(actor=actor, transfer=item)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已审核通过"))
        return redirect(here)
    done = None
    if op == "return":
        done = form_post(request, end, lambda d: services.transfer_return(actor=actor, transfer=item, **d), success=here,
                         message=_("已退回"))
    elif op == "withdraw":
        done = form_post(request, end, lambda d: services.transfer_withdraw(actor=actor, transfer=item, **d),
                         success=here, message=_("已撤回"))
    side_path = item.unit_path if item.state == TransferState.OUT_REVIEW else item.to_unit.path
    return done or render(request, "league/transfer.html", {
        "item": item, "end": end, "today": timezone.localdate(),
        "my_turn": item.state in (TransferState.OUT_REVIEW, TransferState.IN_REVIEW)
        and policy.can(actor, perms.TRANSFER_HANDLE, side_path)})


@requires(perms.TRANSFER_HANDLE)
@require_http_methods(["POST"])
def transfer_out(request, pk):
    """办理转出 from the member's page: the receiving branch by its code; only the receiver then reviews."""
    actor = request.actor
    member = selectors.member_get(actor=actor, pk=pk, action=perms.TRANSFER_HANDLE)
    form = TransferOutForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("请填写转入团支部代码和转接原因"))
        transfer = services.transfer_start(
            actor=actor, member=member, to_unit=services.branch_by_code(form.cleaned_data["to_code"]),
            reason=form.cleaned_data["reason"], note=form.cleaned_data["note"], initiator=TransferInitiator.SENDER)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("league:member", member.pk)
    messages.success(request, _("已发起转出，待转入团支部审核"))
    return redirect("league:transfer", transfer.pk)


@signed_in(channel="mobile")
@require_http_methods(["GET", "POST"])
def m_transfer(request):
    """组织关系转接 on the phone: the member applies (the sending branch reviews, then the receiving one), follows
    the stages and withdraws before it completes."""
    me = selectors.member_of(request.user)
    op = request.POST.get("op") if request.method == "POST" else None
    form = TransferOutForm(request.POST if op == "apply" else None)
    end = TransferEndForm(request.POST if op == "withdraw" else None)
    here = reverse("league:m_transfer")
    done = None
    if me is not None and op == "apply":
        done = form_post(request, form, lambda d: services.transfer_start(
            actor=request.actor, member=me, to_unit=services.branch_by_code(d["to_code"]), reason=d["reason"],
            note=d["note"], initiator=TransferInitiator.MEMBER), success=here, message=_("已提交转接申请"))
    elif me is not None and op == "withdraw":
        mine = selectors.my_transfers(me).filter(pk=request.POST.get("transfer") or 0).first()
        if mine is not None:
            done = form_post(request, end, lambda d: services.transfer_withdraw(actor=request.actor, transfer=mine, **d),
                             success=here, message=_("已撤回"))
    return done or render(request, "league/m_transfer.html", {
        "me": me, "form": form, "end": end, "transfers": list(selectors.my_transfers(me)[:10]) if me else []})


def _branches_for(actor, action):
    rows = Unit.objects.filter(kind__in=services.BRANCH_KINDS, status=UnitStatus.ACTIVE).order_by("path")
    return [u for u in rows[:2000] if policy.can(actor, action, u.path)]


# --- members' own edits ------------------------------------------------------------------------------------


@requires(perms.MEMBER_REVIEW)
def edits(request):
    page = newest_first_page(selectors.edit_list(actor=request.actor), **paging(request))
    return render(request, "league/edits.html", {"page": page, "today": timezone.localdate()})


@requires(perms.MEMBER_REVIEW)
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    actor = request.actor
    item = selectors.edit_get(actor=actor, pk=pk)
    form = EditDecisionForm(request.POST or None)
    done = form_post(request, form, lambda d: services.member_edit_decide(
        actor=actor, edit=item, approve=d["decision"] == "approve", reason=d["reason"]),
        success=reverse("league:edits"), message=_("已审核"))
    labels = services.MEMBER_EDITABLE
    rows = [(labels.get(name, name), item.before.get(name), value) for name, value in item.after.items()]
    return done or render(request, "league/edit.html", {"item": item, "form": form, "rows": rows})


@signed_in(channel="mobile")
@require_http_methods(["GET", "POST"])
def m_me(request):
    """我的信息: the member's record; the non-key fields changed here wait for the branch's review."""
    me = selectors.member_of(request.user)
    initial = {name: getattr(me, name) for name in services.MEMBER_EDITABLE} if me else {}
    withdrawing = request.method == "POST" and request.POST.get("op") == "withdraw"
    form = MemberEditForm(request.POST if request.method == "POST" and not withdrawing else None, initial=initial)
    withdraw = StatusWithdrawForm(request.POST if withdrawing else None, prefix="withdraw")
    if me is not None and withdrawing:
        done = form_post(request, withdraw, lambda d: status_services.status_propose(
            actor=request.actor, member=me, kind="withdraw", reason=d["reason"]),
            success=reverse("league:m_me"), message=_("已提交退团申请，等待团组织审核"))
        if done:
            return done
    elif me is not None:
        done = form_post(request, form, lambda d: services.member_edit_submit(
            actor=request.actor, member=me, **{k: v for k, v in d.items() if k in services.MEMBER_EDITABLE}),
            success=reverse("league:m_me"), message=_("已提交，团支部审核后生效"))
        if done:
            return done
    return render(request, "league/m_me.html", {
        "me": me, "form": form, "edits": list(selectors.my_edits(me)[:5]) if me else [], "withdraw": withdraw,
        "cases": list(selectors.member_status_cases(me)[:3]) if me else []})


# --- League organisations and their cadres ------------------------------------------------------------------------


def _org_parents(actor):
    """The active League organisations under which the actor may enter a new one (the tree's right)."""
    from fenji.core.org.permissions import UNIT_CREATE

    rows = Unit.objects.filter(kind__in=org_services.ORG_KINDS, status=UnitStatus.ACTIVE).exclude(
        kind=kinds.BRANCH).order_by("path")
    return [u for u in rows[:2000] if policy.can(actor, UNIT_CREATE, u.path)]


@requires(perms.ORG_VIEW)
@require_http_methods(["GET", "POST"])
def orgs(request):
    actor = request.actor
    filters = OrgFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    rows = selectors.org_list(actor=actor, text=data.get("q", ""), kind=data.get("kind", ""))
    if request.GET.get("format") == "xlsx":
        return exports.orgs_export(actor=actor, orgs=rows).response(f"league-orgs-{stamp()}.xlsx")
    parents = _org_parents(actor)
    form = None
    if parents:
        form = OrgForm(request.POST or None, request.FILES or None, parents=parents)

        def create(d):
            chosen = d.pop("parent")
            parent = next((u for u in parents if u.pk == chosen), None)
            if parent is None:
                raise DomainError("请选择上级团组织", field="parent")
            return org_services.org_create(actor=actor, parent=parent, **d)

        done = form_post(request, form, create, success=lambda o: reverse("league:org", args=[o.pk]),
                         message=lambda o: _("已录入团组织 %(name)s") % {"name": o.unit.name})
        if done:
            return done
    elif request.method == "POST":
        from fenji.core.org.permissions import UNIT_CREATE

        policy.require(actor, UNIT_CREATE)
    return render(request, "league/orgs.html", {"filters": filters, "form": form, "today": timezone.localdate(),
                                                "export_query": export_query(request),
                                                "page": keyset_page(rows, **paging(request))})


@requires(perms.ORG_VIEW)
@require_http_methods(["GET", "POST"])
def org(request, pk):
    from fenji.core.org.permissions import UNIT_REVOKE

    actor = request.actor
    item = selectors.org_get(actor=actor, pk=pk)
    op = request.POST.get("op") if request.method == "POST" else None
    here = reverse("league:org", args=[item.pk])
    update = OrgUpdateForm(request.POST if op == "update" else None, prefix="org",
                           initial={"industry": item.industry, "secretary": item.secretary, "phone": item.phone,
                                    "retention_pct": item.retention_pct})
    document = OrgDocumentForm(request.POST if op == "document" else None,
                               request.FILES if op == "document" else None, prefix="doc")
    decision = RevokeDecisionForm(request.POST if op == "decide" else None, prefix="revoke")
    cadre = CadreForm(request.POST if op == "cadre" else None, prefix="cadre")
    cadre_end = CadreEndForm(request.POST if op == "cadre_end" else None, prefix="end")
    done = None
    if op == "update":
        done = form_post(request, update, lambda d: org_services.org_update(actor=actor, org=item, **d), success=here,
                         message=_("已保存"))
    elif op == "document":
        done = form_post(request, document, lambda d: org_services.org_document_upload(actor=actor, org=item, **d),
                         success=here, message=_("已上传成立批复文件"))
    elif op == "decide":
        done = form_post(request, decision, lambda d: org_services.org_revoke_decide(actor=actor, org=item, **d),
                         success=here, message=_("已登记撤销决定：请在 15 个工作日内办理撤销"))
    elif op == "cadre":
        done = form_post(request, cadre, lambda d: org_services.cadre_add(actor=actor, org=item, **d), success=here,
                         message=_("已录入团干部"))
    elif op == "cadre_end":
        def end(d):
            row = selectors.cadre_list(item).filter(pk=d["cadre"]).first()
            if row is None:
                raise DomainError("该团干部不存在或已离任")
            return org_services.cadre_end(actor=actor, cadre=row, until=d["until"])

        done = form_post(request, cadre_end, end, success=here, message=_("已登记离任"))
    elif op == "revoke":
        try:
            org_services.org_revoke(actor=actor, org=item)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已撤销"))
        return redirect(here)
    return done or render(request, "league/org.html", {
        "item": item, "cadres": selectors.cadre_list(item, current=False)[:100], "update": update,
        "document": document, "decision": decision, "cadre": cadre, "members": org_services.org_member_count(item),
        "today": timezone.localdate(), "may_manage": policy.can(actor, perms.ORG_MANAGE, item.unit_path),
        "may_decide": item.unit.parent_id is not None and policy.can(actor, perms.ORG_MANAGE, item.unit.parent.path),
        "may_revoke": policy.can(actor, UNIT_REVOKE, item.unit_path)})


# --- League status (团籍) -----------------------------------------------------------------------------------


@requires(perms.STATUS_HANDLE)
def status_cases(request):
    state = request.GET.get("state", "pending")
    state = state if state in ("pending", "approved", "rejected", "") else "pending"
    page = newest_first_page(selectors.status_case_list(actor=request.actor, state=state), **paging(request))
    return render(request, "league/status_cases.html", {"page": page, "state": state})


@requires(perms.STATUS_HANDLE)
@require_http_methods(["GET", "POST"])
def status_case(request, pk):
    actor = request.actor
    item = selectors.status_case_get(actor=actor, pk=pk)
    form = StatusDecisionForm(request.POST if request.method == "POST" else None)
    done = form_post(request, form, lambda d: status_services.status_decide(actor=actor, case=item,
                                                                     approve=d["decision"] == "approve",
                                                                     note=d["note"]),
                     success=reverse("league:status_cases"), message=_("已审核"))
    return done or render(request, "league/status_case.html", {
        "item": item, "form": form, "streak": status_services.unpaid_streak(item.member)})


@requires(perms.STATUS_HANDLE)
@require_http_methods(["POST"])
def status_propose(request, pk):
    actor = request.actor
    item = selectors.member_get(actor=actor, pk=pk, action=perms.STATUS_HANDLE)
    form = StatusProposeForm(request.POST)
    here = reverse("league:member", args=[item.pk])
    if not form.is_valid():
        messages.error(request, _("请选择团籍变动类型"))
        return redirect(here)
    try:
        case = status_services.status_propose(actor=actor, member=item, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(here)
    messages.success(request, _("已提出，等待审核"))
    return redirect(reverse("league:status_case", args=[case.pk]))


# --- 团费上缴和使用 -------------------------------------------------------------------------------------------


def _remitting_units(actor, *, root: bool = False):
    """The active League organisations the actor may remit (below the root) or spend for (``root``: the top too)."""
    rows = Unit.objects.filter(kind__in=org_services.ORG_KINDS + tuple(services.BRANCH_KINDS),
                               status=UnitStatus.ACTIVE).order_by("path")
    if not root:
        rows = rows.filter(parent__isnull=False)
    return [u for u in rows[:2000] if policy.can(actor, perms.DUES_MANAGE, u.path)]


@requires(perms.DUES_VIEW)
@require_http_methods(["GET", "POST"])
def remittances(request):
    from .forms import RemitFilterForm, RemitForm

    actor = request.actor
    filters, data, unit = filter_form(request, RemitFilterForm, perms.DUES_VIEW)
    rows = selectors.remittance_list(actor=actor, state=data.get("state", ""), unit=unit)
    if request.GET.get("format") == "xlsx":
        return exports.remittances_export(actor=actor, rows=rows).response(f"league-remittances-{stamp()}.xlsx")
    units = _remitting_units(actor) if policy.can(actor, perms.DUES_MANAGE) else []
    form = RemitForm(request.POST or None, units=units)
    if request.method == "POST":
        if not units:
            policy.require(actor, perms.DUES_MANAGE)

        def remit(d):
            chosen = next((u for u in units if u.pk == d["unit"]), None)
            if chosen is None:
                raise DomainError(_("请选择上缴单位"), field="unit")
            return remit_services.remittance_create(actor=actor, unit=chosen, amount=d["amount"], note=d["note"])

        done = form_post(request, form, remit, success=lambda r: reverse("league:remittance", args=[r.pk]),
                         message=lambda r: _("已上缴 %(amount)s 元，待接收单位确认") % {"amount": r.amount})
        if done:
            return done
    backlog = selectors.remit_backlog(actor)
    return render(request, "league/remittances.html", {
        "filters": filters, "form": form if units else None, "export_query": export_query(request),
        "backlog": backlog[:50], "overdue": selectors.remit_overdue(actor, backlog),
        "today": timezone.localdate(), "page": newest_first_page(rows, **paging(request))})


@requires(perms.DUES_VIEW)
@require_http_methods(["GET", "POST"])
def remittance(request, pk):
    actor = request.actor
    item = selectors.remittance_get(actor=actor, pk=pk)
    here = reverse("league:remittance", args=[item.pk])
    if request.method == "POST":
        try:
            remit_services.remittance_confirm(actor=actor, remittance=item)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已确认收到"))
        return redirect(here)
    return render(request, "league/remittance.html", {
        "item": item, "bills": selectors.remittance_parts(item)[0][:200], "sources": selectors.remittance_parts(item)[1][:200],
        "may_confirm": item.state == "pending" and actor.unit_id == item.to_unit_id
        and policy.can(actor, perms.DUES_MANAGE, item.to_unit.path)})


@requires(perms.DUES_VIEW)
@require_http_methods(["GET", "POST"])
def dues_uses(request):
    from .forms import DuesUseFilterForm, DuesUseForm

    actor = request.actor
    filters, data, unit = filter_form(request, DuesUseFilterForm, perms.DUES_VIEW)
    rows = selectors.dues_use_list(actor=actor, unit=unit)
    if request.GET.get("format") == "xlsx":
        return exports.dues_uses_export(actor=actor, rows=rows).response(f"league-dues-uses-{stamp()}.xlsx")
    units = _remitting_units(actor, root=True) if policy.can(actor, perms.DUES_MANAGE) else []
    form = DuesUseForm(request.POST or None, units=units)
    if request.method == "POST":
        if not units:
            policy.require(actor, perms.DUES_MANAGE)

        def record(d):
            chosen = next((u for u in units if u.pk == d.pop("unit")), None)
            if chosen is None:
                raise DomainError(_("请选择团组织"), field="unit")
            return remit_services.dues_use_record(actor=actor, unit=chosen, **d)

        done = form_post(request, form, record, success=reverse("league:dues_uses"),
                         message=_("已登记并向团员公示"))
        if done:
            return done
    return render(request, "league/dues_uses.html", {
        "filters": filters, "form": form if units else None, "export_query": export_query(request),
        "balances": [(u, remit_services.balance(u)) for u in units[:50]],
        "page": newest_first_page(rows, **paging(request))})
