"""Filing, deciding, carrying out and withdrawing requests. Every decision checks who may take it
(the step's action over the step's unit, and separation of duties), writes and audits in one
transaction; a step that carries a request out runs its service inside that same transaction."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.services import RuleViolation
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.calendar.workdays import deadline
from fenji.core.kernel.errors import DomainError, NotVisible

from . import permissions as perms
from . import registry
from .alerts import step_arrival_alert
from .models import Request, RequestState, Step, StepState


class FormInvalid(DomainError):
    """The form did not validate; ``form`` carries the field errors for the page to show."""

    def __init__(self, form):
        first = next(iter(form.errors.values()), ["请检查填写的内容"])[0]
        super().__init__(f"申请表填写有误：{first}", code="form_invalid")
        self.form = form


def _step_unit(spec: registry.StepSpec, unit):
    if spec.at == registry.OWN:
        return unit
    if spec.at == registry.PARENT:
        if unit.parent_id is None:
            raise DomainError(f"“{unit.name}”没有上级单位，不能提交需上级办理的申请")
        return unit.parent
    return spec.at(unit)


def _open(step: Step, now) -> None:
    """Open a step: its clock starts now, counted in working days on the official calendar. Past the
    last confirmed year the deadline is provisional, and the tick recomputes it once the year is in."""
    due = deadline(now, step.working_days, provisional_ok=True)
    step.state = StepState.OPEN
    step.opened_at = now
    step.due_at = due.value
    step.due_provisional = due.provisional
    step.calendar_version = due.calendar_version
    step.save(update_fields=["state", "opened_at", "due_at", "due_provisional", "calendar_version"])
    step_arrival_alert(step)


@service
def request_file(*, actor, kind: str, data) -> Request:
    """File a request of type ``kind`` for the actor's own unit, with the form data ``data``."""
    request_type = registry.get(kind)
    if request_type is None:
        raise DomainError(f"未知的申请类别：{kind}", field="kind")
    if actor is policy.SYSTEM or actor.account_id is None:
        raise DomainError("申请须由本人账号提交")
    from django.contrib.auth import get_user_model

    account = get_user_model().objects.unscoped(reason="the requester's own account").select_related("unit").get(
        pk=actor.account_id)
    unit = account.unit
    policy.require(actor, request_type.file_action, unit.path)
    refusal = request_type.fileable_at(unit)
    if refusal:
        raise DomainError(refusal)
    form = request_type.form(data, actor=actor, unit=unit)
    if not form.is_valid():
        raise FormInvalid(form)
    payload = json.loads(json.dumps(form.cleaned_data, cls=DjangoJSONEncoder))
    request = _create(actor=actor, request_type=request_type, unit=unit, payload=payload)
    audit_record(actor=actor, action=request_type.file_action, target=request,
                 details={"kind": kind, "title": request.title})
    return request


@service
def request_start(*, actor, kind: str, unit, payload: dict, reason: str) -> Request:
    """A request started by another service on the actor's behalf (e.g. marking a person retired
    starts the revocation of their grants); that service has already checked the actor's right."""
    request_type = registry.get(kind)
    if request_type is None:
        raise DomainError(f"未知的申请类别：{kind}", field="kind")
    if actor is policy.SYSTEM or actor.account_id is None:
        raise DomainError("申请须由本人账号提交")
    request = _create(actor=actor, request_type=request_type, unit=unit, payload=payload)
    audit_record(actor=actor, action=request_type.file_action, target=request,
                 details={"kind": kind, "title": request.title, "started_by": reason})
    return request


def _create(*, actor, request_type: registry.RequestType, unit, payload: dict) -> Request:
    now = timezone.now()
    summary = request_type.summary(payload) or request_type.label
    request = Request.objects.create(
        unit=unit, unit_path=unit.path, kind=request_type.code, title=summary[:200],
        payload_json=json.dumps(payload, ensure_ascii=False), requester_id=actor.account_id,
        subject_id=request_type.subject(payload), filed_at=now,
    )
    steps = []
    for index, spec in enumerate(request_type.steps):
        step_unit = _step_unit(spec, unit)
        steps.append(Step.objects.create(
            request=request, index=index, code=spec.code, label=spec.label, action=spec.action,
            working_days=spec.days, unit=step_unit, unit_path=step_unit.path,
        ))
    _open(steps[0], now)
    return request


def may_sign_in(actor, step: Step) -> bool:
    """The unit rule of a step: an opinion step (``OWN_UNIT_ACTIONS``) only by an account of the
    step's own unit; any other step by whoever holds its action over the step's unit."""
    if step.action not in perms.OWN_UNIT_ACTIONS:
        return True
    return actor is not policy.SYSTEM and actor.unit_id == step.unit_id


def step_decide_check(*, actor, step: Step, request: Request) -> None:
    """Raise why ``actor`` may not decide ``step`` of ``request`` (a refusal naming the rule); the
    request page explains instead of offering the decision form exactly when this raises."""
    policy.require(actor, step.action, step.unit_path)
    if not may_sign_in(actor, step):
        raise RuleViolation(f"“{step.label}”须由“{step.unit.name}”本单位人员签署：上级单位人员不能代签",
                            rule="not_own_unit", action=step.action)
    if actor.account_id == request.requester_id:
        raise RuleViolation("审批人不能是申请人本人：请由其他有权限的人员办理", rule="approver_is_requester",
                            action=step.action)
    if request.subject_id is not None and actor.account_id == request.subject_id:
        raise RuleViolation("申请涉及您本人的账号或权限，您不能办理：请由其他有权限的人员办理",
                            rule="approver_is_subject", action=step.action)
    if Step.objects.unscoped(reason="separation of duties within one request").filter(
            request=request, decided_by_id=actor.account_id).exists():
        raise RuleViolation("同一申请的不同环节须由不同人员办理，您已办理过本申请的其他环节",
                            rule="one_person_one_step", action=step.action)


@service
def step_decide(*, actor, step: Step, approve: bool, opinion: str = "") -> Step:
    """Decide the open step: agree (and, on a step that carries the request out, run its service)
    or disagree, which closes the request as not passed."""
    opinion = (opinion or "").strip()
    # Lock the request before its step, in the same order as request_withdraw (no deadlock between them).
    request = Request.objects.unscoped(reason="the step's request").select_for_update().get(pk=step.request_id)
    step = Step.objects.unscoped(reason="deciding a step found in scope").select_for_update().get(pk=step.pk)
    if step.state != StepState.OPEN or request.state != RequestState.PENDING:
        raise DomainError("该环节已办理或申请已结束，请刷新页面")
    step_decide_check(actor=actor, step=step, request=request)
    if not approve and not opinion:
        raise DomainError("不同意时请填写意见", field="opinion")
    request_type = registry.get(request.kind)
    spec = next((s for s in request_type.steps if s.code == step.code), None) if request_type else None
    if spec is None:
        raise DomainError("该申请类别已不再受理，请联系系统管理员")
    now = timezone.now()
    if approve and spec.executes:
        step.result = spec.run(actor=actor, request=request, payload=request.payload) or "已办理"
    step.state = (StepState.DONE if spec.executes else StepState.APPROVED) if approve else StepState.REJECTED
    step.decided_by_id = actor.account_id
    step.decided_at = now
    step.opinion = opinion
    step.on_time = step.due_at is None or now <= step.due_at
    step.save(update_fields=["state", "decided_by", "decided_at", "opinion", "result", "on_time"])
    following = Step.objects.unscoped(reason="the request's next step").filter(
        request=request, index__gt=step.index).order_by("index")
    if approve and (next_step := following.first()) is not None:
        _open(next_step, now)
    else:
        following.update(state=StepState.CANCELLED)
        request.state = RequestState.DONE if approve else RequestState.REJECTED
        request.closed_at = now
        request.result = "；".join(Step.objects.unscoped(reason="the request's results").filter(
            request=request).exclude(result="").values_list("result", flat=True))
        request.save(update_fields=["state", "closed_at", "result"])
    audit_record(actor=actor, action=step.action, target=request, details={
        "step": step.code, "decision": step.state, "opinion": opinion, "result": step.result,
        "on_time": step.on_time,
    })
    return step


def request_withdraw_check(*, actor, request: Request) -> None:
    """Raise why ``actor`` may not withdraw ``request``: only its requester, while no step is decided.
    The request page offers 撤回 exactly when this passes."""
    if request.requester_id != actor.account_id:
        raise NotVisible()
    if request.state != RequestState.PENDING:
        raise DomainError("申请已结束，不能撤回")
    if Step.objects.unscoped(reason="the request's steps").filter(request=request, decided_at__isnull=False).exists():
        raise DomainError("申请已有环节办理，不能撤回；请联系正在办理的人员退回")


@service
def request_withdraw(*, actor, request: Request, reason: str = "") -> Request:
    """The requester takes back a request no step has decided yet."""
    request = Request.objects.unscoped(reason="withdrawing one's own request").select_for_update().get(pk=request.pk)
    request_withdraw_check(actor=actor, request=request)
    Step.objects.unscoped(reason="the request's steps").filter(request=request).update(state=StepState.CANCELLED)
    request.state = RequestState.WITHDRAWN
    request.closed_at = timezone.now()
    request.save(update_fields=["state", "closed_at"])
    audit_record(actor=actor, action=perms.REQUEST_FILE, target=request,
                 details={"withdrawn": True, "reason": (reason or "").strip()})
    return request


def step_deadlines_refresh() -> int:
    """Recompute the due time of every open step computed with a calendar that has changed since
    (a provisional year confirmed, or a day corrected). Returns how many changed. Run by the tick."""
    from fenji.core.calendar.workdays import is_current

    changed = 0
    open_steps = Step.objects.unscoped(reason="deadline bookkeeping").filter(state=StepState.OPEN)
    stale = [version for version in open_steps.values_list("calendar_version", flat=True).distinct()
             if not is_current(version)]
    for step in open_steps.filter(calendar_version__in=stale).only("id", "opened_at", "working_days", "due_at"):
        due = deadline(step.opened_at, step.working_days, provisional_ok=True)
        moved = {"reminded_at": None, "overdue_notified_at": None} if due.value != step.due_at else {}
        Step.objects.unscoped(reason="deadline bookkeeping").filter(pk=step.pk, state=StepState.OPEN).update(
            due_at=due.value, due_provisional=due.provisional, calendar_version=due.calendar_version, **moved)
        changed += 1
    return changed
