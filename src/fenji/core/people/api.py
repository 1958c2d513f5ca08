"""``/api/v1/me`` and ``/api/v1/accounts``: people over HTTP.

Lists and details mask the mobile and the ID number, like the console; only
``/accounts/{id}/unmasked`` (``people.person.unmask``, audited per call) gives them whole.
Out-of-scope ids answer 404.
"""

import datetime

import orjson
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fenji.core.access import selectors as access_selectors
from fenji.core.access.selectors import grant_list_for_account
from fenji.core.api.pagination import PageQuery, check_cursor
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, Id, InputSchema, UnitRef
from fenji.core.kernel.replicas import replica_reads
from fenji.core.org import selectors as org_selectors

from . import fastlist, selectors, services
from . import permissions as perms
from .models import AccountKind, AccountStatus

router = Router(tags=["账号"])


class AccountOut(Schema):
    id: int
    real_name: str
    mobile: str = Field(description="手机号码（已脱敏）")
    id_number: str = Field(description="身份证号码（已脱敏）")
    kind: str
    kind_label: str
    title: str
    status: str
    status_label: str
    unit: UnitRef

    @staticmethod
    def resolve_real_name(account):
        return account.person.real_name

    @staticmethod
    def resolve_mobile(account):
        return account.mobile_masked

    @staticmethod
    def resolve_id_number(account):
        return account.person.id_number_masked

    @staticmethod
    def resolve_kind_label(account):
        return account.get_kind_display()

    @staticmethod
    def resolve_status_label(account):
        return account.get_status_display()


class AccountDetailOut(AccountOut):
    gender: str
    status_reason: str
    must_change_password: bool
    created_at: datetime.datetime

    @staticmethod
    def resolve_gender(account):
        return account.person.get_gender_display()


class AccountUnmaskedOut(Schema):
    id: int
    real_name: str
    mobile: str = Field(description="完整手机号码")
    id_number: str = Field(description="完整身份证号码（未登记时为空）")


class AccountPage(Schema):
    items: list[AccountOut]
    next: str | None = Field(description="下一页的 after 游标；没有下一页时为 null")
    total: int = Field(description=f"符合条件的账号数；超过 {selectors.API_COUNT_LIMIT} 时只数到该数（见 total_exact）")
    total_exact: bool = Field(description="total 是否为精确数；为 false 时实际数量多于 total")


class AccountQuery(PageQuery):
    unit: Id | None = Field(None, description="只看该单位及下级的账号")
    q: str = Field("", description="姓名、职务，或完整的11位手机号码、18位身份证号码（号码加密存储，不支持按开头查找）")
    kind: str = Field("", description="、".join(f"{v}（{label}）" for v, label in AccountKind.choices))
    status: str = Field("", description="、".join(f"{v}（{label}）" for v, label in AccountStatus.choices))


class AccountOpenIn(InputSchema):
    unit_id: int
    real_name: str = Field(max_length=50)
    mobile: str = Field(description="手机号码，即登录账号；开户后初始密码以短信发送到该号码")
    kind: str = Field(description="、".join(f"{v}（{label}）" for v, label in AccountKind.choices))
    id_number: str = Field("", description="身份证号码（群众可不填）")
    title: str = Field("", max_length=50)


class DisableIn(InputSchema):
    reason: str = Field(max_length=200, description="停用原因")


class MyGrant(Schema):
    id: int
    role: str
    role_label: str
    unit: UnitRef
    reach: str
    valid_until: datetime.datetime | None

    @staticmethod
    def resolve_role_label(grant):
        return grant.role_name


class MeOut(Schema):
    id: int
    real_name: str
    mobile: str = Field(description="本人手机号码（登录账号）")
    id_number: str = Field(description="身份证号码（已脱敏）")
    kind: str
    kind_label: str
    title: str
    unit: UnitRef
    must_change_password: bool
    grants: list[MyGrant]
    actions: list[str] = Field(description="本人当前持有的全部权限代码")


@router.get("/me", response={200: MeOut, **ERRORS}, summary="本人信息与授权")
@api_route()
def me(request):
    account = request.user
    return {
        "id": account.pk, "real_name": account.person.real_name, "mobile": account.mobile,
        "id_number": account.person.id_number_masked, "kind": account.kind, "kind_label": account.get_kind_display(),
        "title": account.title, "unit": account.unit, "must_change_password": account.must_change_password,
        "grants": access_selectors.with_role_labels(list(grant_list_for_account(account=account))),
        "actions": sorted({action for grant in request.actor.grants for action in grant.actions}),
    }


@router.get("/accounts", response={200: AccountPage, **ERRORS}, summary="账号列表（按单位路径分页）")
@api_route(action=perms.ACCOUNT_VIEW)
@replica_reads
def account_list(request, filters: Query[AccountQuery]):
    unit = None
    if filters.unit is not None:
        unit = org_selectors.unit_get(actor=request.actor, pk=filters.unit, action=perms.ACCOUNT_VIEW)
    # The fast read path (ADR 0029): the rows as dicts straight into JSON, what ``AccountPage`` declares. Counted up
    # to a limit, like the console list: an exact count over a province's 5 M accounts costs seconds per page.
    page = fastlist.account_rows(actor=request.actor, unit=unit, text=filters.q, kind=filters.kind,
                                 status=filters.status, after=check_cursor(filters.after), size=filters.limit,
                                 count_limit=selectors.API_COUNT_LIMIT, api=True)
    return HttpResponse(orjson.dumps({"items": fastlist.api_items(page.rows), "next": page.next_cursor,
                                      "total": int(page.total),
                                      "total_exact": not isinstance(page.total, selectors.AtLeast)}),
                        content_type="application/json; charset=utf-8")


@router.get("/accounts/{int:id}", response={200: AccountDetailOut, **ERRORS}, summary="账号详情")
@api_route(action=perms.ACCOUNT_VIEW)
def account_detail(request, id: int):
    return selectors.account_get(actor=request.actor, pk=id)


@router.get("/accounts/{int:id}/unmasked", response={200: AccountUnmaskedOut, **ERRORS},
            summary="完整手机号码和身份证号码（每次调用记入审计日志）")
@api_route(action=perms.PERSON_UNMASK)
def account_unmasked(request, id: int):
    account = selectors.account_get(actor=request.actor, pk=id, action=perms.PERSON_UNMASK)
    full = services.person_unmask(actor=request.actor, account=account)
    return {"id": account.pk, "real_name": account.person.real_name, **full}


@router.post("/accounts", response={201: AccountDetailOut, **ERRORS},
             summary="开设账号（登录账号和初始密码以短信发送，接口不返回密码）")
@api_route(action=perms.ACCOUNT_OPEN)
def account_open(request, payload: AccountOpenIn):
    unit = org_selectors.unit_get(actor=request.actor, pk=payload.unit_id, action=perms.ACCOUNT_OPEN)
    account, _password = services.account_open(actor=request.actor, unit=unit, real_name=payload.real_name,
                                                mobile=payload.mobile, kind=payload.kind,
                                                id_number=payload.id_number, title=payload.title)
    return Status(201, account)


@router.post("/accounts/{int:id}/disable", response={200: AccountDetailOut, **ERRORS}, summary="停用账号")
@api_route(action=perms.ACCOUNT_DISABLE)
def account_disable(request, id: int, payload: DisableIn):
    account = selectors.account_get(actor=request.actor, pk=id, action=perms.ACCOUNT_DISABLE)
    return services.account_set_status(actor=request.actor, account=account, active=False, reason=payload.reason)


@router.post("/accounts/{int:id}/enable", response={200: AccountDetailOut, **ERRORS}, summary="启用账号")
@api_route(action=perms.ACCOUNT_DISABLE)
def account_enable(request, id: int):
    account = selectors.account_get(actor=request.actor, pk=id, action=perms.ACCOUNT_DISABLE)
    return services.account_set_status(actor=request.actor, account=account, active=True)
