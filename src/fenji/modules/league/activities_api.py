"""``/api/v1/league/activities``: 团组织活动 over HTTP with the pages' services and scope (mounted on the module's
router by ``api.py``); the member's invitations under ``/api/v1/league/my/activities``."""

import datetime

from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status

from fenji.core.api.pagination import NewestFirstQuery, api_newest_first
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, Id, InputSchema, Moment
from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.inputs import parse_id
from fenji.core.org.selectors import unit_get

from . import activities as services
from . import module as perms
from . import selectors
from .models import ActivityReach, ActivityState

router = Router(tags=["智慧团建"])


class LeagueActivityOut(Schema):
    id: int
    unit: str
    theme: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    content: str
    reach: ActivityReach
    state: ActivityState
    summary: str
    photos: int
    invited: int
    signed_up: int
    attended: int

    @staticmethod
    def resolve_unit(a):
        return a.unit.name

    @staticmethod
    def resolve_photos(a):
        return services.photos_of(a).count()

    @staticmethod
    def _count(a, key):
        counts = getattr(a, "counts", None) or selectors.activity_counts([a.pk])[a.pk]
        return counts[key]

    @staticmethod
    def resolve_invited(a):
        return LeagueActivityOut._count(a, "invited")

    @staticmethod
    def resolve_signed_up(a):
        return LeagueActivityOut._count(a, "signed")

    @staticmethod
    def resolve_attended(a):
        return LeagueActivityOut._count(a, "attended")


class LeagueActivityPage(Schema):
    items: list[LeagueActivityOut]
    next: str | None
    total: int


class ActivityQuery(NewestFirstQuery):
    state: ActivityState | None = None
    q: str = Field("", max_length=50, description="活动主题或地点")


class LeagueActivityDraftIn(InputSchema):
    """What a draft says (changed by PUT until it is published)."""

    MULTILINE = frozenset({"content"})

    theme: str = Field(max_length=100)
    starts_at: Moment
    ends_at: Moment
    place: str = Field(max_length=100)
    content: str = Field("", max_length=2000)
    reach: ActivityReach = ActivityReach.SUBTREE
    branches: list[Id] = Field([], max_length=2000, description="邀请范围为 branches 时：邀请的团支部（单位）id")


class LeagueActivityIn(LeagueActivityDraftIn):
    unit: Id = Field(description="发布活动的团组织（单位）id")


class InvitationOut(Schema):
    member_id: int
    name: str
    branch: str
    signed_up_at: datetime.datetime | None
    attended: bool

    @staticmethod
    def resolve_name(i):
        return i.member.person.real_name

    @staticmethod
    def resolve_branch(i):
        return i.member.unit.name


class SummaryIn(InputSchema):
    MULTILINE = frozenset({"summary"})

    summary: str = Field(max_length=2000, description="活动总结")


class AttendanceIn(InputSchema):
    members: list[Id] = Field(max_length=10000, description="参加活动的团员 id（其余受邀团员记为未参加）")


class MyInvitationOut(Schema):
    activity: int
    unit: str
    theme: str
    starts_at: datetime.datetime
    place: str
    state: ActivityState
    signed_up_at: datetime.datetime | None
    attended: bool

    @staticmethod
    def resolve_activity(i):
        return i.activity_id

    @staticmethod
    def resolve_unit(i):
        return i.activity.unit.name

    @staticmethod
    def resolve_theme(i):
        return i.activity.theme

    @staticmethod
    def resolve_starts_at(i):
        return i.activity.starts_at

    @staticmethod
    def resolve_place(i):
        return i.activity.place

    @staticmethod
    def resolve_state(i):
        return i.activity.state


class MyInvitationPage(Schema):
    items: list[MyInvitationOut]
    next: str | None
    total: int


def _activity(request, id):
    return selectors.activity_get(actor=request.actor, pk=id)


@router.get("/league/activities", response={200: LeagueActivityPage, **ERRORS}, summary="团组织活动（含下级团组织）")
@api_route(action=perms.ACTIVITY_MANAGE)
def league_activity_list(request, query: Query[ActivityQuery]):
    rows = selectors.activity_list(actor=request.actor, state=query.state or "", text=query.q.strip())
    page = api_newest_first(rows, query)
    selectors.with_counts(page["items"])
    return page


@router.post("/league/activities", response={201: LeagueActivityOut, **ERRORS}, summary="创建团组织活动（草稿）")
@api_route(action=perms.ACTIVITY_MANAGE)
def league_activity_create(request, payload: LeagueActivityIn):
    data = payload.dict()
    unit = unit_get(actor=request.actor, pk=data.pop("unit"), action=perms.ACTIVITY_MANAGE)
    return Status(201, services.activity_create(actor=request.actor, unit=unit, **data))


@router.get("/league/activities/{int:id}", response={200: LeagueActivityOut, **ERRORS}, summary="团组织活动详情")
@api_route(action=perms.ACTIVITY_MANAGE)
def league_activity_detail(request, id: int):
    return _activity(request, id)


@router.put("/league/activities/{int:id}", response={200: LeagueActivityOut, **ERRORS},
            summary="修改活动草稿（发布前；发布组织不变）")
@api_route(action=perms.ACTIVITY_MANAGE)
def league_activity_update(request, id: int, payload: LeagueActivityDraftIn):
    return services.activity_update(actor=request.actor, activity=_activity(request, id), **payload.dict())


@router.delete("/league/activities/{int:id}", response={204: None, **ERRORS},
               summary="删除活动草稿（发布前）")
@api_route(action=perms.ACTIVITY_MANAGE)
def league_activity_delete(request, id: int):
    services.activity_delete(actor=request.actor, activity=_activity(request, id))
    return Status(204, None)


@router.get("/league/activities/{int:id}/invitations", response={200: list[InvitationOut], **ERRORS},
            summary="活动的邀请、报名和参加名单")
@api_route(action=perms.ACTIVITY_MANAGE)
def league_activity_invitations(request, id: int):
    return list(selectors.invitation_list(_activity(request, id))[:10000])


@router.post("/league/activities/{int:id}/publish", response={200: LeagueActivityOut, **ERRORS},
             summary="发布活动（向邀请范围内的团员推送站内消息）")
@api_route(action=perms.ACTIVITY_MANAGE)
def league_activity_publish(request, id: int):
    return services.activity_publish(actor=request.actor, activity=_activity(request, id))


@router.post("/league/activities/{int:id}/hold", response={200: LeagueActivityOut, **ERRORS}, summary="登记活动已举行")
@api_route(action=perms.ACTIVITY_MANAGE)
def league_activity_hold(request, id: int):
    return services.activity_hold(actor=request.actor, activity=_activity(request, id))


@router.post("/league/activities/{int:id}/attendance", response={200: LeagueActivityOut, **ERRORS},
             summary="登记参加人员")
@api_route(action=perms.ACTIVITY_MANAGE)
def league_activity_attendance(request, id: int, payload: AttendanceIn):
    activity = _activity(request, id)
    services.attendance_record(actor=request.actor, activity=activity, members=payload.members)
    return activity


@router.post("/league/activities/{int:id}/summary", response={200: LeagueActivityOut, **ERRORS},
             summary="填写活动总结并上传照片（multipart：summary，photos 可多个，JPEG 或 PNG）")
@api_route(action=perms.ACTIVITY_MANAGE)
def league_activity_summary(request, id: int, payload: Form[SummaryIn], photos: File[list[UploadedFile]] = None):
    return services.activity_summary(actor=request.actor, activity=_activity(request, id), summary=payload.summary,
                                     photos=photos or [])


@router.post("/league/activities/{int:id}/close", response={200: LeagueActivityOut, **ERRORS},
             summary="活动结项（须有总结和至少一张照片）")
@api_route(action=perms.ACTIVITY_MANAGE)
def league_activity_close(request, id: int):
    return services.activity_close(actor=request.actor, activity=_activity(request, id))


@router.get("/league/my/activities", response={200: MyInvitationPage, **ERRORS}, summary="我的活动邀请")
@api_route()
def league_my_activities(request, query: Query[NewestFirstQuery]):
    return api_newest_first(selectors.my_invitations(account_id=request.actor.account_id), query)


def _mine(request, id):
    pk = parse_id(id)  # an id beyond the database's integers answers like a missing one
    invitation = (selectors.my_invitations(account_id=request.actor.account_id).filter(activity_id=pk).first()
                  if pk is not None else None)
    if invitation is None:
        raise NotVisible("活动不存在或您未被邀请", target_type="league.activity", target_id=id)
    return invitation.activity


@router.post("/league/my/activities/{int:id}/signup", response={200: MyInvitationOut, **ERRORS},
             summary="报名活动（活动开始前）")
@api_route()
def league_my_activity_signup(request, id: int):
    return services.activity_signup(actor=request.actor, activity=_mine(request, id))


@router.post("/league/my/activities/{int:id}/signup-cancel", response={200: MyInvitationOut, **ERRORS},
             summary="取消报名（活动开始前）")
@api_route()
def league_my_activity_signup_cancel(request, id: int):
    return services.activity_signup_cancel(actor=request.actor, activity=_mine(request, id))
