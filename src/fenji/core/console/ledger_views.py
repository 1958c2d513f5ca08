"""The ledgers (C4.2): 账户台账 and 权限台账 with their Excel exports, the printed request forms
(seed 004 annexes 1 and 2), and the periodic reviews of the grant log (C4.3).

They live in ``people``, the lowest layer that sees accounts, units, grants and requests together.
Rows come from the scoped selectors (404 outside the scope); every export is recorded in the audit
log, and ID numbers leave the platform masked unless the actor may see them in full.
"""

import datetime

from django.contrib import messages
from django.db.models import Min
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fenji.core.access import permissions as access_perms
from fenji.core.access import policy
from fenji.core.access import selectors as access_selectors
from fenji.core.access import services as access_services
from fenji.core.audit.services import audit_record
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.pagination import keyset_page
from fenji.core.org import selectors as org_selectors
from fenji.core.org.widgets import pick_units_for
from fenji.core.people import permissions as perms
from fenji.core.people.identity import mask_id_number, mask_mobile
from fenji.core.people.models import Account
from fenji.core.web.excel import stamp
from fenji.core.web.forms import add_domain_error
from fenji.core.web.pdf import PdfUnavailable, pdf_response, render_pdf
from fenji.core.web.query import export_query, numbered_page, query_without, sorted_page
from fenji.core.web.routes import requires, signed_in
from fenji.core.workflow import selectors as wf_selectors

from . import exports
from . import ledger_selectors as ledgers
from .ledger_forms import AccountLedgerForm, GrantLedgerForm, ReviewForm, SubsystemFilter

UNIT_CHOICES = 300  # the unit picker lists the top of the scope and two levels below it


# --- helpers -------------------------------------------------------------------------------------


def chosen_unit(request, action: str, name: str = "unit"):
    """The unit named in the query string, looked up in the actor's scope (404 outside it)."""
    pk = (request.GET.get(name) or "").strip()
    if not pk:
        return None
    return org_selectors.unit_get(actor=request.actor, pk=pk, action=action)


def unit_choices(actor, action: str, chosen=None) -> list[tuple[int, str]]:
    """The unit picker: units in the actor's scope for ``action``, in tree order, indented."""
    units = org_selectors.unit_list(actor=actor, action=action)
    top = units.aggregate(top=Min("depth"))["top"]
    if top is None:
        return []
    shown = list(units.filter(depth__lte=top + 2).order_by("path")[:UNIT_CHOICES])
    if chosen is not None and all(u.pk != chosen.pk for u in shown):
        shown.append(chosen)
    return [(u.pk, "\u3000" * max(u.depth - top, 0) + u.name + ("" if u.is_active else _("（已撤销）")))
            for u in shown]


def _described(unit, data: dict) -> dict:
    described = {k: str(v) for k, v in data.items() if v not in (None, "") and k != "unit"}
    if unit is not None:
        described["unit"] = unit.name
    if data.get("subsystem"):
        described["subsystem"] = access_selectors.subsystem_text(data["subsystem"])
    return described


# --- 账户台账 --------------------------------------------------------------------------------------


# The ledgers' sortable columns.
ACCOUNT_LEDGER_SORTS = {"name": "person__real_name", "unit": "unit_path", "kind": "kind", "status": "status",
                        "opened": "created_at"}
GRANT_LEDGER_SORTS = {"name": "account__person__real_name", "role": "role", "unit": "unit_path",
                      "granted": "granted_at", "until": "valid_until"}


@requires(perms.ACCOUNT_VIEW)
def account_ledger(request):
    actor = request.actor
    unit = chosen_unit(request, perms.ACCOUNT_VIEW)
    form = AccountLedgerForm(request.GET or None)
    pick_units_for(form, actor, perms.ACCOUNT_VIEW)
    data = form.cleaned_data if form.is_valid() else {}
    accounts = ledgers.account_ledger_list(actor=actor, unit=unit, start=data.get("start"), end=data.get("end"),
                                      text=data.get("q", ""))
    if request.GET.get("format") == "xlsx":
        return exports.account_ledger_export(actor=actor, accounts=accounts, filters=_described(unit, data)).response(
            f"account-ledger-{stamp()}.xlsx")
    page = sorted_page(request, accounts, sorts=ACCOUNT_LEDGER_SORTS, default=keyset_page)
    histories = ledgers.account_histories(page.rows)
    for account in page.rows:
        account.history = histories[account.pk]
    query = query_without(request, "after", "format", "page")
    return render(request, "ledgers/accounts.html", {
        "form": form, "page": page, "unit": unit, "query": query, "first_page": not request.GET.get("after"),
        "export_query": export_query(request),
        "can_unmask": policy.can(actor, perms.PERSON_UNMASK),
    })


# --- 权限台账 --------------------------------------------------------------------------------------


def _role_labels() -> dict[str, str]:
    builtins, custom = access_selectors.role_list()
    labels = {role.code: role.label for role in builtins}
    labels.update({row.code: row.label for row in custom})
    return labels


def _grant_ledger_rows(request):
    actor = request.actor
    unit = chosen_unit(request, access_perms.GRANT_VIEW)
    labels = _role_labels()
    form = GrantLedgerForm(request.GET or None, roles=list(labels.items()),
                           subsystems=access_selectors.subsystem_choices())
    pick_units_for(form, actor, access_perms.GRANT_VIEW)
    data = form.cleaned_data if form.is_valid() else {}
    grants = ledgers.grant_ledger_list(actor=actor, unit=unit, start=data.get("start"), end=data.get("end"),
                                  role=data.get("role", ""), state=data.get("state", ""), text=data.get("q", ""),
                                  subsystem=data.get("subsystem", ""))
    return form, unit, data, grants, labels


def _name(account) -> str:
    return account.person.real_name if account is not None else ""


@requires(access_perms.GRANT_VIEW)
def grant_ledger(request):
    form, unit, data, grants, labels = _grant_ledger_rows(request)
    if request.GET.get("format") == "xlsx":
        return exports.grant_ledger_export(actor=request.actor, grants=grants, labels=labels,
                                          filters=_described(unit, data)).response(f"permission-ledger-{stamp()}.xlsx")
    page = sorted_page(request, grants, sorts=GRANT_LEDGER_SORTS, default=keyset_page)
    now = timezone.now()
    for grant in page.rows:
        grant.role_name = labels.get(grant.role, grant.role)
        grant.state = ledgers.grant_state(grant, now)
        grant.subsystem_label = access_selectors.subsystem_text(grant.subsystem)
    query = query_without(request, "after", "format", "page")
    return render(request, "ledgers/permissions.html", {
        "form": form, "page": page, "unit": unit, "query": query, "first_page": not request.GET.get("after"),
        "export_query": export_query(request),
    })


# --- 申请表 (seed 004 annexes 1 and 2) --------------------------------------------------------------

FORM_TITLES = {
    True: "管理员账户权限申请表",   # annex 1: kinds "admin.*"
    False: "操作员账户权限申请表",  # annex 2
}


def _masked(value: str, full: bool, mask) -> str:
    value = value or ""
    if full or not value:
        return value
    masked = mask(value)
    return masked if masked != value else "*" * len(value)


def request_form_context(actor, wf_request) -> dict:
    """What the printed form shows: header, the one content row, the opinions and the results.

    Values come from the request's payload (console/requests.py), falling back to the account the
    request is about; missing keys leave blanks. ID and mobile numbers are masked unless the actor
    may unmask them at the account's (or the requesting) unit.
    """
    payload = wf_request.payload
    subject = None
    if wf_request.subject_id:
        subject = (Account.objects.unscoped(reason="the account named on a request shown to the actor")
                   .select_related("person").filter(pk=wf_request.subject_id).first())
    admin = wf_request.kind.startswith("admin.")
    full = policy.can(actor, perms.PERSON_UNMASK, subject.unit_path if subject else wf_request.unit_path)
    steps = wf_selectors.step_list_for_request(wf_request)
    by_code = {step.code: step for step in steps}
    name = payload.get("real_name") or (subject.person.real_name if subject else
                                        str(payload.get("account_label", "")).split("（")[0])
    id_number = str(payload.get("id_number") or (subject.person.id_number if subject else "") or "")
    mobile = str(payload.get("mobile") or (subject.mobile if subject else "") or "")
    requester = wf_request.requester
    requester_full = policy.can(actor, perms.PERSON_UNMASK, requester.unit_path)
    signatures = [s for s in steps if s.code in ("department", "leader")]
    results = [s for s in steps if s.code not in ("department", "leader")]
    return {
        "req": wf_request, "admin": admin, "title": FORM_TITLES[admin], "platform": _("分级管理平台"),
        "subsystem": access_selectors.subsystem_text(payload.get("subsystem", "")),
        "department": wf_request.unit.name, "filed_on": timezone.localtime(wf_request.filed_at).date(),
        "requester": requester.person.real_name,
        "requester_mobile": _masked(requester.mobile, requester_full, mask_mobile),
        "row": {
            "category": payload.get("category", ""), "name": name,
            "id_number": _masked(id_number, full, mask_id_number), "mobile": _masked(mobile, full, mask_mobile),
            "post": payload.get("role_label") or payload.get("title") or (subject.title if subject else ""),
            "requirement": payload.get("requirement") or wf_request.title,
        },
        "department_step": by_code.get("department"), "leader_step": by_code.get("leader"),
        "account_step": by_code.get("account"), "permission_step": by_code.get("permission"),
        "signatures": signatures, "results": results,
        "unmasked": [f for f, shown in (("id_number", full and bool(id_number)), ("mobile", full and bool(mobile)),
                                        ("requester_mobile", requester_full)) if shown],
        "printed_at": timezone.localtime(),
    }


@signed_in
def request_form(request, pk):
    """One request printed as its official form (PDF). Visible to whoever may see the request:
    its requester, those overseeing the requesting unit, and the deciders of its steps."""
    wf_request = wf_selectors.request_get(actor=request.actor, pk=pk)
    context = request_form_context(request.actor, wf_request)
    try:
        data = render_pdf("ledgers/request_form.html", context)  # no console context: nothing of it is printed
    except PdfUnavailable as error:
        return render(request, "web/error.html", {"title": _("无法生成PDF"), "message": error.message}, status=503)
    if context["unmasked"]:
        audit_record(actor=request.actor, action=perms.PERSON_UNMASK, target=wf_request,
                     details={"fields": context["unmasked"], "via": "request_form", "account": wf_request.subject_id,
                              "requester": wf_request.requester_id})
    return pdf_response(data, f"request-{wf_request.pk}.pdf")


# --- 权限审查 (C4.3) --------------------------------------------------------------------------------


@requires(access_perms.GRANT_VIEW)
def review_list(request):
    actor = request.actor
    unit = chosen_unit(request, access_perms.GRANT_VIEW)
    form = SubsystemFilter(request.GET or None, subsystems=access_selectors.subsystem_choices())
    subsystem = form.cleaned_data.get("subsystem", "") if form.is_valid() else ""
    reviews = access_selectors.grant_review_list(actor=actor, unit=unit, subsystem=subsystem)
    page = numbered_page(request, reviews)
    for review in page.rows:
        review.subsystem_label = access_selectors.subsystem_text(review.subsystem)
    return render(request, "ledgers/reviews.html", {
        "form": form, "page": page, "unit": unit, "query": query_without(request, "after", "format", "page"),
        "can_record": policy.can(actor, access_perms.GRANT_REVIEW),
    })


def _last_month() -> tuple[datetime.date, datetime.date]:
    first_of_this = timezone.localdate().replace(day=1)
    end = first_of_this - datetime.timedelta(days=1)
    return end.replace(day=1), end


@requires(access_perms.GRANT_REVIEW)
@require_http_methods(["GET", "POST"])
def review_create(request):
    """Choose the subtree and the period, see what the grant log holds for it, then record findings."""
    actor = request.actor
    data = request.POST if request.method == "POST" else request.GET
    unit = None
    if data.get("unit"):
        unit = org_selectors.unit_get(actor=actor, pk=data["unit"], action=access_perms.GRANT_REVIEW)
    units = unit_choices(actor, access_perms.GRANT_REVIEW, unit)
    start, end = _last_month()
    own = next((pk for pk, _label in units if pk == actor.unit_id), units[0][0] if units else None)
    form = ReviewForm(data if data.get("unit") else None, units=units, subsystems=access_selectors.subsystem_choices(),
                      initial={"unit": own, "period_start": start, "period_end": end})
    summary = None
    if form.is_bound and form.is_valid():
        # Read the period now: a refusal shown on its field takes the field out of cleaned_data.
        start, end = form.cleaned_data["period_start"], form.cleaned_data["period_end"]
        subsystem = form.cleaned_data.get("subsystem", "")
        if request.method == "POST":
            try:
                review = access_services.grant_review_record(
                    actor=actor, unit=unit, period_start=start, period_end=end,
                    findings=form.cleaned_data["findings"], subsystem=subsystem)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("已记录“%(unit)s”%(start)s至%(end)s的权限审查") % {
                    "unit": unit.name, "start": review.period_start, "end": review.period_end})
                return redirect("ledgers:reviews")
        summary = access_selectors.grant_log_summary(actor=actor, unit_path=unit.path, start=start, end=end,
                                                     action=access_perms.GRANT_REVIEW, subsystem=subsystem)
        summary["ledger_url"] = reverse("ledgers:permissions") + "?" + urlencode({
            "unit": unit.pk, "start": start, "end": end, **({"subsystem": subsystem} if subsystem else {})})
        summary["subsystem"] = access_selectors.subsystem_text(subsystem)
    return render(request, "ledgers/review_form.html", {"form": form, "summary": summary, "unit": unit})
