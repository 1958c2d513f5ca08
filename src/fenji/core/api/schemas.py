"""Shapes shared by every app's API: the error envelope, references to units and accounts, tokens, and
the input types that keep ids and dates within what the databases and Python hold.

Inputs use ``Id`` for row ids (1 … 2⁶³−1: a larger number is refused with 422 before it reaches SQLite,
which cannot bind it), ``Day`` for dates and ``Moment`` for date-times (years 1900–2999; a date-time
without a UTC offset is read in the platform's time zone, like the console's forms).
"""

import datetime
from typing import Annotated

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator

from fenji.core.kernel.inputs import DATE_MAX, DATE_MIN, ID_MAX, INT_MAX, INT_MIN, date_in_range

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
    expires_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class TokenIn(Schema):
    name: str = Field(max_length=50, description="用途，例如“数据同步脚本”")
    days: int | None = Field(None, ge=1, le=3650, description="有效天数；不填则长期有效（可随时撤销）")


class TokenCreated(Schema):
    token: str = Field(description="完整令牌：只显示这一次，平台只保存其摘要")
    info: TokenOut


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
