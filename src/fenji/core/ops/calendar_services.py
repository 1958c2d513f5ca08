"""The console's writes to the working-day calendar: ``calendar.day.manage`` first, then the calendar
service (``fenji.core.calendar`` sits below ``access`` and checks nothing itself).

The calendar is one for the whole platform, so only holders of the action over a whole top-level
unit's subtree may change it — a county's system administrator may read it but not edit it.
"""

from fenji.core.access import policy
from fenji.core.access.models import Reach
from fenji.core.audit.transactions import service
from fenji.core.calendar import services as calendar
from fenji.core.calendar.permissions import DAY_MANAGE as CALENDAR_DAY_MANAGE
from fenji.core.kernel.errors import AccessDenied
from fenji.core.kernel.paths import depth_of

PLATFORM_WIDE = "工作日历全平台通用，只有最上级单位的系统管理员可以维护"


def can_manage(actor) -> bool:
    if actor is policy.SYSTEM:
        return True
    return any(CALENDAR_DAY_MANAGE in g.actions and g.reach == Reach.SUBTREE and depth_of(g.unit_path) == 1
               for g in actor.grants)


def require_manage(actor) -> None:
    policy.require(actor, CALENDAR_DAY_MANAGE)
    if not can_manage(actor):
        raise AccessDenied(PLATFORM_WIDE, rule="out_of_scope", action=CALENDAR_DAY_MANAGE)


@service
def day_set(*, actor, date, kind: str, name: str):
    require_manage(actor)
    return calendar.day_override_set(actor=actor, date=date, kind=kind, name=name)


@service
def day_remove(*, actor, date) -> None:
    require_manage(actor)
    calendar.day_override_remove(actor=actor, date=date)


@service
def year_confirm(*, actor, year: int):
    require_manage(actor)
    return calendar.calendar_year_confirm(actor=actor, year=year)


@service
def year_import(*, actor, rows):
    """A State Council notice read from an Excel file (``calendar.importer``): every row or none."""
    require_manage(actor)
    return calendar.calendar_import(actor=actor, rows=rows)
