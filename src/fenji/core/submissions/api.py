"""``/api/v1/submissions``: reports up over HTTP, with the page's services and scope.

The three lists are the page's (outgoing of the caller's unit, awaiting the caller's review and seal, incoming
to the units the caller handles for); one item is its drafter's while a draft, then its unit's, its head's and
the parent unit's handlers'. Anything else answers 404 like a missing row. Attachments are uploaded on the
page; here they are listed with their digests, and the seal is checked again on every read. Each step answers
with the item as the step left it (after a return it is a draft again, its drafter's alone: looking it up
again would tell the head who returned it that it is missing).
"""

import datetime

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fenji.core.api.pagination import NewestFirstQuery, api_newest_first
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, InputSchema
from fenji.core.seals import permissions as seal_perms

from . import permissions as perms
from . import selectors, services
from .models import SubmissionKind

router = Router(tags=["信息报送"])


def _name(account) -> str:
    return account.person.real_name if account is not None else ""


class SubmissionOut(Schema):
    id: int
    kind: str = Field(description="文种代码：" + "、".join(f"{v}（{label}）" for v, label in SubmissionKind.choices))
    kind_label: str = Field(description="文种")
    title: str = Field(description="标题")
    unit: str = Field(description="报送单位")
    target_unit: str = Field(description="主送单位（报送单位的上级，或上级中受理报送的部门）")
    state: str = Field(description="状态：draft 草稿、reviewing 待负责人审核、submitted 已盖章报送、"
                                   "received 上级已签收、handled 已办结、returned 已退回")
    state_label: str = Field(description="状态（中文）")
    drafted_by: str = Field(description="起草人姓名")
    created_at: datetime.datetime = Field(description="起草时间")
    submitted_at: datetime.datetime | None = Field(description="盖章报送时间")

    @staticmethod
    def resolve_kind_label(submission):
        return submission.get_kind_display()

    @staticmethod
    def resolve_unit(submission):
        return submission.unit.name

    @staticmethod
    def resolve_target_unit(submission):
        return submission.target_unit.name

    @staticmethod
    def resolve_state_label(submission):
        return submission.get_state_display()

    @staticmethod
    def resolve_drafted_by(submission):
        return _name(submission.drafted_by)


class AttachmentOut(Schema):
    id: int
    name: str = Field(description="文件名")
    size: int = Field(description="字节数")
    sm3: str = Field(description="文件的 SM3 摘要（十六进制）")
    download: str = Field(description="下载地址（登录会话下的页面地址）")


class SealOut(Schema):
    ok: bool = Field(description="验章是否通过：按当前存储的正文和附件重新计算并验证签名")
    reason: str = Field(description="验章结果说明")
    unit: str = Field(description="印章所属单位")
    sealed_at: str = Field(description="盖章时间")
    key_id: int = Field(description="所用印章编号")
    algorithm: str = Field(description="签名算法")


class SubmissionDetailOut(SubmissionOut):
    body: str = Field(description="正文")
    contact: str = Field(description="联系人及电话")
    reviewed_by: str = Field(description="审核盖章人（单位负责人）姓名")
    reviewed_at: datetime.datetime | None = Field(description="审核时间")
    received_by: str = Field(description="签收人姓名")
    received_at: datetime.datetime | None = Field(description="签收时间")
    handled_by: str = Field(description="办理人姓名")
    handled_at: datetime.datetime | None = Field(description="办结时间")
    handling_note: str = Field(description="办理意见")
    returned_at: datetime.datetime | None = Field(description="退回时间")
    return_reason: str = Field(description="退回原因")
    attachments: list[AttachmentOut] = Field(description="附件")
    seal: SealOut | None = Field(description="电子印章及验章结果；未盖章时为 null")

    @staticmethod
    def resolve_reviewed_by(submission):
        return _name(submission.reviewed_by)

    @staticmethod
    def resolve_received_by(submission):
        return _name(submission.received_by)

    @staticmethod
    def resolve_handled_by(submission):
        return _name(submission.handled_by)

    @staticmethod
    def resolve_attachments(submission):
        return [{"id": a.pk, "name": a.original_name, "size": a.size, "sm3": a.sm3,
                 "download": f"/submissions/{submission.pk}/attachments/{a.pk}/"}
                for a in selectors.submission_attachments(submission)]

    @staticmethod
    def resolve_seal(submission):
        stamp = selectors.submission_stamp(submission)
        if stamp is None:
            return None
        check = selectors.submission_seal_verify(submission)
        return {"ok": check.ok, "reason": check.reason, "unit": stamp.unit_name, "sealed_at": stamp.sealed_at,
                "key_id": stamp.key_id, "algorithm": stamp.algorithm}


class SubmissionPage(Schema):
    items: list[SubmissionOut]
    next: str | None = Field(description="下一页的 after 值（最后一条的 id）；没有下一页时为 null")
    total: int = Field(description="总条数")


class DraftIn(InputSchema):
    MULTILINE = frozenset({"body"})

    kind: str = Field(description="文种：" + "、".join(f"{v}（{label}）" for v, label in SubmissionKind.choices))
    title: str = Field(max_length=200, description="标题")
    body: str = Field(max_length=20000, description="正文（可分段）")
    contact: str = Field(max_length=100, description="联系人及电话")
    target_unit: int | None = Field(None, description="主送单位 id：本单位的上级（不填时），或上级中受理报送的部门")


class HandleIn(InputSchema):
    MULTILINE = frozenset({"note"})

    note: str = Field("", max_length=2000, description="办理意见")


class ReturnIn(InputSchema):
    MULTILINE = frozenset({"reason"})

    reason: str = Field(max_length=500, description="退回原因（必填）：起草人据此修改后重新送审")


def _get(request, id: int):
    return selectors.submission_get(actor=request.actor, pk=id)


@router.get("/submissions/outgoing", response={200: SubmissionPage, **ERRORS},
            summary="本单位报送的事项（本人草稿和已送审、已报送的，新的在前）")
@api_route(action=perms.SUBMISSION_DRAFT)
def submission_list_outgoing(request, query: Query[NewestFirstQuery]):
    return api_newest_first(selectors.submission_list_outgoing(actor=request.actor), query)


@router.get("/submissions/awaiting-review", response={200: SubmissionPage, **ERRORS},
            summary="待我审核盖章（本单位负责人）")
@api_route(action=seal_perms.SEAL_APPLY)
def submission_list_awaiting_review(request, query: Query[NewestFirstQuery]):
    return api_newest_first(selectors.submission_list_awaiting_review(actor=request.actor), query)


@router.get("/submissions/incoming", response={200: SubmissionPage, **ERRORS},
            summary="下级报送给我所办理单位的事项（新的在前）")
@api_route(action=perms.SUBMISSION_HANDLE)
def submission_list_incoming(request, query: Query[NewestFirstQuery]):
    return api_newest_first(selectors.submission_list_incoming(actor=request.actor), query)


@router.get("/submissions/{int:id}", response={200: SubmissionDetailOut, **ERRORS},
            summary="上报事项详情（每次读取都重新验章）")
@api_route()
def submission_detail(request, id: int):
    return _get(request, id)


@router.post("/submissions", response={201: SubmissionDetailOut, **ERRORS},
             summary="起草上报事项（报送给本单位的上级或其受理部门；附件请在页面上传）")
@api_route(action=perms.SUBMISSION_DRAFT)
def submission_create(request, payload: DraftIn):
    submission = services.submission_draft(actor=request.actor, kind=payload.kind, title=payload.title,
                                           body=payload.body, contact=payload.contact,
                                           target_unit=payload.target_unit)
    return Status(201, _get(request, submission.pk))


@router.post("/submissions/{int:id}/send", response={200: SubmissionDetailOut, **ERRORS},
             summary="送单位负责人审核（本人的草稿或被退回的事项）")
@api_route(action=perms.SUBMISSION_DRAFT)
def submission_send(request, id: int):
    return services.submission_send_for_review(actor=request.actor, submission=_get(request, id))


@router.post("/submissions/{int:id}/seal", response={200: SubmissionDetailOut, **ERRORS},
             summary="审核通过并加盖本单位电子印章，报送上级（本单位负责人，不能是起草人）")
@api_route(action=seal_perms.SEAL_APPLY)
def submission_seal(request, id: int):
    return services.submission_approve_and_seal(actor=request.actor, submission=_get(request, id))


@router.post("/submissions/{int:id}/receive", response={200: SubmissionDetailOut, **ERRORS},
             summary="签收下级报送的事项")
@api_route(action=perms.SUBMISSION_HANDLE)
def submission_receive(request, id: int):
    return services.submission_receive(actor=request.actor, submission=_get(request, id))


@router.post("/submissions/{int:id}/handle", response={200: SubmissionDetailOut, **ERRORS},
             summary="办结已签收的事项（填写办理意见）")
@api_route(action=perms.SUBMISSION_HANDLE)
def submission_handle(request, id: int, payload: HandleIn):
    return services.submission_handle(actor=request.actor, submission=_get(request, id), note=payload.note)


@router.post("/submissions/{int:id}/return", response={200: SubmissionDetailOut, **ERRORS},
             summary="退回修改（审核中由本单位负责人，报送后由上级办理人员；已加盖的印章作废）")
@api_route()
def submission_return(request, id: int, payload: ReturnIn):
    return services.submission_return(actor=request.actor, submission=_get(request, id), reason=payload.reason)
