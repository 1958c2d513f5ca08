"""Reads of the office module, each within the reader's scope: the media register, its checks due, the
duty roster, and who is on duty at a unit at a moment (for the dispatch alerts, through the module contract)."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from fenji.core.calendar.workdays import is_working_day
from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.modules import Todo

from . import module as perms
from .models import DutyPeriod, DutyShift, MediumState, RemovableMedium


def colleague_list(unit):
    """The active staff accounts of ``unit`` itself: who may keep a medium or be on duty there."""
    from django.contrib.auth import get_user_model

    return (get_user_model().objects.unscoped(reason="the staff of a unit the actor manages")
            .filter(unit_id=unit.pk, kind="staff", status="active").select_related("person").order_by("id"))


def colleague_get(unit, pk):
    """One of ``unit``'s staff, or None (the service then names the refusal)."""
    return colleague_list(unit).filter(pk=pk).first() if pk else None


def medium_list(*, actor, action: str = perms.MEDIA_VIEW, unit=None, state: str = "", text: str = ""):
    rows = RemovableMedium.objects.visible_to(actor, action).select_related("unit", "keeper__person")
    if unit is not None:
        rows = rows.filter(unit_path__startswith=unit.path)
    if state in MediumState.values:
        rows = rows.filter(state=state)
    if text:
        rows = rows.filter(Q(number__icontains=text) | Q(model_name__icontains=text))
    return rows


def medium_get(*, actor, pk, action: str = perms.MEDIA_VIEW) -> RemovableMedium:
    medium = medium_list(actor=actor, action=action).filter(pk=pk).first() if str(pk).isdigit() else None
    if medium is None:
        raise NotVisible("介质不存在或不在您的管理范围内", target_type=RemovableMedium._meta.label_lower, target_id=pk)
    return medium


def publication_list(*, actor, unit=None, start: datetime.date | None = None, end: datetime.date | None = None):
    """信息发布登记 (001 §15: 审核登记, 谁发布谁负责): the posts published in the reader's scope (withdrawn ones
    kept), each with its drafter and the reviewers of the round that published it (``reviews``)."""
    from fenji.core.publish.models import Post

    rows = (Post.objects.visible_to(actor, perms.REGISTER_VIEW).filter(published_at__isnull=False)
            .select_related("column", "unit", "drafter__person", "withdrawn_by__person"))
    if unit is not None:
        rows = rows.filter(unit_path__startswith=unit.path)
    if start is not None:
        rows = rows.filter(published_at__date__gte=start)
    if end is not None:
        rows = rows.filter(published_at__date__lte=end)
    return rows


def publication_reviews(posts) -> None:
    """Set ``post.reviews`` (level name → reviewer's name) for the round that published each post (one query)."""
    from fenji.core.publish.models import Approval, Decision

    rounds = {post.pk: post.round for post in posts}
    approvals = (Approval.objects.filter(post_id__in=list(rounds), decision=Decision.APPROVE)
                 .select_related("reviewer__person").order_by("post_id", "level"))
    found: dict[int, list] = {}
    for approval in approvals:
        if approval.round == rounds[approval.post_id]:
            found.setdefault(approval.post_id, []).append((approval.level_name, approval.reviewer.person.real_name))
    for post in posts:
        post.reviews = found.get(post.pk, [])


def check_cutoff(today: datetime.date | None = None) -> datetime.date:
    """A medium last checked before this day is due a check (``FENJI_OFFICE_MEDIA_CHECK_DAYS``: a local rule)."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.FENJI_OFFICE_MEDIA_CHECK_DAYS)


def medium_list_check_due(*, actor):
    """Media in use at the actor's own unit whose last check (or registration) is older than the interval."""
    cutoff = check_cutoff()
    return (medium_list(actor=actor, action=perms.MEDIA_MANAGE, state=MediumState.IN_USE)
            .filter(unit_id=actor.unit_id)
            .filter(Q(last_checked_on__lt=cutoff) | Q(last_checked_on__isnull=True, registered_on__lt=cutoff)))


def medium_todos(actor) -> list[Todo]:
    rows = medium_list_check_due(actor=actor).order_by("last_checked_on", "id")[:50]
    due = datetime.timedelta(days=settings.FENJI_OFFICE_MEDIA_CHECK_DAYS)
    todos = []
    for medium in rows:
        since = medium.last_checked_on or medium.registered_on
        due_at = timezone.make_aware(datetime.datetime.combine(since + due, datetime.time(9)))
        todos.append(Todo("office.media", "移动存储介质待查毒", f"{medium} · {medium.keeper.person.real_name}",
                          f"/office/media/{medium.pk}/", due_at, medium.unit.name, "office:media"))
    return todos


def duty_list(*, actor, unit, start: datetime.date, end: datetime.date, action: str = perms.DUTY_VIEW):
    """The roster of ``unit`` from ``start`` to ``end`` (inclusive)."""
    return (DutyShift.objects.visible_to(actor, action).filter(unit_id=unit.pk, day__gte=start, day__lte=end)
            .select_related("account__person").order_by("day", "period", "id"))


def duty_get(*, actor, pk, action: str = perms.DUTY_MANAGE) -> DutyShift:
    shift = DutyShift.objects.visible_to(actor, action).filter(pk=pk).first() if str(pk).isdigit() else None
    if shift is None:
        raise NotVisible("值班安排不存在或不在您的管理范围内", target_type=DutyShift._meta.label_lower, target_id=pk)
    return shift


def _hours() -> tuple[datetime.time, datetime.time]:
    start, _, end = settings.FENJI_WORK_HOURS.partition("-")
    return datetime.time.fromisoformat(start.strip()), datetime.time.fromisoformat(end.strip())


def is_working_time(moment: datetime.datetime) -> bool:
    """Within working hours of a working day (the calendar's days, ``FENJI_WORK_HOURS`` such as 08:30-17:30)."""
    local = timezone.localtime(moment)
    start, end = _hours()
    return is_working_day(local.date(), provisional=True) and start <= local.time() < end


def on_duty_names(unit_id: int, moment: datetime.datetime) -> str:
    """Who keeps watch at the unit now, by name (the dashboard tile)."""
    from django.contrib.auth import get_user_model

    ids = on_duty([unit_id], moment).get(unit_id, [])
    people = get_user_model().objects.unscoped(reason="the names of the people on duty").filter(pk__in=ids)
    return "、".join(people.select_related("person").values_list("person__real_name", flat=True))


def on_duty(unit_ids, moment: datetime.datetime) -> dict[int, list[int]]:
    """Who keeps watch at each of ``unit_ids`` at ``moment``: outside working hours, the day's 值班 shift; in
    working hours, the day's 值守 shift. ``{unit id: [account ids]}`` for the units that have someone."""
    local = timezone.localtime(moment)
    period = DutyPeriod.WORK if is_working_time(moment) else DutyPeriod.OFF
    day = local.date()
    if period == DutyPeriod.OFF and local.time() < _hours()[0]:
        day -= datetime.timedelta(days=1)  # the small hours belong to the evening's shift
    rows = (DutyShift.objects.unscoped(reason="whom an arriving document also goes to")
            .filter(unit_id__in=list(unit_ids), day=day, period=period, account__status="active")
            .values_list("unit_id", "account_id"))
    found: dict[int, list[int]] = {}
    for unit_id, account_id in rows:
        found.setdefault(unit_id, []).append(account_id)
    return found
