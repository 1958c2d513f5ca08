"""``/api/v1/messages``: the caller's in-app messages (站内消息). Here rather than in ``notify``: the API
conventions sit above ``notify`` in the layers, so ``notify`` cannot import them."""

import datetime

from ninja import Field, Query, Router, Schema

from fenji.core.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, InputSchema
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.inputs import parse_id
from fenji.core.notify.selectors import message_get, message_page
from fenji.core.notify.services import message_mark_all_read, message_mark_read

router = Router(tags=["站内消息"])


class MessageOut(Schema):
    id: int
    kind: str = Field(description="消息类型代码，如 dispatch.arrived（公文送达）")
    title: str
    body: str
    link: str = Field(description="本站页面路径")
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class MessagePage(Schema):
    items: list[MessageOut]
    next: str | None = Field(description="下一页的 after 值；没有下一页时为 null")
    total: int
    unread: int = Field(description="未读消息数")


class MessageQuery(InputSchema):
    unread: bool = Field(False, description="只看未读")
    after: str = Field("", description="上一页返回的 next；第一页留空")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


@router.get("/messages", response={200: MessagePage, **ERRORS}, summary="我的站内消息（新的在前）")
@api_route()
def message_list(request, query: Query[MessageQuery]):
    if query.after and parse_id(query.after) is None:
        raise DomainError("分页参数 after 无效：请使用上一页返回的 next 值", field="after", code="invalid_cursor")
    page = message_page(recipient=request.user, after=query.after, size=query.limit, unread_only=query.unread)
    unread = message_page(recipient=request.user, size=1, unread_only=True).total
    return {"items": page.rows, "next": page.next_cursor, "total": page.total, "unread": unread}


@router.post("/messages/{int:id}/read", response={200: MessageOut, **ERRORS}, summary="标记为已读")
@api_route()
def message_read(request, id: int):
    return message_mark_read(actor=request.user, message=message_get(recipient=request.user, pk=id))


@router.post("/messages/read-all", response={200: dict[str, int], **ERRORS}, summary="全部标记为已读")
@api_route()
def message_read_all(request):
    return {"marked": message_mark_all_read(actor=request.user)}
