"""``/api/v1/community``: 通知公告, 活动 and 意见反馈 over HTTP, with the pages' services and scope.

The unit's side (``/community/notices``, ``/activities``, ``/feedback``) is for whoever holds the action at
the unit; the member's side (``/community/my/…``) is the caller's own: the notices addressed to them, the
activities offered to their unit, the feedback they wrote. Anything else answers 404 like a missing row.
"""

import datetime

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fenji.core.api.pagination import NewestFirstQuery, api_newest_first
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, InputSchema, Moment
from fenji.core.org.selectors import unit_own

from . import permissions as perms
from . import selectors, services
from .models import FeedbackState, FeedbackTopic

router = Router(tags=["成员服务"])


def _me(request):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.unscoped(reason="the caller's own account").get(pk=request.actor.account_id)


# --- output ------------------------------------------------------------------------------------------


class NoticeOut(Schema):
    id: int
    title: str
    body: str
    unit: str = Field(description="发送单位")
    include_subtree: bool = Field(description="是否同时发给下级单位的成员")
    sent_at: datetime.datetime
    recipient_count: int = Field(description="接收人数")

    @staticmethod
    def resolve_unit(notice):
        return notice.unit.name


class NoticePage(Schema):
    items: list[NoticeOut]
    next: str | None
    total: int


class MyNoticeOut(Schema):
    id: int = Field(description="站内消息 id")
    title: str
    body: str
    link: str = Field(description="手机端查看地址")
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class MyNoticePage(Schema):
    items: list[MyNoticeOut]
    next: str | None
    total: int


class ActivityOut(Schema):
    id: int
    title: str
    unit: str = Field(description="主办单位")
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    place: str
    content: str
    signup_until: datetime.datetime = Field(description="报名截止")
    capacity: int | None = Field(description="名额；null 为不限")
    signup_count: int = Field(description="已报名人数")
    include_subtree: bool

    @staticmethod
    def resolve_unit(activity):
        return activity.unit.name


class ActivityPage(Schema):
    items: list[ActivityOut]
    next: str | None
    total: int


class SignupOut(Schema):
    name: str = Field(description="姓名")
    unit: str
    kind: str = Field(description="账号类型：会员/团员、老同志……")
    signed_up_at: datetime.datetime

    @staticmethod
    def resolve_name(signup):
        return signup.account.person.real_name

    @staticmethod
    def resolve_unit(signup):
        return signup.account.unit.name

    @staticmethod
    def resolve_kind(signup):
        return signup.account.get_kind_display()

    @staticmethod
    def resolve_signed_up_at(signup):
        return signup.created_at


class FeedbackOut(Schema):
    id: int
    topic: str = Field(description="unit 向本单位反映；system 对本系统的意见建议")
    content: str
    unit: str = Field(description="当前办理单位")
    state: str = Field(description="open 待处理；answered 已答复")
    created_at: datetime.datetime
    due_at: datetime.datetime = Field(description="答复期限")
    answer: str
    answered_at: datetime.datetime | None
    hops: list[dict] = Field(description="转呈记录：from、to、by、at、note")

    @staticmethod
    def resolve_unit(feedback):
        return feedback.unit.name


class FeedbackPage(Schema):
    items: list[FeedbackOut]
    next: str | None
    total: int


# --- input -------------------------------------------------------------------------------------------


class NoticeIn(InputSchema):
    MULTILINE = frozenset({"body"})
    title: str = Field(max_length=services.TITLE_MAX, description="标题")
    body: str = Field(max_length=services.TEXT_MAX, description="内容")
    include_subtree: bool = Field(False, description="同时发给下级单位的成员")


class ActivityIn(InputSchema):
    MULTILINE = frozenset({"content"})
    title: str = Field(max_length=services.TITLE_MAX)
    starts_at: Moment
    ends_at: Moment | None = None
    place: str = Field(max_length=services.TITLE_MAX)
    signup_until: Moment = Field(description="报名截止，须早于开始时间")
    capacity: int | None = Field(None, ge=1, le=100000, description="名额；不填为不限")
    content: str = Field("", max_length=services.TEXT_MAX)
    include_subtree: bool = Field(False, description="下级单位的成员也可报名")


class FeedbackQuery(InputSchema):
    topic: FeedbackTopic = Field(FeedbackTopic.UNIT, description="unit 成员意见反馈；system 对本系统的意见建议")
    state: FeedbackState | None = Field(None, description="open 待处理；answered 已答复；不填为全部")
    after: str = Field("", description="上一页返回的 next；第一页留空")
    limit: int = Field(NewestFirstQuery.model_fields["limit"].default, ge=1, le=200)


class CommunityAnswerIn(InputSchema):
    MULTILINE = frozenset({"answer"})
    answer: str = Field(max_length=services.FEEDBACK_MAX)


class PassUpIn(InputSchema):
    note: str = Field(max_length=200, description="转呈说明")


class SignupIn(InputSchema):
    join: bool = Field(True, description="true 报名；false 取消报名")


class FeedbackIn(InputSchema):
    MULTILINE = frozenset({"content"})
    topic: FeedbackTopic = Field(FeedbackTopic.UNIT)
    content: str = Field(max_length=services.FEEDBACK_MAX)


# --- the unit's side ---------------------------------------------------------------------------------


@router.get("/community/notices", response={200: NoticePage, **ERRORS}, summary="本单位及下级发送的通知公告")
@api_route(action=perms.NOTICE_SEND)
def notice_list(request, query: Query[NewestFirstQuery]):
    return api_newest_first(selectors.notice_list(actor=request.actor), query)


@router.post("/community/notices", response={201: NoticeOut, **ERRORS}, summary="向本单位成员发送通知公告")
@api_route(action=perms.NOTICE_SEND)
def notice_send(request, payload: NoticeIn):
    return Status(201, services.notice_send(actor=request.actor, unit=unit_own(actor=request.actor), **payload.dict()))


@router.get("/community/activities", response={200: ActivityPage, **ERRORS}, summary="本单位及下级的成员活动")
@api_route(action=perms.ACTIVITY_MANAGE)
def activity_list(request, query: Query[NewestFirstQuery]):
    return api_newest_first(selectors.activity_list(actor=request.actor), query)


@router.post("/community/activities", response={201: ActivityOut, **ERRORS}, summary="为本单位成员发布活动")
@api_route(action=perms.ACTIVITY_MANAGE)
def activity_create(request, payload: ActivityIn):
    return Status(201, services.activity_create(actor=request.actor, unit=unit_own(actor=request.actor), **payload.dict()))


@router.get("/community/activities/{int:id}/signups", response={200: list[SignupOut], **ERRORS},
            summary="活动报名名单")
@api_route(action=perms.ACTIVITY_MANAGE)
def activity_signups(request, id: int):
    return list(selectors.signup_list(selectors.activity_get(actor=request.actor, pk=id)))


@router.get("/community/feedback", response={200: FeedbackPage, **ERRORS},
            summary="待处理和已答复的意见（成员意见反馈，或对本系统的意见建议）")
@api_route()
def feedback_list(request, query: Query[FeedbackQuery]):
    rows = selectors.feedback_list(actor=request.actor, state=query.state or "", topic=query.topic)
    return api_newest_first(rows, query)


@router.post("/community/feedback/{int:id}/answer", response={200: FeedbackOut, **ERRORS}, summary="答复意见")
@api_route()
def feedback_answer(request, id: int, payload: CommunityAnswerIn):
    return services.feedback_answer(actor=request.actor, feedback=_handled(request, id), answer=payload.answer)


@router.post("/community/feedback/{int:id}/pass-up", response={200: FeedbackOut, **ERRORS},
             summary="向上级单位的系统管理员转呈对本系统的意见建议")
@api_route(action=perms.OPINION_HANDLE)
def feedback_pass_up(request, id: int, payload: PassUpIn):
    feedback = selectors.feedback_get(actor=request.actor, pk=id, topic=FeedbackTopic.SYSTEM)
    return services.feedback_pass_up(actor=request.actor, feedback=feedback, note=payload.note)


def _handled(request, pk):
    """The feedback of either topic that the caller handles (404 otherwise, like a missing one)."""
    for topic in FeedbackTopic.values:
        found = selectors.feedback_list(actor=request.actor, topic=topic).filter(pk=pk).first()
        if found is not None:
            return found
    return selectors.feedback_get(actor=request.actor, pk=pk)  # raises NotVisible


# --- the member's side -------------------------------------------------------------------------------


@router.get("/community/my/notices", response={200: MyNoticePage, **ERRORS}, summary="我收到的通知公告")
@api_route()
def my_notices(request, query: Query[NewestFirstQuery]):
    return api_newest_first(selectors.notice_messages_mine(account=_me(request)), query)


@router.get("/community/my/activities", response={200: ActivityPage, **ERRORS}, summary="可报名的活动")
@api_route()
def my_activities(request, query: Query[NewestFirstQuery]):
    return api_newest_first(selectors.activity_list_offered(account=_me(request)), query)


@router.post("/community/my/activities/{int:id}/signup", response={200: ActivityOut, **ERRORS},
             summary="报名或取消报名")
@api_route()
def my_activity_signup(request, id: int, payload: SignupIn):
    activity = selectors.activity_get_offered(account=_me(request), pk=id)
    return services.activity_signup(actor=request.actor, activity=activity, join=payload.join)


@router.get("/community/my/feedback", response={200: FeedbackPage, **ERRORS}, summary="我提交的意见及答复")
@api_route()
def my_feedback(request, query: Query[NewestFirstQuery]):
    return api_newest_first(selectors.feedback_list_mine(account=_me(request)), query)


@router.post("/community/my/feedback", response={201: FeedbackOut, **ERRORS},
             summary="提交意见（向本单位反映，或对本系统的意见建议）")
@api_route()
def my_feedback_submit(request, payload: FeedbackIn):
    return Status(201, services.feedback_submit(actor=request.actor, topic=payload.topic, content=payload.content))
