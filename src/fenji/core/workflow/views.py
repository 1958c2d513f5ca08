"""Console pages of requests (申请审批): mine, filing one, awaiting me, one request with its steps and
the decision form, the requests of the units overseen, and the timeliness rates (及时率).

Thin as the other console pages: the selectors decide what the actor sees (404 outside it) and the
services decide what the actor may do; refusals are shown on the form they came from.
"""


from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fenji.core.access import policy
from fenji.core.kernel.errors import DomainError, NotVisible, reason_against
from fenji.core.kernel.pagination import newest_first_page
from fenji.core.org.periods import percent, period_choice
from fenji.core.web.excel import stamp
from fenji.core.web.forms import add_domain_error
from fenji.core.web.query import numbered_page, query_without, sorted_page
from fenji.core.web.routes import requires, signed_in

from . import exports, registry, selectors, services
from . import permissions as perms
from .forms import DecisionForm, RequestFilterForm, WithdrawForm
from .models import RequestState, Step, StepState

PAGE_SIZE = 20
MASKED_KEYS = ("id_number", "mobile")


# --- helpers -------------------------------------------------------------------------------------


def _type_label(kind: str) -> str:
    request_type = registry.get(kind)
    return str(request_type.label) if request_type else kind


def _decorate(rows) -> list:
    """Type label and the open step (with its due time) for a page of requests, in one query."""
    rows = list(rows)
    open_steps = {s.request_id: s for s in Step.objects.unscoped(reason="open steps of requests already listed")
                  .filter(request_id__in=[r.pk for r in rows], state=StepState.OPEN).select_related("unit")}
    for row in rows:
        row.type_label = _type_label(row.kind)
        row.current_step = open_steps.get(row.pk)
    return rows


def mask(key: str, value) -> str:
    """ID and mobile numbers in a payload are shown masked: 110***********1234, 138****1234."""
    text = str(value)
    if len(text) < 8:
        return "*" * len(text)
    return f"{text[:3]}{'*' * (len(text) - 7)}{text[-4:]}"


def _masked_key(key: str) -> bool:
    return any(key == name or key.endswith(f"_{name}") for name in MASKED_KEYS)


def _choice_label(field, value):
    for key, label in getattr(field, "choices", None) or ():
        if isinstance(label, (list, tuple)):  # an option group
            for inner_key, inner_label in label:
                if str(inner_key) == str(value):
                    return inner_label
        elif str(key) == str(value):
            return label
    return None


def _shown(field, key: str, value, payload: dict) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if _masked_key(key):
        return mask(key, value)
    if payload.get(f"{key}_label"):
        return str(payload[f"{key}_label"])
    label = _choice_label(field, value) if field is not None else None
    if label is not None:
        return str(label)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def payload_rows(request_type, req, actor) -> list[tuple[str, str]]:
    """The filled-in form as (label, value) rows, in the form's own order and with its labels."""
    payload = req.payload
    if request_type is None:
        return [(key, _shown(None, key, value, payload)) for key, value in payload.items()]
    form = request_type.form(None, actor=actor, unit=req.unit)
    return [(str(field.label or name), _shown(field, name, payload.get(name), payload))
            for name, field in form.fields.items()]


def _step_rows(steps: list[Step]) -> list[Step]:
    for step in steps:
        step.decided = step.state in (StepState.APPROVED, StepState.DONE, StepState.REJECTED)
        step.is_open = step.state == StepState.OPEN
    return steps


def _spec(req, step) -> registry.StepSpec | None:
    request_type = registry.get(req.kind)
    if request_type is None or step is None:
        return None
    return next((s for s in request_type.steps if s.code == step.code), None)


def _user_unit(request):
    return request.user.unit


# The request lists' sortable columns (``?sort=filed`` / ``-filed`` …).
REQUEST_SORTS = {"title": "title", "kind": "kind", "filed": "filed_at", "state": "state", "unit": "unit_path"}


# --- 我的申请 --------------------------------------------------------------------------------------


@signed_in
def mine(request):
    page = sorted_page(request, selectors.request_list_mine(actor=request.actor), sorts=REQUEST_SORTS,
                       default=newest_first_page)
    page.rows = _decorate(page.rows)
    return render(request, "workflow/mine.html", {
        "page": page, "query": query_without(request, "after"), "first_page": not request.GET.get("after"),
        "can_file": policy.can(request.actor, perms.REQUEST_FILE),
    })


# --- 新建申请 --------------------------------------------------------------------------------------


def _fileable_types(actor):
    return [t for t in registry.all_types() if policy.can(actor, t.file_action, actor.unit_path)]


@requires(perms.REQUEST_FILE)
def new(request):
    unit = _user_unit(request)
    groups: dict[str, list] = {}
    for request_type in _fileable_types(request.actor):
        refusal = request_type.fileable_at(unit)
        groups.setdefault(str(request_type.group or _("其他")), []).append({
            "type": request_type, "refusal": refusal,
            "steps": "→".join(str(s.label) for s in request_type.steps),
        })
    return render(request, "workflow/new.html", {"groups": list(groups.items()), "unit": unit})


@requires(perms.REQUEST_FILE)
@require_http_methods(["GET", "POST"])
def file(request, kind):
    actor = request.actor
    request_type = registry.get(kind)
    if request_type is None:
        raise NotVisible(_("申请类别不存在"))
    unit = _user_unit(request)
    policy.require(actor, request_type.file_action, actor.unit_path)
    refusal = request_type.fileable_at(unit)
    form = None
    if request.method == "POST" and not refusal:
        try:
            filed = services.request_file(actor=actor, kind=kind, data=request.POST)
        except services.FormInvalid as invalid:
            form = invalid.form
        except DomainError as error:
            form = request_type.form(request.POST, actor=actor, unit=unit)
            form.is_valid()
            add_domain_error(form, error)
        else:
            messages.success(request, _("已提交申请“%(title)s”，等待%(step)s") % {
                "title": filed.title, "step": request_type.steps[0].label})
            return redirect("workflow:detail", pk=filed.pk)
    if form is None:
        form = request_type.form(None, actor=actor, unit=unit)
    return render(request, "workflow/file.html", {
        "request_type": request_type, "form": form, "unit": unit, "refusal": refusal,
        "steps": request_type.steps,
    })


# --- 待我审批 --------------------------------------------------------------------------------------


@signed_in
def awaiting(request):
    steps = selectors.step_list_awaiting(actor=request.actor)
    page = numbered_page(request, steps)
    for step in page.rows:
        step.type_label = _type_label(step.request.kind)
    return render(request, "workflow/awaiting.html", {"page": page, "query": query_without(request, "page")})


# --- 申请详情 --------------------------------------------------------------------------------------


def _detail(request, req, *, form=None, status=200):
    actor = request.actor
    request_type = registry.get(req.kind)
    steps = _step_rows(selectors.step_list_for_request(req))
    open_step = selectors.step_get_open(actor=actor, request=req) if req.state == RequestState.PENDING else None
    spec = _spec(req, open_step)
    note = reason_against(services.step_decide_check, actor=actor, step=open_step,
                          request=req) if open_step is not None else ""
    if open_step is not None and form is None:
        form = DecisionForm(initial={"decision": "approve"})
    may_withdraw = not reason_against(services.request_withdraw_check, actor=actor, request=req)
    return render(request, "workflow/detail.html", {
        "req": req, "type_label": _type_label(req.kind), "rows": payload_rows(request_type, req, actor),
        "steps": steps, "open_step": open_step, "executes": bool(spec and spec.executes),
        "form": form, "decision_note": note, "may_withdraw": may_withdraw,
    }, status=status)


@signed_in
def detail(request, pk):
    return _detail(request, selectors.request_get(actor=request.actor, pk=pk))


@signed_in
@require_POST
def decide(request, pk):
    actor = request.actor
    req = selectors.request_get(actor=actor, pk=pk)
    step = selectors.step_get_open(actor=actor, request=req) if req.state == RequestState.PENDING else None
    if step is None:
        messages.error(request, _("该环节已办理、申请已结束，或您无权办理该环节"))
        return redirect("workflow:detail", pk=req.pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, req, form=form)
    approve = form.approve
    opinion = form.cleaned_data["opinion"]
    if not approve and not form.cleaned_data["confirmed"]:
        return render(request, "workflow/reject_confirm.html", {
            "req": req, "step": step, "opinion": opinion, "type_label": _type_label(req.kind)})
    try:
        decided = services.step_decide(actor=actor, step=step, approve=approve, opinion=opinion)
    except DomainError as error:  # the executing service's rules
        add_domain_error(form, error)
        return _detail(request, req, form=form)
    if decided.state == StepState.REJECTED:
        messages.success(request, _("已签署不同意意见，申请已退回申请人"))
    elif decided.state == StepState.DONE:
        messages.success(request, _("已办理：%(result)s") % {"result": decided.result})
    else:
        messages.success(request, _("已签署同意意见（%(step)s）") % {"step": decided.label})
    return redirect("workflow:detail", pk=req.pk)


@signed_in
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    actor = request.actor
    req = selectors.request_get(actor=actor, pk=pk)
    if req.requester_id != actor.account_id:
        raise NotVisible()
    detail_url = reverse("workflow:detail", args=[req.pk])
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_withdraw(actor=actor, request=req, reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已撤回申请“%(title)s”") % {"title": req.title})
        return redirect(detail_url)
    return render(request, "web/confirm.html", {
        "title": _("撤回申请：%(title)s") % {"title": req.title},
        "question": _("确定要撤回申请“%(title)s”吗？撤回后不能恢复，如仍需办理请重新提交。") % {"title": req.title},
        "form": form, "button": _("确认撤回"), "cancel_url": detail_url,
    })


# --- 本单位申请 ------------------------------------------------------------------------------------


@requires(perms.REQUEST_VIEW)
def in_scope(request):
    kinds = [(t.code, str(t.label)) for t in registry.all_types()]
    form = RequestFilterForm(request.GET or None, kinds=kinds)
    data = form.cleaned_data if form.is_valid() else {}
    requests = selectors.request_list(actor=request.actor)
    if data.get("state"):
        requests = requests.filter(state=data["state"])
    if data.get("kind"):
        requests = requests.filter(kind=data["kind"])
    if data.get("q", "").strip():
        requests = requests.filter(title__icontains=data["q"].strip())
    page = sorted_page(request, requests, sorts=REQUEST_SORTS, default=newest_first_page)
    page.rows = _decorate(page.rows)
    return render(request, "workflow/in_scope.html", {
        "form": form, "page": page, "query": query_without(request, "after"),
        "first_page": not request.GET.get("after"),
    })


# --- 及时率 ----------------------------------------------------------------------------------------


@requires(perms.REQUEST_VIEW)
def timeliness(request):
    choice = period_choice(request.actor, request.GET, perms.REQUEST_VIEW, own_unit=_user_unit(request))
    form, unit, start, end = choice.form, choice.unit, choice.start, choice.end
    rows = selectors.request_timeliness(actor=request.actor, root_path=unit.path, start=start, end=end) if unit else []
    total = {"decided": sum(r.decided for r in rows), "on_time": sum(r.on_time for r in rows),
             "overdue_open": sum(r.overdue_open for r in rows)}
    total["rate"] = percent(total["on_time"] / total["decided"] if total["decided"] else None)
    table = [{"row": r, "rate": percent(r.rate)} for r in rows]
    if request.GET.get("format") == "xlsx" and unit is not None:
        return exports.timeliness_export(actor=request.actor, unit=unit, start=start, end=end, table=table,
                                         total=total).response(f"timeliness-{stamp()}.xlsx")
    return render(request, "workflow/timeliness.html", {
        "form": form, "unit": unit, "start": start, "end": end, "table": table, "total": total,
        "export_query": query_without(request, "format"),
    })
