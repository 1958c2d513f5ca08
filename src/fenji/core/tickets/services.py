"""Writes of tickets: boards, and a ticket's way from the citizen through the handling unit and back.

Each service checks, validates, writes and audits in one transaction (``@service``), the ticket row locked
while its state changes. Acting on a ticket (签收, 办理, 退单, 延期, 答复, 并单) is for the accounts of the
unit handling it: a superior who sees the ticket oversees, never answers in that unit's name. Reviews of
退单 and 延期 are the board's managing unit's (``office``). Deadlines are working days on the official
calendar (``calendar.workdays``), emergencies in hours.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.calendar.workdays import deadline
from fenji.core.files.models import FileKind
from fenji.core.files.services import attachment_write
from fenji.core.kernel.errors import AccessDenied, DomainError, NotVisible
from fenji.core.kernel.text import checked_text
from fenji.core.notify.services import message_send
from fenji.core.org.models import Unit

from . import permissions as perms
from .alerts import arrival_alert
from .models import Board, EventKind, Rating, Ticket, TicketEvent, TicketState

CONTENT_MAX, NOTE_MAX, REASON_MAX, LOCATION_MAX = 2000, 2000, 200, 200
PHOTO_MAX = 6
PHOTO_KINDS = {FileKind.JPG, FileKind.PNG}
LIMITS = {"handle_days": (1, 60), "emergency_hours": (1, 72), "return_days": (1, 10), "extension_max_count": (0, 5),
          "extension_max_days": (0, 60)}
LIMIT_LABELS = {"handle_days": "办理时限", "emergency_hours": "紧急诉求时限", "return_days": "退单时限",
                "extension_max_count": "延期次数上限", "extension_max_days": "延期累计上限"}


_text = checked_text  # every text this app takes goes through the one check


def _local(value: datetime.datetime) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


# --- boards ----------------------------------------------------------------------------------------------


def _board_fields(*, office: Unit, unit: Unit, name: str, description: str, numbers: dict) -> dict:
    name = _text(name, label="版块名称", field="name", limit=50)
    description = _text(description, label="说明", field="description", limit=200, required=False)
    if not unit.is_active:
        raise DomainError(f"“{unit.name}”已撤销，不能承办诉求", field="unit")
    # the owner is the office itself, below it, or a unit beside it (区政府办公室 manages the boards of the bureaus)
    reach = office.parent.path if office.parent_id else office.path
    if not unit.path.startswith(reach):
        raise DomainError(f"承办单位应在“{office.name}”的管理范围内", field="unit")
    for key, value in numbers.items():
        low, high = LIMITS[key]
        if not isinstance(value, int) or not low <= value <= high:
            raise DomainError(f"{LIMIT_LABELS[key]}应在 {low} 到 {high} 之间", field=key)
    return {"name": name, "description": description, "unit": unit, "unit_path": unit.path, **numbers}


def _name_taken(name: str, board: Board | None = None) -> None:
    rows = Board.objects.unscoped(reason="board names are unique in the deployment").filter(name=name)
    if board is not None:
        rows = rows.exclude(pk=board.pk)
    if rows.exists():
        raise DomainError("已有同名版块", field="name")


@service
def board_create(*, actor, office: Unit, unit: Unit, name: str, description: str = "", handle_days: int = 5,
                 emergency_hours: int = 24, return_days: int = 2, extension_max_count: int = 1,
                 extension_max_days: int = 10, takes_photos: bool = True, takes_location: bool = True) -> Board:
    """A board managed by ``office`` whose tickets go to ``unit``."""
    policy.require(actor, perms.BOARD_MANAGE, office.path)
    fields = _board_fields(office=office, unit=unit, name=name, description=description, numbers={
        "handle_days": handle_days, "emergency_hours": emergency_hours, "return_days": return_days,
        "extension_max_count": extension_max_count, "extension_max_days": extension_max_days})
    _name_taken(fields["name"])
    board = Board.objects.create(office=office, office_path=office.path, takes_photos=takes_photos,
                                 takes_location=takes_location, **fields)
    audit_record(actor=actor, action=perms.BOARD_CREATE, target=board,
                 details={"name": board.name, "unit": unit.name, "office": office.name})
    return board


@service
def board_update(*, actor, board: Board, unit: Unit, name: str, description: str = "", handle_days: int,
                 emergency_hours: int, return_days: int, extension_max_count: int, extension_max_days: int,
                 takes_photos: bool, takes_location: bool, active: bool) -> Board:
    """Change a board; a new owner receives the tickets filed from now on (filed ones stay where they are)."""
    policy.require(actor, perms.BOARD_MANAGE, board.office_path)
    board = Board.objects.unscoped(reason="found in scope").select_for_update().select_related("office", "unit").get(
        pk=board.pk)
    fields = _board_fields(office=board.office, unit=unit, name=name, description=description, numbers={
        "handle_days": handle_days, "emergency_hours": emergency_hours, "return_days": return_days,
        "extension_max_count": extension_max_count, "extension_max_days": extension_max_days})
    _name_taken(fields["name"], board)
    fields.update(takes_photos=takes_photos, takes_location=takes_location, active=active)
    changes = {}
    for key, value in fields.items():
        old = getattr(board, key)
        if key == "unit":
            if old.pk != value.pk:
                changes["unit"] = {"before": old.name, "after": value.name}
        elif key != "unit_path" and old != value:
            changes[key] = {"before": old, "after": value}
        setattr(board, key, value)
    board.save()
    audit_record(actor=actor, action=perms.BOARD_UPDATE, target=board, details={"name": board.name, "changes": changes})
    return board


# --- filing ----------------------------------------------------------------------------------------------


def _deadline(board: Board, start: datetime.datetime, *, emergency: bool) -> dict:
    if emergency:
        return {"due_at": start + datetime.timedelta(hours=board.emergency_hours), "due_provisional": False,
                "calendar_version": "", "overdue_alerted_at": None}
    due = deadline(start, board.handle_days, provisional_ok=True)
    return {"due_at": due.value, "due_provisional": due.provisional, "calendar_version": due.calendar_version,
            "overdue_alerted_at": None}  # a new deadline: its overdue alert is still to come


def _return_until(board: Board, start: datetime.datetime) -> datetime.datetime:
    return deadline(start, board.return_days, provisional_ok=True).value


def _coordinate(value, *, label: str, field: str, bound: int):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise DomainError(f"{label}格式不正确", field=field) from None
    if not -bound <= number <= bound:
        raise DomainError(f"{label}应在 -{bound} 到 {bound} 之间", field=field)
    return number


def _event(ticket: Ticket, kind: str, *, actor, note: str = "", unit_name: str = "") -> None:
    TicketEvent.objects.create(ticket=ticket, kind=kind, actor_id=getattr(actor, "account_id", None),
                               unit_name=unit_name, note=note)


@service
def ticket_file(*, actor, board: Board, content: str, location_text: str = "", latitude=None, longitude=None,
                public_ok: bool = False, emergency: bool = False, photos=()) -> Ticket:
    """A signed-in person files a ticket on an open board; the board's owner receives it."""
    if getattr(actor, "account_id", None) is None:
        raise AccessDenied("请先登录", rule="signed_in")
    board = Board.objects.unscoped(reason="boards are open to every citizen").select_related("unit", "office").filter(
        pk=board.pk, active=True).first()
    if board is None:
        raise NotVisible("版块不存在或已停用")
    content = _text(content, label="诉求内容", field="content", limit=CONTENT_MAX, multiline=True)
    photos = [p for p in photos if p]
    if photos and not board.takes_photos:
        raise DomainError("该版块不收照片", field="photos")
    if len(photos) > PHOTO_MAX:
        raise DomainError(f"最多上传 {PHOTO_MAX} 张照片", field="photos")
    location_text = _text(location_text, label="位置", field="location_text", limit=LOCATION_MAX, required=False)
    latitude = _coordinate(latitude, label="纬度", field="latitude", bound=90)
    longitude = _coordinate(longitude, label="经度", field="longitude", bound=180)
    if (latitude is None) != (longitude is None):
        raise DomainError("经纬度须同时填写", field="latitude")
    if (location_text or latitude is not None) and not board.takes_location:
        raise DomainError("该版块不收位置信息", field="location_text")
    now = timezone.now()
    unit = board.unit
    ticket = Ticket.objects.create(
        unit=unit, unit_path=unit.path, board=board, office=board.office, office_path=board.office_path,
        citizen_id=actor.account_id, content=content, location_text=location_text, latitude=latitude,
        longitude=longitude, public_ok=bool(public_ok), emergency=bool(emergency), created_at=now, received_at=now,
        return_until=_return_until(board, now), **_deadline(board, now, emergency=bool(emergency)))
    for upload in photos:  # the checked upload: content must match the extension, images only
        ticket.photos.add(attachment_write(actor=actor, unit=unit, upload=upload, kinds=PHOTO_KINDS))
    _event(ticket, EventKind.FILE, actor=actor, note=board.name)
    arrival_alert(ticket)
    audit_record(actor=actor, action=perms.FILE, target=ticket, details={
        "board": board.name, "unit": unit.name, "photos": len(photos), "emergency": bool(emergency),
        "public_ok": bool(public_ok)})
    return ticket


# --- the handling unit -----------------------------------------------------------------------------------


def _own_unit(actor, ticket: Ticket, what: str) -> None:
    """Acting on a ticket is for the handling unit's own accounts holding the action there."""
    policy.require(actor, perms.TICKET_HANDLE, ticket.unit_path)
    if actor.unit_id != ticket.unit_id:
        raise AccessDenied(f"该诉求由“{ticket.unit.name}”承办，只有其工作人员可以{what}", rule="tickets.own_unit",
                           action=perms.TICKET_HANDLE)


def _locked(ticket: Ticket) -> Ticket:
    return (Ticket.objects.unscoped(reason="found in scope by the caller").select_for_update()
            .select_related("unit", "board").get(pk=ticket.pk))


def _need(ticket: Ticket, states, message: str) -> None:
    if ticket.state not in states:
        raise DomainError(message.format(state=ticket.get_state_display()))


def ticket_sign_check(*, actor, ticket: Ticket) -> None:
    _own_unit(actor, ticket, "签收")
    _need(ticket, (TicketState.PENDING,), "该诉求当前为“{state}”，无需签收")


@service
def ticket_sign(*, actor, ticket: Ticket) -> Ticket:
    ticket = _locked(ticket)
    ticket_sign_check(actor=actor, ticket=ticket)
    ticket.state, ticket.signed_at, ticket.signed_by_id = TicketState.SIGNED, timezone.now(), actor.account_id
    ticket.save(update_fields=["state", "signed_at", "signed_by"])
    _event(ticket, EventKind.SIGN, actor=actor, unit_name=ticket.unit.name)
    audit_record(actor=actor, action=perms.SIGN, target=ticket, details={"unit": ticket.unit.name})
    return ticket


def ticket_progress_check(*, actor, ticket: Ticket) -> None:
    _own_unit(actor, ticket, "办理")
    _need(ticket, (TicketState.SIGNED, TicketState.HANDLING), "该诉求当前为“{state}”，不能登记办理情况")


@service
def ticket_progress(*, actor, ticket: Ticket, note: str) -> Ticket:
    """办理: a note on what is being done; the ticket is then 办理中."""
    ticket = _locked(ticket)
    ticket_progress_check(actor=actor, ticket=ticket)
    note = _text(note, label="办理情况", field="note", limit=NOTE_MAX, multiline=True)
    ticket.state = TicketState.HANDLING
    ticket.save(update_fields=["state"])
    _event(ticket, EventKind.PROGRESS, actor=actor, note=note, unit_name=ticket.unit.name)
    audit_record(actor=actor, action=perms.PROGRESS, target=ticket)
    return ticket


def ticket_return_check(*, actor, ticket: Ticket, now=None) -> None:
    _own_unit(actor, ticket, "退单")
    _need(ticket, (TicketState.PENDING, TicketState.SIGNED, TicketState.HANDLING), "该诉求当前为“{state}”，不能退单")
    if ticket.reopen_count:
        raise DomainError("不满意重办的诉求不能退单")
    if (now or timezone.now()) > ticket.return_until:
        raise DomainError(f"退单须在收到后 {ticket.board.return_days} 个工作日内提出（截至 {_local(ticket.return_until)}），"
                          "已超过退单时限")


@service
def ticket_return(*, actor, ticket: Ticket, reason: str) -> Ticket:
    """退单: the unit says the ticket is not its own, with a reason, within the board's window; the office reviews."""
    ticket = _locked(ticket)
    ticket_return_check(actor=actor, ticket=ticket)
    reason = _text(reason, label="退单理由", field="reason", limit=REASON_MAX)
    ticket.state_before, ticket.state, ticket.return_reason = ticket.state, TicketState.RETURNED, reason
    ticket.save(update_fields=["state_before", "state", "return_reason"])
    _event(ticket, EventKind.RETURN, actor=actor, note=reason, unit_name=ticket.unit.name)
    audit_record(actor=actor, action=perms.RETURN, target=ticket, details={"reason": reason})
    return ticket


def ticket_extend_check(*, actor, ticket: Ticket, days: int | None = None, now=None) -> None:
    _own_unit(actor, ticket, "申请延期")
    _need(ticket, (TicketState.SIGNED, TicketState.HANDLING), "该诉求当前为“{state}”，不能申请延期")
    if ticket.extension_pending:
        raise DomainError("已有一项延期申请待审核")
    if (now or timezone.now()) >= ticket.due_at:
        raise DomainError(f"延期须在办理期限（{_local(ticket.due_at)}）之前申请，已超过期限")
    if ticket.emergency:
        raise DomainError("紧急诉求不能延期")
    board = ticket.board
    if ticket.extension_count >= board.extension_max_count:
        raise DomainError(f"该版块的诉求最多延期 {board.extension_max_count} 次，已达上限")
    if days is not None:
        if days < 1:
            raise DomainError("延期至少 1 个工作日", field="days")
        if ticket.extension_days + days > board.extension_max_days:
            left = board.extension_max_days - ticket.extension_days
            raise DomainError(f"延期累计不能超过 {board.extension_max_days} 个工作日（还可延期 {left} 个工作日）",
                              field="days")


@service
def ticket_extend(*, actor, ticket: Ticket, days: int, reason: str) -> Ticket:
    """延期申请: before the deadline, within the board's caps; the office approves it."""
    ticket = _locked(ticket)
    ticket_extend_check(actor=actor, ticket=ticket, days=days)
    reason = _text(reason, label="延期理由", field="reason", limit=REASON_MAX)
    ticket.extension_asked_days, ticket.extension_reason = days, reason
    ticket.save(update_fields=["extension_asked_days", "extension_reason"])
    _event(ticket, EventKind.EXTEND, actor=actor, note=f"{days} 个工作日：{reason}", unit_name=ticket.unit.name)
    audit_record(actor=actor, action=perms.EXTEND, target=ticket, details={"days": days, "reason": reason})
    return ticket


def ticket_answer_check(*, actor, ticket: Ticket) -> None:
    _own_unit(actor, ticket, "答复")
    if ticket.state == TicketState.PENDING:
        raise DomainError("请先签收再答复")
    _need(ticket, (TicketState.SIGNED, TicketState.HANDLING), "该诉求当前为“{state}”，不能答复")


def _tell(citizen_id: int, ticket: Ticket, title: str, body: str, key: str) -> None:
    citizen = get_user_model().objects.unscoped(reason="telling the citizen").get(pk=citizen_id)
    message_send(recipient=citizen, title=title, body=body[:200], link=f"/m/tickets/{ticket.pk}/",
                 kind="tickets.ticket", dedupe_key=key)


@service
def ticket_answer(*, actor, ticket: Ticket, answer: str) -> Ticket:
    """答复 to the citizen (and to those whose tickets were merged into this one); on time if before the deadline."""
    ticket = _locked(ticket)
    ticket_answer_check(actor=actor, ticket=ticket)
    answer = _text(answer, label="答复内容", field="answer", limit=CONTENT_MAX, multiline=True)
    now = timezone.now()
    ticket.state, ticket.answer, ticket.answered_at, ticket.answered_by_id = (
        TicketState.ANSWERED, answer, now, actor.account_id)
    ticket.on_time = now <= ticket.due_at
    ticket.save(update_fields=["state", "answer", "answered_at", "answered_by", "on_time"])
    _event(ticket, EventKind.ANSWER, actor=actor, note=answer, unit_name=ticket.unit.name)
    round_ = f"{ticket.reopen_count}"
    _tell(ticket.citizen_id, ticket, "您的诉求已收到答复", answer, f"tickets.{ticket.pk}.answer.{round_}")
    for merged in Ticket.objects.unscoped(reason="tickets merged into this one").filter(master_id=ticket.pk):
        _tell(merged.citizen_id, merged, "您的诉求已收到答复（已并单办理）", answer,
              f"tickets.{merged.pk}.answer.master.{round_}")
    audit_record(actor=actor, action=perms.ANSWER, target=ticket, details={"on_time": ticket.on_time})
    return ticket


def ticket_merge_check(*, actor, ticket: Ticket, master: Ticket | None = None) -> None:
    _own_unit(actor, ticket, "并单")
    _need(ticket, (TicketState.PENDING, TicketState.SIGNED, TicketState.HANDLING), "该诉求当前为“{state}”，不能并单")
    if master is not None:
        if master.pk == ticket.pk:
            raise DomainError("不能并入自身", field="master")
        if master.unit_id != ticket.unit_id:
            raise DomainError("只能并入本单位承办的诉求", field="master")
        if master.state == TicketState.MERGED:
            raise DomainError(f"诉求 {master.number} 已并入其他诉求，请并入主诉求", field="master")


@service
def ticket_merge(*, actor, ticket: Ticket, master: Ticket) -> Ticket:
    """并单: a duplicate joins a master ticket of the same unit; its citizen hears the master's answer."""
    ticket = _locked(ticket)
    master = _locked(master)
    ticket_merge_check(actor=actor, ticket=ticket, master=master)
    ticket.state, ticket.master = TicketState.MERGED, master
    ticket.save(update_fields=["state", "master"])
    moved = Ticket.objects.unscoped(reason="tickets merged into the duplicate follow it").filter(master_id=ticket.pk)
    moved.update(master=master)
    _event(ticket, EventKind.MERGE, actor=actor, note=f"并入 {master.number}", unit_name=ticket.unit.name)
    _event(master, EventKind.MERGE, actor=actor, note=f"{ticket.number} 并入本件", unit_name=ticket.unit.name)
    _tell(ticket.citizen_id, ticket, "您的诉求已与相同诉求合并办理", f"并入诉求 {master.number}，答复后将通知您",
          f"tickets.{ticket.pk}.merged")
    audit_record(actor=actor, action=perms.MERGE, target=ticket, details={"master": master.pk})
    return ticket


# --- the office ------------------------------------------------------------------------------------------


def _office(actor, ticket: Ticket) -> None:
    policy.require(actor, perms.TICKET_OVERSEE, ticket.office_path)


def ticket_return_decide_check(*, actor, ticket: Ticket) -> None:
    _office(actor, ticket)
    _need(ticket, (TicketState.RETURNED,), "该诉求当前为“{state}”，没有待审核的退单")


@service
def ticket_return_decide(*, actor, ticket: Ticket, reassign_to: Unit | None = None, opinion: str = "") -> Ticket:
    """The office reviews a 退单: 改派 to another unit (which receives it afresh, with a new deadline), or 驳回
    (back to the unit, in the state it was in)."""
    ticket = _locked(ticket)
    ticket_return_decide_check(actor=actor, ticket=ticket)
    opinion = _text(opinion, label="审核意见", field="opinion", limit=REASON_MAX, required=reassign_to is None)
    before = ticket.unit
    if reassign_to is not None:
        if reassign_to.pk == before.pk:
            raise DomainError("改派须选择其他单位", field="unit")
        if not reassign_to.is_active:
            raise DomainError(f"“{reassign_to.name}”已撤销", field="unit")
        office = ticket.office
        reach = office.parent.path if office.parent_id else office.path
        if not reassign_to.path.startswith(reach):
            raise NotVisible("单位不存在或不在您的管理范围内")
        now = timezone.now()
        ticket.unit, ticket.unit_path, ticket.state = reassign_to, reassign_to.path, TicketState.PENDING
        ticket.received_at, ticket.signed_at, ticket.signed_by = now, None, None
        ticket.return_until = _return_until(ticket.board, now)
        for key, value in _deadline(ticket.board, now, emergency=ticket.emergency).items():
            setattr(ticket, key, value)
        ticket.state_before = ""
        ticket.save()
        _event(ticket, EventKind.REASSIGN, actor=actor, note=f"{before.name} → {reassign_to.name}"
               + (f"：{opinion}" if opinion else ""), unit_name=ticket.office.name)
        arrival_alert(ticket)
        details = {"decision": "reassign", "unit": {"before": before.name, "after": reassign_to.name}}
    else:
        ticket.state, ticket.state_before = ticket.state_before or TicketState.PENDING, ""
        ticket.save(update_fields=["state", "state_before"])
        _event(ticket, EventKind.RETURN_REJECT, actor=actor, note=opinion, unit_name=ticket.office.name)
        details = {"decision": "reject", "opinion": opinion}
    audit_record(actor=actor, action=perms.RETURN_DECIDE, target=ticket, details=details)
    return ticket


def ticket_extend_decide_check(*, actor, ticket: Ticket) -> None:
    _office(actor, ticket)
    if not ticket.extension_pending:
        raise DomainError("没有待审核的延期申请")


@service
def ticket_extend_decide(*, actor, ticket: Ticket, approve: bool, opinion: str = "") -> Ticket:
    """The office approves (the deadline moves by the working days asked, the caps checked again) or refuses."""
    ticket = _locked(ticket)
    ticket_extend_decide_check(actor=actor, ticket=ticket)
    opinion = _text(opinion, label="审核意见", field="opinion", limit=REASON_MAX, required=not approve)
    days = ticket.extension_asked_days
    if approve:
        board = ticket.board
        if ticket.extension_count >= board.extension_max_count or ticket.extension_days + days > board.extension_max_days:
            raise DomainError("延期已超过该版块的上限，不能批准")
        before = ticket.due_at
        due = deadline(ticket.due_at, days, provisional_ok=True)
        ticket.due_at, ticket.due_provisional, ticket.calendar_version = due.value, due.provisional, due.calendar_version
        ticket.overdue_alerted_at = None
        ticket.extension_count += 1
        ticket.extension_days += days
        note = f"延期 {days} 个工作日，期限改为 {_local(ticket.due_at)}"
        details = {"approve": True, "days": days, "due_at": {"before": _local(before), "after": _local(ticket.due_at)}}
    else:
        note, details = opinion, {"approve": False, "opinion": opinion}
    ticket.extension_asked_days, ticket.extension_reason = None, ""
    ticket.save()
    _event(ticket, EventKind.EXTEND_OK if approve else EventKind.EXTEND_REJECT, actor=actor, note=note,
           unit_name=ticket.office.name)
    audit_record(actor=actor, action=perms.EXTEND_DECIDE, target=ticket, details=details)
    return ticket


# --- the citizen -----------------------------------------------------------------------------------------


@service
def ticket_rate(*, actor, ticket: Ticket, rating: str, note: str = "") -> Ticket:
    """回访: the citizen rates the answer. 不满意 sends it back to the unit with a new deadline (the count kept)."""
    ticket = _locked(ticket)
    if ticket.citizen_id != getattr(actor, "account_id", None):
        raise NotVisible("诉求不存在")
    _need(ticket, (TicketState.ANSWERED,), "该诉求当前为“{state}”，不能评价")
    if rating not in Rating.values:
        raise DomainError("请选择满意度", field="rating")
    note = _text(note, label="评价说明", field="note", limit=REASON_MAX, required=rating == Rating.UNSATISFIED)
    now = timezone.now()
    ticket.rating, ticket.rating_note, ticket.rated_at = rating, note, now
    if rating == Rating.UNSATISFIED:
        ticket.state, ticket.reopen_count, ticket.on_time = TicketState.HANDLING, ticket.reopen_count + 1, None
        for key, value in _deadline(ticket.board, now, emergency=False).items():
            setattr(ticket, key, value)
        _event(ticket, EventKind.REOPEN, actor=actor, note=note)
        arrival_alert(ticket)
    else:
        ticket.state = TicketState.VISITED
        _event(ticket, EventKind.RATE, actor=actor, note=f"{Rating(rating).label}" + (f"：{note}" if note else ""))
    ticket.save()
    audit_record(actor=actor, action=perms.RATE, target=ticket,
                 details={"rating": rating, "reopened": rating == Rating.UNSATISFIED, "reopen_count": ticket.reopen_count})
    return ticket


