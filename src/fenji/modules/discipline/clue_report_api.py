"""``/api/v1/discipline/clues/{id}/report`` and ``/extension``: what a clue's disposal owes over HTTP (the report of a
谈话函询 or an 初步核实, the one extension of an 初步核实), with the page's services; the clue read through the scoped
``clue_get`` (another unit's clue, or one the reader recused from: 404). A sub-router of ``api.router``."""

import datetime

from ninja import Field, Router, Schema
from ninja.responses import Status

from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, Day, InputSchema

from . import clue_report_services as services
from . import module as perms
from . import selectors
from .models import ClueReportKind

router = Router(tags=["检举举报"])


class ClueReportIn(InputSchema):
    kind: ClueReportKind = Field(description="reply 函询回复、talk 谈话记录（谈话函询）；verification 初步核实报告")
    reported_on: Day = Field(description="提交日期（回复收到、谈话或报告形成的日期）")
    text: str = Field(max_length=5000, description="主要内容")


class ClueReportOut(Schema):
    clue: str = Field(description="线索编号")
    kind: str
    reported_on: datetime.date
    report_due: datetime.date | None = Field(description="报告期限")
    conclude_due: datetime.date | None = Field(description="了结期限（谈话函询）")

    @staticmethod
    def resolve_clue(report):
        return report.clue.number

    @staticmethod
    def resolve_report_due(report):
        return report.clue.report_due

    @staticmethod
    def resolve_conclude_due(report):
        return report.clue.conclude_due


class ClueExtensionIn(InputSchema):
    reason: str = Field(max_length=300, description="延期理由")


class ClueExtensionDecideIn(InputSchema):
    approve: bool = True
    note: str = Field("", max_length=200, description="审批意见（不同意时必填）")


class ClueExtensionOut(Schema):
    clue: str = Field(description="线索编号")
    reason: str
    old_due: datetime.date = Field(description="原报告期限")
    new_due: datetime.date = Field(description="延期至")
    approved: bool | None = Field(description="批准与否（待审批为空）")
    decision_note: str

    @staticmethod
    def resolve_clue(extension):
        return extension.clue.number


@router.post("/discipline/clues/{int:id}/report", response={201: ClueReportOut, **ERRORS},
             summary="提交线索处置报告：函询回复、谈话记录或初步核实报告（承办人）")
@api_route(action=perms.CLUE_MANAGE)
def clue_report(request, id: int, payload: ClueReportIn):
    clue = selectors.clue_get(actor=request.actor, pk=id, action=perms.CLUE_MANAGE)
    return Status(201, services.clue_report_submit(actor=request.actor, clue=clue, **payload.dict()))


@router.post("/discipline/clues/{int:id}/extension", response={201: ClueExtensionOut, **ERRORS},
             summary="申请延长初步核实报告期限（一次，待主要负责人审批）")
@api_route(action=perms.CLUE_MANAGE)
def clue_extension(request, id: int, payload: ClueExtensionIn):
    clue = selectors.clue_get(actor=request.actor, pk=id, action=perms.CLUE_MANAGE)
    return Status(201, services.clue_extension_request(actor=request.actor, clue=clue, reason=payload.reason))


@router.post("/discipline/clues/{int:id}/extension/decide", response={200: ClueExtensionOut, **ERRORS},
             summary="主要负责人审批延期（同意则报告期限顺延）")
@api_route(action=perms.CLUE_APPROVE)
def clue_extension_decide(request, id: int, payload: ClueExtensionDecideIn):
    clue = selectors.clue_get(actor=request.actor, pk=id, action=perms.CLUE_APPROVE)
    return services.clue_extension_decide(actor=request.actor, clue=clue, approve=payload.approve, note=payload.note)
