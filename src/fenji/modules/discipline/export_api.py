"""``/api/v1/discipline/exports``: the export packages over HTTP (list, detail, produce the next, the hand-entered
confirmation, the zip), with the pages' services and scope (a sub-router of ``api.router``)."""

import datetime
from typing import Literal

from django.conf import settings
from django.http import HttpResponse
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from fenji.core.api.pagination import NewestFirstQuery, api_newest_first
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, Day, InputSchema
from fenji.core.org.selectors import unit_own

from . import export_selectors as selectors
from . import export_services as services
from . import module as perms

router = Router(tags=["检举举报"])


class ExportOut(Schema):
    id: int
    unit: str
    seq: int = Field(description="包序号（本单位内连续）")
    name: str = Field(description="包目录名")
    digest: str = Field(description="包摘要：标签清单的 SM3")
    prev_digest: str = Field(description="上一包摘要")
    record_count: int
    created_at: datetime.datetime
    state: Literal["pending", "confirmed"] = Field(description="pending 待确认，confirmed 已确认")
    confirmed_on: datetime.date | None = Field(description="内网确认日期（凭回执手工登记）")

    @staticmethod
    def resolve_unit(item):
        return item.unit.name

    @staticmethod
    def resolve_state(item):
        return selectors.CONFIRMED if item.confirmed_on else selectors.PENDING


class ExportPage(Schema):
    items: list[ExportOut]
    next: str | None
    total: int


class ExportQuery(NewestFirstQuery):
    state: Literal["pending", "confirmed"] | None = None


class ConfirmIn(InputSchema):
    digest: str = Field(max_length=80, description="回执上的包 SM3 摘要，至少前 FENJI_DISCIPLINE_CONFIRM_DIGEST_CHARS 位")
    confirmed_on: Day


@router.get("/discipline/exports", response={200: ExportPage, **ERRORS}, summary="内网导出包（含下级单位）")
@api_route(action=perms.EXPORT_MANAGE)
def export_list(request, query: Query[ExportQuery]):
    return api_newest_first(selectors.export_package_list(actor=request.actor, state=query.state or ""), query)


@router.post("/discipline/exports", response={201: ExportOut, **ERRORS}, summary="生成本单位的下一个内网导出包")
@api_route(action=perms.EXPORT_MANAGE)
def export_create(request):
    return Status(201, services.discipline_export(actor=request.actor, unit=unit_own(actor=request.actor)))


@router.get("/discipline/exports/{int:id}", response={200: ExportOut, **ERRORS}, summary="内网导出包详情")
@api_route(action=perms.EXPORT_MANAGE)
def export_detail(request, id: int):
    return selectors.export_package_get(actor=request.actor, pk=id)


@router.post("/discipline/exports/{int:id}/confirm", response={200: ExportOut, **ERRORS},
             summary="凭内网导入回执登记确认（核对包摘要）")
@api_route(action=perms.EXPORT_MANAGE)
def export_confirm(request, id: int, payload: ConfirmIn):
    package = selectors.export_package_get(actor=request.actor, pk=id)
    return services.export_package_confirm(actor=request.actor, package=package, **payload.dict())


@router.get("/discipline/exports/{int:id}/file", response=ERRORS, summary="下载导出包（zip）",
            openapi_extra={"responses": {200: {"description": "导出包目录的 zip", "content": {
                "application/zip": {"schema": {"type": "string", "format": "binary"}}}}}})
@api_route(action=perms.EXPORT_MANAGE)
def export_file(request, id: int):
    package = selectors.export_package_get(actor=request.actor, pk=id)
    name, data = services.export_package_download(actor=request.actor, package=package)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ReceivedOut(Schema):
    id: int
    source_code: str = Field(description="来源单位代码")
    seq: int
    digest: str
    status: str = Field(description="accepted 已导入，quarantined 已隔离（序号缺口）")
    reason: str
    record_count: int
    received_at: datetime.datetime


class ReceivedPage(Schema):
    items: list[ReceivedOut]
    next: str | None
    total: int


@router.get("/discipline/imports", response={200: ReceivedPage, **ERRORS}, summary="内网接收端：已接收的数据包")
@api_route(action=perms.IMPORT_MANAGE)
def import_list(request, query: Query[NewestFirstQuery]):
    return api_newest_first(selectors.received_package_list(actor=request.actor), query)


@router.post("/discipline/imports", response={201: ReceivedOut, **ERRORS},
             summary="内网接收端：上传导出包（zip）校验并导入，全部接受或整包拒绝（错误信息指明文件）")
@api_route(action=perms.IMPORT_MANAGE)
def import_upload(request, package: File[UploadedFile]):
    data = package.read(settings.UPLOAD_MAX_MB * 1024 * 1024 + 1)
    return Status(201, services.discipline_import_upload(actor=request.actor, data=data))
