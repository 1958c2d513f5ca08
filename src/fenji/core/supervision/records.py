"""The core's own record type open to sampling: accounts (账号信息), so that sampling works before any module.

The checker compares the account's name, ID number and unit with the person's papers. The population is the
accounts opened at the unit and below in the period, citizens excepted (they sign up themselves: no unit entered
their data)."""

import datetime

from django.utils import timezone

from fenji.core.kernel.modules import SampledRecordType
from fenji.core.people.models import Account, AccountKind


def day_range(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The aware instants from the start of ``start`` to the end of ``end``, in local time."""
    return (timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)),
            timezone.make_aware(datetime.datetime.combine(end, datetime.time.max)))


def _population(unit_path: str, start, end):
    low, high = day_range(start, end)
    return (Account.objects.unscoped(reason="the population of a sample, the unit checked in scope by the service")
            .filter(unit_path__startswith=unit_path, created_at__gte=low, created_at__lte=high)
            .exclude(kind=AccountKind.CITIZEN).values_list("id", flat=True))


def _describe(ids: list[int]) -> dict:
    rows = (Account.objects.unscoped(reason="the records of a sample already shown to the checker")
            .filter(pk__in=ids).select_related("person", "unit"))
    out = {}
    for account in rows:
        person = account.person
        out[account.pk] = (f"{person.real_name}（{account.unit.name}）", [
            ("姓名", person.real_name), ("身份证号码", person.id_number_masked or "未登记"),
            ("性别", person.get_gender_display() or "未登记"),
            ("出生日期", f"{person.birth_date:%Y-%m-%d}" if person.birth_date else "未登记"),
            ("所属单位", account.unit.name), ("职务", account.title or "—"),
            ("账号类型", account.get_kind_display()),
            ("开户时间", f"{timezone.localtime(account.created_at):%Y-%m-%d}")])
    return out


ACCOUNTS = SampledRecordType(
    code="people.account", label="账号信息", checks="姓名、身份证号码、所属单位与本人证件及任职文件一致",
    population=_population, describe=_describe, url=lambda pk: f"/people/accounts/{pk}/")
