"""``/api/v1/units``: the tree over HTTP. Thin: scoped lookups (404 outside the scope) and the services."""

import datetime

from ninja import Field, Router, Schema
from ninja.responses import Status

from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, Day, Id, InputSchema, Int32
from fenji.core.kernel.errors import DomainError

from . import permissions as perms
from . import selectors, services

router = Router(tags=["组织机构"])

KINDS = ("所用配置方案的单位类型代码（单位详情的 kind 与 kind_label 给出代码与名称），"
         "或通用层级 province、city、county、town、village、unit、department、branch、other")
TEXT_FIELDS = ("short_name", "leader", "approval_ref")  # blank rather than null when cleared


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    code: str | None
    kind: str
    kind_label: str
    parent_id: int | None
    depth: int
    sort_order: int
    status: str
    leader: str
    founded_on: datetime.date | None
    approval_ref: str
    revoked_on: datetime.date | None
    revoked_ref: str
    updated_at: datetime.datetime

    @staticmethod
    def resolve_kind_label(unit):
        return unit.kind_label


class UnitChildOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    status: str
    sort_order: int
    has_children: bool = Field(description="是否有正常状态的下级单位（实时）")
    counts: dict[str, int] = Field(description="units：下级单位数（整个子树）；account：子树内在用账号数。"
                                               "取自统计快照，每 10 分钟更新，见 counts_as_of")
    counts_as_of: datetime.datetime | None = Field(description="counts 的统计时间；尚未生成统计快照时为 null")

    @staticmethod
    def resolve_kind_label(unit):
        return unit.kind_label

    @staticmethod
    def resolve_counts(unit):
        counts = {"units": unit.descendant_count}
        for key, value in vars(unit).items():
            if key.endswith("_count") and key != "descendant_count":
                counts[key.removesuffix("_count")] = value
        return counts

    @staticmethod
    def resolve_counts_as_of(unit):
        return unit.tally_as_of


class UnitFields(InputSchema):
    short_name: str | None = Field(None, max_length=40)
    code: str | None = Field(None, max_length=32, description="单位代码，全平台唯一")
    sort_order: Int32 | None = None
    leader: str | None = Field(None, max_length=50)
    founded_on: Day | None = None
    approval_ref: str | None = Field(None, max_length=100)


class UnitCreateIn(UnitFields):
    parent_id: Id = Field(description="上级单位")
    name: str = Field(max_length=100)
    kind: str = Field(description=f"单位类型：{KINDS}")


class UnitUpdateIn(UnitFields):
    name: str | None = Field(None, max_length=100)
    kind: str | None = Field(None, description=f"单位类型：{KINDS}")


class UnitMoveIn(InputSchema):
    new_parent_id: Id = Field(description="新的上级单位")


class UnitRevokeIn(InputSchema):
    revoked_on: Day
    reference: str = Field(max_length=100, description="撤销批准文号")


def _fields(payload: Schema, *, skip=()) -> dict:
    fields = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if k not in skip}
    for key in TEXT_FIELDS:
        if key in fields and fields[key] is None:
            fields[key] = ""
    if "sort_order" in fields and fields["sort_order"] is None:
        fields["sort_order"] = 0
    return fields


@router.get("/units/{int:id}", response={200: UnitOut, **ERRORS}, summary="单位详情")
@api_route(action=perms.UNIT_VIEW)
def unit_detail(request, id: int):
    return selectors.unit_get(actor=request.actor, pk=id)


@router.get("/units/{int:id}/children", response={200: list[UnitChildOut], **ERRORS}, summary="下级单位（含子树规模）")
@api_route(action=perms.UNIT_VIEW)
def unit_children(request, id: int, include_revoked: bool = False):
    unit = selectors.unit_get(actor=request.actor, pk=id)
    return list(selectors.unit_list_children(actor=request.actor, unit=unit, include_revoked=include_revoked))


@router.post("/units", response={201: UnitOut, **ERRORS}, summary="新建单位")
@api_route(action=perms.UNIT_CREATE)
def unit_create(request, payload: UnitCreateIn):
    parent = selectors.unit_get(actor=request.actor, pk=payload.parent_id, action=perms.UNIT_CREATE)
    fields = _fields(payload, skip=("parent_id", "name", "kind"))
    unit = services.unit_create(actor=request.actor, parent=parent, name=payload.name, kind=payload.kind, **fields)
    return Status(201, unit)


@router.patch("/units/{int:id}", response={200: UnitOut, **ERRORS}, summary="修改单位（只改提交的字段）")
@api_route(action=perms.UNIT_UPDATE)
def unit_update(request, id: int, payload: UnitUpdateIn):
    unit = selectors.unit_get(actor=request.actor, pk=id, action=perms.UNIT_UPDATE)
    fields = _fields(payload)
    if not fields:
        raise DomainError("没有要修改的内容")
    return services.unit_update(actor=request.actor, unit=unit, **fields)


@router.post("/units/{int:id}/move", response={200: UnitOut, **ERRORS}, summary="迁移单位（连同整个子树）")
@api_route(action=perms.UNIT_MOVE)
def unit_move(request, id: int, payload: UnitMoveIn):
    unit = selectors.unit_get(actor=request.actor, pk=id, action=perms.UNIT_MOVE)
    # A destination outside the scope answers 404, exactly like one that does not exist.
    target = selectors.unit_get(actor=request.actor, pk=payload.new_parent_id, action=perms.UNIT_MOVE)
    return services.unit_move(actor=request.actor, unit=unit, new_parent=target)


@router.post("/units/{int:id}/revoke", response={200: UnitOut, **ERRORS}, summary="撤销单位（连同整个子树）")
@api_route(action=perms.UNIT_REVOKE)
def unit_revoke(request, id: int, payload: UnitRevokeIn):
    unit = selectors.unit_get(actor=request.actor, pk=id, action=perms.UNIT_REVOKE)
    return services.unit_revoke(actor=request.actor, unit=unit, revoked_on=payload.revoked_on,
                                reference=payload.reference)
