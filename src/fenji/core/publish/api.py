"""``/api/v1/publish``: columns and posts over HTTP, with the pages' services and selectors.

A post is its drafter's while a draft, then seen by those holding the review or oversight actions over its
unit; anything else answers 404 like a missing row. Attachments are uploaded on the pages.
"""

import datetime

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fenji.core.api.pagination import NewestFirstQuery, api_newest_first
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, Id, InputSchema
from fenji.core.kernel.errors import NotVisible

from . import permissions as perms
from . import selectors, services
from .models import PostState

router = Router(tags=["信息发布"])


class ColumnOut(Schema):
    id: int
    name: str
    parent_id: int | None
    kind: str = Field(description="news 动态要闻、notice 通知公告、policy 政策文件、other 其他")
    public: bool = Field(description="公开栏目：无需登录即可查看")
    unit: str = Field(description="归属单位")

    @staticmethod
    def resolve_unit(column):
        return column.unit.name


class ApprovalOut(Schema):
    round: int
    level: int
    level_name: str
    reviewer: str
    decision: str = Field(description="approve 同意、reject 退回")
    opinion: str
    decided_at: datetime.datetime

    @staticmethod
    def resolve_reviewer(approval):
        return approval.reviewer.person.real_name


class PostOut(Schema):
    id: int
    column_id: int
    column: str
    title: str
    state: str = Field(description="、".join(f"{v}（{label}）" for v, label in PostState.choices))
    level: int = Field(description="审核中时的当前级次")
    opinion: str = Field(description="最近一次退回的意见")
    publish_at: datetime.datetime | None
    published_at: datetime.datetime | None

    @staticmethod
    def resolve_column(post):
        return post.column.name


class PostDetailOut(PostOut):
    body: str
    approvals: list[ApprovalOut]

    @staticmethod
    def resolve_approvals(post):
        return list(selectors.approval_list(post))


class PostPage(Schema):
    items: list[PostOut]
    next: str | None
    total: int


class PostQuery(NewestFirstQuery):
    state: str = Field("", description="按状态筛选")


class PostIn(InputSchema):
    column_id: Id = Field(description="栏目（须为其管理员）")
    title: str = Field(max_length=services.TITLE_MAX)
    body: str = Field(max_length=services.BODY_MAX, json_schema_extra={"multiline": True})
    publish_at: datetime.datetime | None = Field(None, description="定时发布时间；不填则终审通过后立即发布")
    classified: bool = Field(False, description="涉密：涉密稿件一律拒绝")


class ReviewIn(InputSchema):
    approve: bool
    opinion: str = Field("", max_length=services.OPINION_MAX, json_schema_extra={"multiline": True},
                         description="审核意见（退回时必填）")


class PublishWithdrawIn(InputSchema):
    reason: str = Field(max_length=services.REASON_MAX)


@router.get("/publish/columns", response={200: list[ColumnOut], **ERRORS}, summary="管理范围内的栏目")
@api_route(action=perms.COLUMN_MANAGE)
def column_list(request):
    return list(selectors.column_list(actor=request.actor)[:500])


@router.get("/publish/posts", response={200: PostPage, **ERRORS}, summary="我的稿件和管理范围内送审后的稿件（新的在前）")
@api_route(action=perms.POST_DRAFT)
def post_list(request, query: Query[PostQuery]):
    return api_newest_first(selectors.post_list(actor=request.actor, state=query.state), query)


@router.get("/publish/posts/awaiting", response={200: list[PostOut], **ERRORS}, summary="待我审核的稿件")
@api_route(action=perms.POST_DRAFT)
def post_awaiting(request):
    return list(selectors.post_list_awaiting(actor=request.actor)[:100])


@router.get("/publish/posts/{int:id}", response={200: PostDetailOut, **ERRORS}, summary="稿件详情及审核记录")
@api_route(action=perms.POST_DRAFT)
def post_detail(request, id: int):
    return selectors.post_get(actor=request.actor, pk=id)


@router.post("/publish/posts", response={201: PostDetailOut, **ERRORS}, summary="撰写稿件（草稿）")
@api_route(action=perms.POST_DRAFT)
def post_create(request, payload: PostIn):
    column = selectors.column_list_mine(actor=request.actor).filter(pk=payload.column_id).first()
    if column is None:
        raise NotVisible("栏目不存在或您不是其管理员")
    post = services.post_save(actor=request.actor, column=column, title=payload.title, body=payload.body,
                              publish_at=payload.publish_at, classified=payload.classified)
    return Status(201, selectors.post_get(actor=request.actor, pk=post.pk))


@router.post("/publish/posts/{int:id}/submit", response={200: PostDetailOut, **ERRORS}, summary="送审（先查敏感词）")
@api_route(action=perms.POST_DRAFT)
def post_submit(request, id: int):
    services.post_submit(actor=request.actor, post=selectors.post_get(actor=request.actor, pk=id))
    return selectors.post_get(actor=request.actor, pk=id)


@router.post("/publish/posts/{int:id}/review", response={200: PostDetailOut, **ERRORS},
             summary="审核当前级次：同意进入下一级（末级通过即发布），退回则回到草稿")
@api_route(action=perms.POST_DRAFT)
def post_review(request, id: int, payload: ReviewIn):
    post = selectors.post_get(actor=request.actor, pk=id)
    services.post_review(actor=request.actor, post=post, approve=payload.approve, opinion=payload.opinion)
    return selectors.post_get(actor=request.actor, pk=id)


@router.post("/publish/posts/{int:id}/withdraw", response={200: PostDetailOut, **ERRORS}, summary="撤回已发布稿件")
@api_route(action=perms.POST_WITHDRAW)
def post_withdraw(request, id: int, payload: PublishWithdrawIn):
    post = selectors.post_get(actor=request.actor, pk=id)
    services.post_withdraw(actor=request.actor, post=post, reason=payload.reason)
    return selectors.post_get(actor=request.actor, pk=id)
