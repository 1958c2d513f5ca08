"""Shapes shared by every app's API: the error envelope, input schemas, references to units and accounts,
tokens, and the input types that keep ids and dates within what the databases and Python hold.

Inputs use ``Id`` for row ids (1 … 2⁶³−1: a larger number is refused with 422 before it reaches SQLite,
which cannot bind it), ``Day`` for dates and ``Moment`` for date-times (years 1900–2999; a date-time
without a UTC offset is read in the platform's time zone, like the console's forms).
"""

import datetime
from typing import Annotated, ClassVar

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, field_validator
from pydantic_core import PydanticCustomError

from fenji.core.kernel.inputs import DATE_MAX, DATE_MIN, ID_MAX, INT_MAX, INT_MIN, date_in_range
from fenji.core.kernel.text import control_error

from .models import MAX_DAYS

CONTROL_CHARACTER = "control_character"  # the pydantic error type; errors.py puts its message in the envelope


def _refuse_control_characters(value, *, name: str, multiline: bool):
    if isinstance(value, str):
        message = control_error(value, label=name, multiline=multiline)
        if message:
            raise PydanticCustomError(CONTROL_CHARACTER, message)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _refuse_control_characters(item, name=name, multiline=multiline)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_control_characters(key, name=name, multiline=multiline)
            _refuse_control_characters(item, name=name, multiline=multiline)
    return value


class InputSchema(Schema):
    """The base of every request body and query schema: no text field takes a control character.

    NUL, C0 and C1 controls are refused in every string (also inside lists) with the field named:
    422 ``{"error": {"code": "invalid_request", "message": "“name”含有不允许的控制字符", "field": "name"}}``.
    Fields listed in ``MULTILINE`` keep tab and line breaks. ``tests/test_control_characters.py`` fails
    for an operation whose input is not built on it.
    """

    MULTILINE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value, info):
        return _refuse_control_characters(value, name=info.field_name, multiline=info.field_name in cls.MULTILINE)


DATE_RANGE = f"日期须在 {DATE_MIN.isoformat()} 至 {DATE_MAX.isoformat()} 之间"


def _day(value: datetime.date) -> datetime.date:
    if not date_in_range(value):
        raise ValueError(DATE_RANGE)
    return value


def _moment(value: datetime.datetime) -> datetime.datetime:
    if not date_in_range(value):
        raise ValueError(DATE_RANGE)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


Id = Annotated[int, Field(ge=1, le=ID_MAX)]
Int32 = Annotated[int, Field(ge=INT_MIN, le=INT_MAX)]  # an IntegerField column
Day = Annotated[datetime.date, AfterValidator(_day)]
Moment = Annotated[datetime.datetime, AfterValidator(_moment)]


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


class TokenIn(InputSchema):
    name: str = Field(max_length=50, description="用途，例如“数据同步脚本”")
    days: int | None = Field(None, ge=1, le=MAX_DAYS,
                             description=f"有效天数（1 到 {MAX_DAYS}）；不填则按平台默认期限（通常 90 天），到期前可随时撤销")


class TokenCreated(Schema):
    token: str = Field(description="完整令牌：只显示这一次，平台只保存其摘要")
    info: TokenOut


# every operation may answer these, in the envelope (429: a token that keeps failing, or a rate limit: Retry-After)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}
