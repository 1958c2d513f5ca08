"""Reads of tickets. A citizen sees their own tickets only; staff see the tickets handled in their scope
(``tickets.ticket.view`` over the handling unit) and, for the boards their unit manages, those of the office
(``tickets.ticket.oversee`` over the board's managing unit). Anything else answers like a missing row."""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.modules import Todo
from fenji.core.kernel.pagination import LIST_COUNT_LIMIT, PAGE_SIZE, Page, union_newest_first_page

from . import permissions as perms
from .models import OPEN_STATES, Board, Rating, Ticket, TicketState

MISSING = "诉求不存在或不在您的管理范围内"
PUBLIC_STATES = (TicketState.ANSWERED, TicketState.VISITED)
LIMIT = 50


# --- boards ----------------------------------------------------------------------------------------------


def board_list_open():
    """The boards a citizen may file on."""
    return (Board.objects.unscoped(reason="open boards are offered to every citizen").filter(active=True)
            .select_related("unit").order_by("name"))


def board_get_open(*, pk) -> Board:
    board = board_list_open().filter(pk=pk).first()
    if board is None:
        raise NotVisible("版块不存在或已停用")
    return board


def board_list(*, actor):
    """The boards managed by units in the actor's scope."""
    return (Board.objects.unscoped(reason="boards are scoped by their managing unit")
            .filter(actor.scope_q(perms.BOARD_MANAGE, "office_path")).select_related("unit", "office").order_by("name"))


def board_get(*, actor, pk) -> Board:
    board = board_list(actor=actor).filter(pk=pk).first()
    if board is None:
        raise NotVisible("版块不存在或不在您的管理范围内")
    return board


# --- the citizen's own -----------------------------------------------------------------------------------


def ticket_list_mine(*, account):
    return (Ticket.objects.unscoped(reason="the citizen's own tickets").filter(citizen_id=account.pk)
            .select_related("board", "unit").order_by("-id"))


def ticket_get_mine(*, account, pk) -> Ticket:
    """One of the account's own tickets; another citizen's answers like a missing one."""
    ticket = ticket_list_mine(account=account).filter(pk=pk).select_related("master").first()
    if ticket is None:
        raise NotVisible("诉求不存在", target_type="tickets.ticket", target_id=pk)
    return ticket


# --- staff -----------------------------------------------------------------------------------------------


def _staff_q(actor) -> Q:
    return actor.scope_q(perms.TICKET_VIEW) | actor.scope_q(perms.TICKET_OVERSEE, "office_path")


def _narrowed(rows, *, state: str, overdue: bool, board):
    if state in TicketState.values:
        rows = rows.filter(state=state)
    if overdue:
        rows = rows.filter(state__in=OPEN_STATES, due_at__lt=timezone.now())
    if board is not None:
        rows = rows.filter(board=board)
    return rows


def ticket_list(*, actor, state: str = "", overdue: bool = False, board=None):
    rows = (Ticket.objects.unscoped(reason="scoped by the handling unit or the managing unit").filter(_staff_q(actor))
            .select_related("board", "unit"))
    return _narrowed(rows, state=state, overdue=overdue, board=board).order_by("-id")


def ticket_page(*, actor, state: str = "", overdue: bool = False, board=None, after: str = "", page: int | None = None,
                size: int = PAGE_SIZE, total=None, count_limit: int = LIST_COUNT_LIMIT) -> Page:
    """A page of ``ticket_list`` newest first, the same rows, with the count capped at ``count_limit`` unless
    ``total`` is given. Read per scope segment (the handling unit's paths, the managing unit's paths:
    ``policy.scope_segments``), each an index range on ``(unit_path, id)`` or ``(office_path, id)`` in id order,
    merged: a department's first page reads its newest rows instead of sorting all its tickets (bench, issue 15)."""
    rows = _narrowed(Ticket.objects.unscoped(reason="each part is one scope segment of ticket_list"),
                     state=state, overdue=overdue, board=board)
    parts = [rows.filter(q) for q in (policy.scope_segments(actor, perms.TICKET_VIEW)
                                      + policy.scope_segments(actor, perms.TICKET_OVERSEE, "office_path"))]
    return union_newest_first_page(
        parts, after=after, page=page, size=size, total=total, count_limit=count_limit,
        rows_for=lambda ids: Ticket.objects.unscoped(reason="ids just read in scope").filter(pk__in=ids)
        .select_related("board", "unit"))


def ticket_get(*, actor, pk) -> Ticket:
    ticket = ticket_list(actor=actor).filter(pk=pk).select_related("office", "master", "citizen__person").first()
    if ticket is None:
        raise NotVisible(MISSING, target_type="tickets.ticket", target_id=pk)
    return ticket


def ticket_photos(ticket: Ticket):
    """The photos of a ticket already shown to the actor (they are the ticket's, whoever uploaded them)."""
    return ticket.photos.unscoped(reason="the photos of a ticket already shown").order_by("id")


def ticket_photo(ticket: Ticket, pk: int):
    """A photo of a ticket already shown to the actor."""
    photo = ticket_photos(ticket).filter(pk=pk).first()
    if photo is None:
        raise NotVisible("照片不存在")
    return photo


def ticket_list_merged(ticket: Ticket):
    """The duplicates merged into a ticket already shown to the actor."""
    return Ticket.objects.unscoped(reason="duplicates of a ticket in scope").filter(master_id=ticket.pk).order_by("id")


def review_list(*, actor):
    """退单 and 延期 awaiting the office: tickets of the boards the actor's scope manages."""
    return (Ticket.objects.unscoped(reason="scoped by the managing unit")
            .filter(actor.scope_q(perms.TICKET_OVERSEE, "office_path"))
            .filter(Q(state=TicketState.RETURNED) | Q(extension_asked_days__isnull=False))
            .select_related("board", "unit").order_by("id"))


def merge_candidates(ticket: Ticket):
    """Open tickets of the same unit a duplicate may join (newest first)."""
    return (Ticket.objects.unscoped(reason="the same unit's tickets, the ticket being in scope")
            .filter(unit_id=ticket.unit_id).exclude(pk=ticket.pk).exclude(state=TicketState.MERGED)
            .order_by("-id")[:LIMIT])


# --- public ----------------------------------------------------------------------------------------------

_NUMBERS = re.compile(r"\d{7,}[\dXx]*")


def mask_numbers(text: str) -> str:
    """Long runs of digits (phone, ID numbers) a citizen may have typed are never shown publicly."""
    return _NUMBERS.sub(lambda m: m.group(0)[:3] + "*" * (len(m.group(0)) - 3), text or "")


def ticket_list_public():
    """Answered tickets whose citizen agreed to a public reply: board, content and answer, nobody's name."""
    return (Ticket.objects.unscoped(reason="replies the citizens agreed to show").filter(
        public_ok=True, state__in=PUBLIC_STATES).select_related("board", "unit").only(
        "id", "content", "answer", "answered_at", "created_at", "state", "board__name", "unit__name")
        .order_by("-answered_at", "-id"))


# --- to-dos ----------------------------------------------------------------------------------------------


def ticket_counts(actor) -> str:
    """The dashboard tile: open tickets of the actor's own unit, and how many of them are overdue."""
    rows = Ticket.objects.visible_to(actor, perms.TICKET_HANDLE).filter(unit_id=actor.unit_id, state__in=OPEN_STATES)
    counts = rows.aggregate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=timezone.now())))
    return f"{counts['open']}（超期 {counts['overdue']}）" if counts["overdue"] else str(counts["open"])


def ticket_todos(actor) -> list[Todo]:
    """Tickets of the actor's own unit to sign and to answer (overdue ones first on the list)."""
    rows = (Ticket.objects.visible_to(actor, perms.TICKET_HANDLE)
            .filter(unit_id=actor.unit_id, state__in=(TicketState.PENDING, TicketState.SIGNED, TicketState.HANDLING))
            .select_related("board", "unit").order_by("due_at")[:LIMIT])
    todos = []
    for t in rows:
        if t.state == TicketState.PENDING:
            todos.append(Todo("tickets.sign", "待签收诉求", f"{t.board.name}：{t.content[:30]}", f"/tickets/{t.pk}/",
                              t.due_at, t.unit.name, "tickets:list"))
        else:
            todos.append(Todo("tickets.answer", "待答复诉求", f"{t.board.name}：{t.content[:30]}", f"/tickets/{t.pk}/",
                              t.due_at, t.unit.name, "tickets:list"))
    return todos


def review_todos(actor) -> list[Todo]:
    """For the office: 退单 and 延期 to review, and the tickets of its boards gone past their deadline."""
    todos = [Todo("tickets.review", "待审核退单延期", f"{t.board.name}（{t.unit.name}）：{t.content[:30]}",
                  f"/tickets/{t.pk}/", t.due_at, t.unit.name, "tickets:reviews") for t in review_list(actor=actor)[:LIMIT]]
    overdue = (Ticket.objects.unscoped(reason="scoped by the managing unit")
               .filter(actor.scope_q(perms.TICKET_OVERSEE, "office_path"), state__in=OPEN_STATES,
                       due_at__lt=timezone.now()).exclude(state=TicketState.RETURNED)
               .select_related("board", "unit").order_by("due_at")[:LIMIT])
    todos += [Todo("tickets.overdue", "超期未办结诉求", f"{t.board.name}（{t.unit.name}）：{t.content[:30]}",
                   f"/tickets/{t.pk}/", t.due_at, t.unit.name, "tickets:list") for t in overdue]
    return todos


# --- the report ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    unit_name: str
    total: int
    signed: int
    answered: int
    on_time: int
    overdue_open: int
    rated: int
    satisfied: int
    reopened: int
    response_hours: float | None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.answered if self.answered else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


def ticket_report(*, actor, start: datetime.date, end: datetime.date) -> list[ReportRow]:
    """Per handling unit, of the tickets the actor sees (``ticket_list``) filed in [start, end]: count, mean time to sign
    (hours), answered on time, overdue still open, satisfaction (满意 + 基本满意 of those rated) — one grouped
    query, busiest first."""
    low = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    high = timezone.make_aware(datetime.datetime.combine(end, datetime.time.max))
    now = timezone.now()
    response = ExpressionWrapper(F("signed_at") - F("received_at"), output_field=DurationField())
    rows = (ticket_list(actor=actor).filter(created_at__gte=low, created_at__lte=high)
            .exclude(state=TicketState.MERGED).order_by().values("unit_id", "unit__name")
            .annotate(total=Count("id"), signed=Count("id", filter=Q(signed_at__isnull=False)),
                      answered=Count("id", filter=Q(answered_at__isnull=False)),
                      on_time=Count("id", filter=Q(on_time=True)),
                      overdue_open=Count("id", filter=Q(state__in=OPEN_STATES, due_at__lt=now)),
                      rated=Count("id", filter=~Q(rating="")),
                      satisfied=Count("id", filter=Q(rating__in=(Rating.SATISFIED, Rating.BASIC))),
                      reopened=Count("id", filter=Q(reopen_count__gt=0)),
                      response=Avg(response, filter=Q(signed_at__isnull=False)))
            .order_by("-total", "unit__name"))
    return [ReportRow(r["unit__name"], r["total"], r["signed"], r["answered"], r["on_time"], r["overdue_open"],
                      r["rated"], r["satisfied"], r["reopened"],
                      round(r["response"].total_seconds() / 3600, 1) if r["response"] is not None else None)
            for r in rows]
