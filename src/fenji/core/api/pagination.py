"""Keyset pages over the API: ``?after=<next>&limit=<n>`` → ``{"items", "next", "total"}``.

The paging itself is ``kernel.pagination.keyset_page`` (on (unit_path, id), the index every unit-owned
table carries: one count and one range query at any depth); here are the query parameters, the cursor
check and the response shape.
"""

import re

from ninja import Field

from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.inputs import parse_id
from fenji.core.kernel.pagination import Page, keyset_page, newest_first_page

from .schemas import InputSchema

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
CURSOR_RE = re.compile(r"^[0-9A-Z]*\.\d+$")


class PageQuery(InputSchema):
    after: str = Field("", description="上一页返回的 next 游标；第一页留空")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"每页条数（1–{MAX_LIMIT}）")


def check_cursor(after: str) -> str:
    after = (after or "").strip()
    if after and not CURSOR_RE.match(after):
        raise DomainError("分页游标无效：请使用上一页返回的 next 值", field="after", code="invalid_cursor")
    return after


def page_out(page: Page) -> dict:
    return {"items": page.rows, "next": page.next_cursor, "total": page.total}


def api_page(queryset, query: PageQuery) -> dict:
    return page_out(keyset_page(queryset, after=check_cursor(query.after), size=query.limit))


class NewestFirstQuery(InputSchema):
    after: str = Field("", description="上一页返回的 next（最后一条的 id）；第一页留空")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"每页条数（1–{MAX_LIMIT}）")


def check_newest_first(query) -> str:
    """The ``after`` of a newest-first page: a row id, else an error."""
    after = (query.after or "").strip()
    if after and parse_id(after) is None:
        raise DomainError("分页参数 after 无效：请使用上一页返回的 next 值", field="after", code="invalid_cursor")
    return after


def api_newest_first(rows, query) -> dict:
    """``{"items", "next", "total"}`` of ``rows`` newest first (``kernel.pagination.newest_first_page``)."""
    return page_out(newest_first_page(rows, after=check_newest_first(query), size=query.limit))
