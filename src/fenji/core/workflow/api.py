"""``/api/v1/requests``: requests and their approval steps over HTTP, with the page's services and scope.

Filing takes the request type's own form fields as ``data`` (the same validation as the page: field errors
come back in the envelope). Deciding signs the open step the caller may decide; withdrawing is the
requester's, while no step is decided. A request outside the caller's reach answers 404 like a missing one.
"""

import datetime

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fenji.core.api.pagination import NewestFirstQuery, api_newest_first
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, InputSchema
from fenji.core.kernel.errors import DomainError

from . import registry, selectors, services
from .models import RequestState

router = Router(tags=["申请审批"])


class StepOut(Schema):
    id: int
    index: int
    label: str = Field(description="环节名称")
    state: str
    state_label: str
    due_at: datetime.datetime | None = Field(description="办理期限")
    decided_at: datetime.datetime | None
    decided_by: str = Field(description="办理人姓名")
    opinion: str

    @staticmethod
    def resolve_state_label(step):
        return step.get_state_display()

    @staticmethod
    def resolve_decided_by(step):
        return step.decided_by.person.real_name if step.decided_by_id else ""


class RequestOut(Schema):
    id: int
    kind: str = Field(description="申请类别代码")
    kind_label: str = Field(description="申请类别")
    title: str
    unit: str = Field(description="申请单位")
    state: str
    state_label: str
    filed_at: datetime.datetime
    closed_at: datetime.datetime | None
    result: str

    @staticmethod
    def resolve_kind_label(req):
        request_type = registry.get(req.kind)
        return str(request_type.label) if request_type else req.kind

    @staticmethod
    def resolve_unit(req):
        return req.unit.name

    @staticmethod
    def resolve_state_label(req):
        return req.get_state_display()


class RequestDetailOut(RequestOut):
    steps: list[StepOut]

    @staticmethod
    def resolve_steps(req):
        return selectors.step_list_for_request(req)


class AwaitingOut(Schema):
    request: RequestOut
    step: StepOut


class RequestPage(Schema):
    items: list[RequestOut]
    next: str | None = Field(description="下一页的 after 值（最后一条的 id）；没有下一页时为 null")
    total: int


class RequestFileIn(InputSchema):
    kind: str = Field(description="申请类别代码（见“新建申请”页面）")
    data: dict[str, str | int | bool | list[str] | None] = Field(
        default_factory=dict, description="申请表字段：与页面表单的字段名和取值相同")


class DecideIn(InputSchema):
    approve: bool = Field(description="true 为同意（办理），false 为不同意（退回申请人）")
    opinion: str = Field("", max_length=500, description="意见；不同意时必填")


class WithdrawIn(InputSchema):
    reason: str = Field("", max_length=200, description="撤回原因")


def _detail(req):
    return req


@router.get("/requests/mine", response={200: RequestPage, **ERRORS}, summary="我的申请（新的在前）")
@api_route()
def request_list_mine(request, query: Query[NewestFirstQuery]):
    return api_newest_first(selectors.request_list_mine(actor=request.actor), query)


@router.get("/requests/awaiting", response={200: list[AwaitingOut], **ERRORS},
            summary="待我审批（期限近的在前，最多 200 条）")
@api_route()
def step_list_awaiting(request):
    return [{"request": step.request, "step": step} for step in selectors.step_list_awaiting(actor=request.actor)[:200]]


@router.get("/requests/{int:id}", response={200: RequestDetailOut, **ERRORS}, summary="申请详情与各环节")
@api_route()
def request_detail(request, id: int):
    return _detail(selectors.request_get(actor=request.actor, pk=id))


@router.post("/requests", response={201: RequestDetailOut, **ERRORS}, summary="提交申请")
@api_route()
def request_file(request, payload: RequestFileIn):
    try:
        filed = services.request_file(actor=request.actor, kind=payload.kind, data=_form_data(payload.data))
    except services.FormInvalid as invalid:
        field, errors = next(iter(invalid.form.errors.items()))
        raise DomainError(f"申请表填写有误：{errors[0]}", field=None if field == "__all__" else field,
                          code="form_invalid") from None
    return Status(201, _detail(filed))


def _form_data(data: dict):
    from django.http import QueryDict

    form = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            form.setlist(key, [str(v) for v in value])
        elif value is not None:
            form[key] = "on" if value is True else ("" if value is False else str(value))
    return form


@router.post("/requests/{int:id}/decide", response={200: RequestDetailOut, **ERRORS},
             summary="办理当前环节（同意或不同意）")
@api_route()
def request_decide(request, id: int, payload: DecideIn):
    req = selectors.request_get(actor=request.actor, pk=id)
    step = selectors.step_get_open(actor=request.actor, request=req) if req.state == RequestState.PENDING else None
    if step is None:
        raise DomainError("该环节已办理、申请已结束，或您无权办理该环节", code="no_open_step")
    services.step_decide(actor=request.actor, step=step, approve=payload.approve, opinion=payload.opinion)
    return _detail(selectors.request_get(actor=request.actor, pk=id))


@router.post("/requests/{int:id}/withdraw", response={200: RequestDetailOut, **ERRORS},
             summary="撤回本人的申请（尚无环节办理时）")
@api_route()
def request_withdraw(request, id: int, payload: WithdrawIn):
    req = selectors.request_get(actor=request.actor, pk=id)
    services.request_withdraw_check(actor=request.actor, request=req)
    services.request_withdraw(actor=request.actor, request=req, reason=payload.reason)
    return _detail(selectors.request_get(actor=request.actor, pk=id))

