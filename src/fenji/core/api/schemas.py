"""Shapes shared by every app's API: the error envelope, references to units and accounts, tokens."""

import datetime

from ninja import Field, Schema

from .models import MAX_DAYS


class ErrorBody(Schema):
    code: str = Field(description="稳定的错误代码，供程序判断：invalid、denied、not_found、invalid_request……")
    message: str = Field(description="给人看的中文说明")
    field: str | None = Field(None, description="出错的输入项（如有）")


class ErrorOut(Schema):
    error: ErrorBody


class UnitRef(Schema):
    id: int
    name: str


class TokenOut(Schema):
    id: int
    name: str
    display: str = Field(description="令牌前缀，用于辨认；完整令牌只在创建时显示一次")
    status: str = Field(description="active、expired 或 revoked")
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    expires_at: datetime.datetime
    revoked_at: datetime.datetime | None
    revoke_reason: str = Field(description="撤销原因，例如账号停用、修改密码")


class TokenIn(Schema):
    name: str = Field(max_length=50, description="用途，例如“数据同步脚本”")
    days: int | None = Field(None, ge=1, le=MAX_DAYS,
                             description=f"有效天数（1 到 {MAX_DAYS}）；不填则按平台默认期限（通常 90 天），到期前可随时撤销")


class TokenCreated(Schema):
    token: str = Field(description="完整令牌：只显示这一次，平台只保存其摘要")
    info: TokenOut


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
