"""``/api/v1/grants``, ``/roles`` and ``/registry``: the access authority over HTTP.

In ``people`` for the reason the console's grant pages are: it is the lowest layer that sees
accounts, units and grants together (``access`` imports neither ``org`` nor ``people``).
"""

import datetime

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fenji.core.access import permissions as access_perms
from fenji.core.access import registry
from fenji.core.access import selectors as access_selectors
from fenji.core.access import services as access_services
from fenji.core.access.models import Grant, Reach
from fenji.core.api.pagination import PageQuery, api_page
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, Id, InputSchema, Moment, UnitRef
from fenji.core.kernel.errors import NotVisible
from fenji.core.org import selectors as org_selectors
from fenji.core.people import permissions as perms
from fenji.core.people import selectors

router = Router(tags=["授权管理"])


class AccountRef(Schema):
    id: int
    real_name: str
    mobile: str = Field(description="手机号码（已脱敏）")

    @staticmethod
    def resolve_real_name(account):
        return account.person.real_name

    @staticmethod
    def resolve_mobile(account):
        return account.mobile_masked


class GrantOut(Schema):
    id: int
    account: AccountRef
    role: str
    role_label: str
    unit: UnitRef
    reach: str = Field(description="subtree（本单位及下级）、unit（仅本单位）或 self（仅本人）")
    subsystem: str
    seat_label: str
    granted_at: datetime.datetime
    valid_from: datetime.datetime | None
    valid_until: datetime.datetime | None
    revoked_at: datetime.datetime | None
    revoke_reason: str

    @staticmethod
    def resolve_role_label(grant):
        return getattr(grant, "role_name", None) or grant.role


class GrantPage(Schema):
    items: list[GrantOut]
    next: str | None = Field(description="下一页的 after 游标；没有下一页时为 null")
    total: int


class GrantQuery(PageQuery):
    unit: Id | None = Field(None, description="只看该单位及下级的授权")
    q: str = Field("", description="姓名，或完整的11位手机号码（号码加密存储，不支持按开头查找）")
    include_revoked: bool = False


class RegistryQuery(PageQuery):
    unit: Id | None = Field(None, description="只看该单位及下级")


class GrantIn(InputSchema):
    account_id: Id
    role: str
    unit_id: Id
    reach: str = Field(Reach.SUBTREE.value, description="subtree、unit 或 self")
    subsystem: str = Field("", description="授予权限管理员时限定的子系统代码，多个以逗号分隔（空为不限）；"
                                           "业务角色的子系统由角色决定")
    valid_until: Moment | None = None


class GrantRevokeIn(InputSchema):
    reason: str = Field(max_length=200, description="撤销原因")


class RoleOut(Schema):
    code: str
    label: str
    duty: str
    duty_label: str
    builtin: bool
    subsystem: str
    actions: list[str]
    delegates: list[str] = Field(description="可以下放的角色（内置角色）；*business* 表示自定义业务角色")


def _unit(actor, pk, action):
    return org_selectors.unit_get(actor=actor, pk=pk, action=action) if pk is not None else None


@router.get("/grants", response={200: GrantPage, **ERRORS}, summary="授权列表（本人管理范围内）")
@api_route(action=access_perms.GRANT_VIEW)
def grant_list(request, filters: Query[GrantQuery]):
    unit = _unit(request.actor, filters.unit, access_perms.GRANT_VIEW)
    grants = access_selectors.grant_list(actor=request.actor, unit=unit, text=filters.q,
                                         include_revoked=filters.include_revoked)
    page = api_page(grants, filters)
    access_selectors.with_role_labels(page["items"])
    return page


@router.post("/grants", response={201: GrantOut, **ERRORS}, summary="授权（受三员等职责规则约束）")
@api_route(action=access_perms.GRANT_CREATE)
def grant_create(request, payload: GrantIn):
    account = selectors.account_get(actor=request.actor, pk=payload.account_id, action=perms.ACCOUNT_VIEW)
    unit = org_selectors.unit_get(actor=request.actor, pk=payload.unit_id, action=access_perms.GRANT_CREATE)
    grant = access_services.grant_create(actor=request.actor, account=account, role=payload.role, unit=unit,
                                         reach=payload.reach, subsystem=payload.subsystem,
                                         valid_until=payload.valid_until)
    return Status(201, access_selectors.with_role_labels([grant])[0])


@router.post("/grants/{int:id}/revoke", response={200: GrantOut, **ERRORS}, summary="撤销授权")
@api_route(action=access_perms.GRANT_REVOKE)
def grant_revoke(request, id: int, payload: GrantRevokeIn):
    try:
        grant = access_selectors.grant_list(actor=request.actor, include_revoked=True).get(pk=id)
    except Grant.DoesNotExist:
        raise NotVisible("授权不存在或不在您的管理范围内", target_type=Grant._meta.label_lower,
                         target_id=id) from None
    grant = access_services.grant_revoke(actor=request.actor, grant=grant, reason=payload.reason)
    return access_selectors.with_role_labels([grant])[0]


@router.get("/roles", response={200: list[RoleOut], **ERRORS}, summary="角色（内置角色与自定义业务角色）")
@api_route(action=access_perms.ROLE_VIEW)
def role_list(request):
    builtins, custom_rows = access_selectors.role_list()
    roles = [{
        "code": role.code, "label": role.label, "duty": role.duty.value, "duty_label": role.duty.label,
        "builtin": True, "subsystem": role.subsystem, "actions": sorted(role.actions),
        "delegates": sorted(role.delegates),
    } for role in builtins]
    roles += [{
        "code": row.code, "label": row.label, "duty": row.duty, "duty_label": registry.Duty(row.duty).label,
        "builtin": False, "subsystem": row.subsystem, "actions": sorted(row.actions), "delegates": [],
    } for row in custom_rows]
    return roles


@router.get("/registry", response={200: GrantPage, **ERRORS}, summary="管理员报备（管理范围内的全部管理员授权）")
@api_route(action=access_perms.REGISTRY_VIEW)
def registry_list(request, filters: Query[RegistryQuery]):
    unit = _unit(request.actor, filters.unit, access_perms.REGISTRY_VIEW)
    grants = access_selectors.registry_list(actor=request.actor, unit=unit)
    page = api_page(grants, filters)
    access_selectors.with_role_labels(page["items"])
    return page
