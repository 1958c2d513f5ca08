"""``/api/v1/dispatch``: sending documents down and receiving them, over HTTP, with the page's services.

The inbox is the caller's own unit's; a delivery is its receiving unit's and its sender's; a dispatch's
tracking is for whoever may send from the sending unit. Anything else answers 404 like a missing row.
"""

import datetime

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fenji.core.api.pagination import NewestFirstQuery, api_newest_first
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, Id, InputSchema

from . import permissions as perms
from . import selectors, services
from .elements import NOT_CLASSIFIED, DocKind, Urgency
from .models import DispatchKind, FeedbackKind

router = Router(tags=["通知公文"])


class DeliveryOut(Schema):
    id: int
    dispatch_id: int
    title: str = Field(description="公文标题")
    from_unit: str = Field(description="发文单位")
    to_unit: str = Field(description="收文单位")
    sign_due_at: datetime.datetime = Field(description="签收期限")
    signed_at: datetime.datetime | None
    sign_overdue: bool = Field(description="是否已超过签收期限（未签收或超期签收）")
    reply_due_at: datetime.datetime | None = Field(description="答复期限（反馈件）")
    replied_at: datetime.datetime | None
    review_state: str = Field(description="答复审核：pending 待审核、accepted 已通过、returned 已退回，空为无")

    @staticmethod
    def resolve_title(delivery):
        return delivery.dispatch.title

    @staticmethod
    def resolve_from_unit(delivery):
        return delivery.dispatch.unit.name

    @staticmethod
    def resolve_to_unit(delivery):
        return delivery.unit.name


class FileOut(Schema):
    id: int
    name: str = Field(description="文件名")
    kind: str = Field(description="文件类型（按内容识别）：pdf、ofd、docx")
    size: int = Field(description="大小（字节）")
    sm3: str = Field(description="SM3 摘要")

    @staticmethod
    def resolve_name(attachment):
        return attachment.original_name


class ElementsOut(Schema):
    """The 公文 elements (all optional; 密级 is never set: the network is non-classified)."""

    doc_number: str = Field(description="发文字号，如 新政办〔2026〕12号")
    doc_kind: str = Field(description="文种：" + "、".join(f"{v}（{label}）" for v, label in DocKind.choices))
    doc_kind_label: str
    urgency: str = Field(description="紧急程度：" + "、".join(f"{v}（{label}）" for v, label in Urgency.choices))
    urgency_label: str
    signer: str = Field(description="签发人")


def _elements(dispatch) -> dict:
    return {"doc_number": dispatch.doc_number, "doc_kind": dispatch.doc_kind,
            "doc_kind_label": dispatch.get_doc_kind_display() if dispatch.doc_kind else "",
            "urgency": dispatch.urgency, "urgency_label": dispatch.get_urgency_display() if dispatch.urgency else "",
            "signer": dispatch.signer}


class DeliveryDetailOut(DeliveryOut):
    body: str = Field(description="正文（签收后可见）")
    reply_text: str
    elements: ElementsOut
    file_count: int = Field(description="公文文件个数（签收前也可见）")
    files: list[FileOut] = Field(description="公文文件（签收后可见；下载见 GET /dispatch/deliveries/{id}/files/{file_id}）")

    @staticmethod
    def resolve_body(delivery):
        return delivery.dispatch.body if delivery.signed_at else ""

    @staticmethod
    def resolve_elements(delivery):
        return _elements(delivery.dispatch)

    @staticmethod
    def resolve_file_count(delivery):
        return len(selectors.dispatch_files(delivery.dispatch))

    @staticmethod
    def resolve_files(delivery):
        return selectors.dispatch_files(delivery.dispatch) if delivery.signed_at else []


class DispatchOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    unit: str = Field(description="发文单位")
    sent_at: datetime.datetime
    sign_within_minutes: int
    delivery_count: int
    elements: ElementsOut
    files: list[FileOut] = Field(description="公文文件")

    @staticmethod
    def resolve_kind_label(dispatch):
        return dispatch.get_kind_display()

    @staticmethod
    def resolve_elements(dispatch):
        return _elements(dispatch)

    @staticmethod
    def resolve_files(dispatch):
        return selectors.dispatch_files(dispatch)

    @staticmethod
    def resolve_unit(dispatch):
        return dispatch.unit.name


class FileOpenOut(Schema):
    file_id: int
    file_name: str
    account: str = Field(description="打开人")
    first_opened_at: datetime.datetime
    last_opened_at: datetime.datetime
    times: int = Field(description="打开次数")

    @staticmethod
    def resolve_file_id(opened):
        return opened.attachment_id

    @staticmethod
    def resolve_file_name(opened):
        return opened.attachment.original_name

    @staticmethod
    def resolve_account(opened):
        return opened.account.person.real_name


class TrackedDeliveryOut(DeliveryOut):
    id: int | None = Field(description="收文记录编号；尚未打开、签收的单位还没有记录，为空")
    file_opens: list[FileOpenOut] = Field(description="收文单位谁在何时打开（下载）了公文文件")

    @staticmethod
    def resolve_file_opens(delivery):
        return getattr(delivery, "opens", [])


class TrackingOut(Schema):
    dispatch: DispatchOut
    counts: dict[str, int] = Field(description="total 收文单位数、signed 已签收、unsigned 未签收、overdue 超期未签收、"
                                               "late 超期签收、read 已阅、opened 已打开公文文件等")
    deliveries: list[TrackedDeliveryOut]


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next: str | None
    total: int


class InboxQuery(NewestFirstQuery):
    status: str = Field("", description="、".join(f"{k}（{v}）" for k, v in selectors.STATUSES.items()))


class SendIn(InputSchema):
    kind: str = Field(description="、".join(f"{v}（{label}）" for v, label in DispatchKind.choices))
    title: str = Field(max_length=200)
    body: str = Field("", max_length=20000, json_schema_extra={"multiline": True})
    doc_number: str = Field("", max_length=60, description="发文字号：机关代字〔年份〕序号号，如 新政办〔2026〕12号；"
                                                      "六角括号，序号不编虚位；全角数字按半角保存")
    doc_kind: str = Field("", description="文种（可不填）：" + "、".join(f"{v}（{label}）" for v, label in DocKind.choices)
                          + "；报告、请示为上行文，不能下发")
    urgency: str = Field("", description="紧急程度（可不填）：" + "、".join(f"{v}（{label}）" for v, label in Urgency.choices))
    signer: str = Field("", max_length=60, description="签发人（上行文必填；下发可不填）")
    classification: str = Field("", max_length=20, description=f"密级：{NOT_CLASSIFIED}")
    units: list[Id] = Field(default_factory=list, description="发送给这些单位（不含下级）")
    subtrees: list[Id] = Field(default_factory=list, description="发送给这些单位及其全部下级")
    unit_kinds: list[str] = Field(default_factory=list, description="只发给上述范围内这些类型的单位")
    sign_within_minutes: int | None = Field(None, ge=1, le=43200, description="签收时限（分钟）；不填用该类别的默认值")
    feedback_kind: str = Field("", description="反馈件类型：" + "、".join(f"{v}（{label}）" for v, label in FeedbackKind.choices))
    reply_days: int | None = Field(None, ge=1, le=365, description="反馈件的答复时限（工作日）")


class ReplyIn(InputSchema):
    text: str = Field(max_length=5000, json_schema_extra={"multiline": True}, description="答复内容")


@router.get("/dispatch/inbox", response={200: DeliveryPage, **ERRORS}, summary="本单位收文（新的在前）")
@api_route(action=perms.DELIVERY_HANDLE)
def inbox(request, query: Query[InboxQuery]):
    return api_newest_first(selectors.delivery_list_inbox(actor=request.actor, status=query.status)
                            .select_related("unit"), query)


@router.get("/dispatch/deliveries/{int:id}", response={200: DeliveryDetailOut, **ERRORS}, summary="收文详情")
@api_route()
def delivery_detail(request, id: int):
    return selectors.delivery_get(actor=request.actor, pk=id)


@router.post("/dispatch/deliveries/{int:id}/sign", response={200: DeliveryDetailOut, **ERRORS}, summary="签收")
@api_route(action=perms.DELIVERY_HANDLE)
def delivery_sign(request, id: int):
    delivery = selectors.delivery_get(actor=request.actor, pk=id)
    services.delivery_sign(actor=request.actor, delivery=delivery)
    return selectors.delivery_get(actor=request.actor, pk=id)


@router.post("/dispatch/deliveries/{int:id}/reply", response={200: DeliveryDetailOut, **ERRORS},
             summary="答复反馈件（附件请在页面上传）")
@api_route(action=perms.DELIVERY_HANDLE)
def delivery_reply(request, id: int, payload: ReplyIn):
    delivery = selectors.delivery_get(actor=request.actor, pk=id)
    services.delivery_reply(actor=request.actor, delivery=delivery, text=payload.text)
    return selectors.delivery_get(actor=request.actor, pk=id)


@router.get("/dispatch/deliveries/{int:id}/files/{int:file_id}", response={200: None, **ERRORS},
            summary="下载公文文件（收文单位须先签收；打开记录供发文单位跟踪）")
@api_route()
def delivery_file(request, id: int, file_id: int):
    from fenji.core.files.views import attachment_response

    delivery = selectors.delivery_get(actor=request.actor, pk=id)
    attachment = selectors.dispatch_file(delivery.dispatch, file_id)
    services.dispatch_file_open(actor=request.actor, delivery=delivery, attachment=attachment)
    return attachment_response(attachment)


@router.post("/dispatch", response={201: DispatchOut, **ERRORS},
             summary="发文（下发通知、公文或反馈件；公文文件请在页面上传）")
@api_route(action=perms.DISPATCH_SEND)
def dispatch_send(request, payload: SendIn):
    dispatch = services.dispatch_send(
        actor=request.actor, kind=payload.kind, title=payload.title, body=payload.body,
        doc_number=payload.doc_number, doc_kind=payload.doc_kind, urgency=payload.urgency, signer=payload.signer,
        classification=payload.classification, feedback_kind=payload.feedback_kind, reply_days=payload.reply_days,
        sign_within_minutes=payload.sign_within_minutes,
        targets=services.Targets(units=payload.units, subtrees=payload.subtrees, kinds=payload.unit_kinds))
    return Status(201, dispatch)


@router.get("/dispatch/{int:id}", response={200: TrackingOut, **ERRORS}, summary="发文跟踪：各收文单位的签收和答复")
@api_route(action=perms.DISPATCH_SEND)
def dispatch_tracking(request, id: int):
    dispatch = selectors.dispatch_get(actor=request.actor, pk=id)
    deliveries = selectors.delivery_list_for_dispatch(dispatch).first(2000)
    opens = selectors.delivery_file_opens([d.pk for d in deliveries if d.pk])
    for delivery in deliveries:
        delivery.opens = opens.get(delivery.pk, [])
    return {"dispatch": dispatch, "counts": selectors.dispatch_tracking_counts(dispatch), "deliveries": deliveries}


@router.post("/dispatch/{int:id}/urge", response={200: dict[str, int], **ERRORS},
             summary="一键催办：提醒未签收、未答复单位的经办人员")
@api_route(action=perms.DISPATCH_SEND)
def dispatch_urge(request, id: int):
    dispatch = selectors.dispatch_get(actor=request.actor, pk=id)
    return services.dispatch_urge(actor=request.actor, dispatch=dispatch)
