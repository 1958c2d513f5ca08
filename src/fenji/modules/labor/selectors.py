"""Reads of the requirement tickets, always scoped: a ticket reaches a person by one of three roads — the applying
department's subtree (``TICKET_VIEW``: the department, its bureau and the prefecture above, the information centre
with its grant at the top), the counterpart department named on it (``TICKET_REVIEW``), or the vendor company it
was handed to (``TICKET_WORK``: a vendor's accounts see those tickets and nothing else). Out of reach answers like
missing."""

import datetime

from django.db.models import Q
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.modules import Todo

from . import module as perms
from .models import CLOSED_STATES, VENDOR_STATES, SignSide, Ticket, TicketState
from .services import test_sides

S = TicketState


def _reachable(actor):
    return (Ticket.objects.visible_to(actor, perms.TICKET_VIEW)
            | Ticket.objects.visible_to(actor, perms.TICKET_REVIEW, field="review_unit__path")
            | Ticket.objects.visible_to(actor, perms.TICKET_WORK, field="vendor_unit__path"))


def overdue_q(today: datetime.date | None = None) -> Q:
    """Development past its due date (still developing or in the internal test), or a business test past its."""
    today = today or timezone.localdate()
    return (Q(state__in=(S.DEVELOPING, S.INTERNAL_TEST), dev_due__lt=today)
            | Q(state=S.BUSINESS_TEST, test_due__lt=today))


def ticket_list(*, actor, state: str = "", subsystem: str = "", text: str = "", overdue: bool = False,
                year: int | None = None, unit=None):
    rows = _reachable(actor).select_related("unit", "review_unit", "vendor_unit", "filer__person")
    if unit is not None:
        rows = rows.filter(unit_path__startswith=unit.path)
    if state == "open":
        rows = rows.exclude(state__in=CLOSED_STATES)
    elif state:
        rows = rows.filter(state=state)
    if subsystem:
        rows = rows.filter(subsystem=subsystem)
    if text:
        rows = rows.filter(Q(title__contains=text) | Q(number__contains=text) | Q(description__contains=text))
    if overdue:
        rows = rows.filter(overdue_q())
    if year:
        rows = rows.filter(created_at__year=year)
    return rows


def ticket_get(*, actor, pk) -> Ticket:
    ticket = ticket_list(actor=actor).filter(pk=pk).first() if str(pk).isdigit() else None
    if ticket is None:
        raise NotVisible("业务需求不存在或不在您的范围内", target_type=Ticket._meta.label_lower, target_id=pk)
    return ticket


def ticket_basis(ticket: Ticket):
    """The policy files of a ticket already shown to the actor."""
    return ticket.basis.unscoped(reason="the policy files of a ticket already shown").order_by("id")


def ticket_counts(rows) -> dict:
    today = timezone.localdate()
    return {"total": rows.count(), "open": rows.exclude(state__in=CLOSED_STATES).count(),
            "released": rows.filter(state=S.RELEASED).count(), "overdue": rows.filter(overdue_q(today)).count()}


def is_overdue(ticket: Ticket, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    if ticket.state in (S.DEVELOPING, S.INTERNAL_TEST):
        return ticket.dev_due is not None and ticket.dev_due < today
    return ticket.state == S.BUSINESS_TEST and ticket.test_due is not None and ticket.test_due < today


def steps_open_to(actor, ticket: Ticket) -> list[str]:
    """The steps ``actor`` may take on ``ticket`` now (the page shows their forms; the services check again)."""
    state = ticket.state
    if state == S.DRAFT:
        return ["edit", "submit"] if policy.can(actor, perms.TICKET_FILE, ticket.unit_path) else []
    if state == S.DEPT_REVIEW:
        return ["sign"] if policy.can(actor, perms.TICKET_SIGN, ticket.unit_path) else []
    if state == S.UPPER_REVIEW:
        return ["review"] if ticket.review_unit_id and policy.can(actor, perms.TICKET_REVIEW,
                                                                   ticket.review_unit.path) else []
    if state in (S.INTAKE, S.SCHEDULING):
        return [state] if policy.can(actor, perms.TICKET_DISPATCH, ticket.unit_path) else []
    if state in VENDOR_STATES:
        return [state] if ticket.vendor_unit_id and policy.can(actor, perms.TICKET_WORK, ticket.vendor_unit.path) else []
    if state == S.BUSINESS_TEST:
        signed = set(ticket.tests.filter(round=ticket.test_round).values_list("side", flat=True))
        sides = [side for side in test_sides(actor, ticket) if side not in signed]
        return ["business_test"] if sides and ticket.developer_id != actor.account_id else []
    return []


def open_test_sides(actor, ticket: Ticket) -> list[tuple[str, str]]:
    signed = set(ticket.tests.filter(round=ticket.test_round).values_list("side", flat=True))
    return [(side, SignSide(side).label) for side in test_sides(actor, ticket) if side not in signed]


def _waiting_q(actor) -> Q:
    """The tickets waiting for ``actor`` (one filter: the same rules as ``steps_open_to``)."""
    me = actor.account_id
    q = Q(state=S.DRAFT, filer_id=me) & Q(steps__isnull=False)  # returned to its filer
    q |= Q(state=S.DEPT_REVIEW) & policy.scope_q(actor, perms.TICKET_SIGN)
    q |= Q(state=S.UPPER_REVIEW) & policy.scope_q(actor, perms.TICKET_REVIEW, "review_unit__path")
    q |= Q(state__in=(S.INTAKE, S.SCHEDULING)) & policy.scope_q(actor, perms.TICKET_DISPATCH)
    q |= Q(state__in=VENDOR_STATES) & policy.scope_q(actor, perms.TICKET_WORK, "vendor_unit__path")
    q |= (Q(state=S.BUSINESS_TEST) & ~Q(developer_id=me)
          & (policy.scope_q(actor, perms.TICKET_DISPATCH) | (Q(unit_id=actor.unit_id) & policy.scope_q(
              actor, perms.TICKET_FILE))))
    return q


LABELS = {S.DRAFT: "业务需求被退回，请修改后重新提交", S.DEPT_REVIEW: "业务需求待签批", S.UPPER_REVIEW: "县（市）业务需求待审核",
          S.INTAKE: "业务需求待受理", S.SCHEDULING: "业务需求待排期", S.ASSESSING: "业务需求待评估",
          S.DEVELOPING: "业务需求待开发", S.INTERNAL_TEST: "业务需求待内部测试", S.BUSINESS_TEST: "业务需求待业务测试",
          S.RELEASE_PLAN: "业务需求待制定发布计划", S.RELEASING: "业务需求待登记发布结果"}


def ticket_todos(actor) -> list[Todo]:
    rows = (_reachable(actor).filter(_waiting_q(actor)).distinct().select_related("unit").order_by("id")[:50])
    todos = []
    for ticket in rows:
        if ticket.state == S.BUSINESS_TEST and not open_test_sides(actor, ticket):
            continue  # this side has signed the round already
        due = ticket.dev_due if ticket.state in (S.DEVELOPING, S.INTERNAL_TEST) else \
            ticket.test_due if ticket.state == S.BUSINESS_TEST else None
        due_at = timezone.make_aware(datetime.datetime.combine(due, datetime.time(17, 30))) if due else None
        todos.append(Todo("labor.ticket", LABELS[ticket.state], f"{ticket.number or '未编号'} {ticket.title}",
                          f"/labor/tickets/{ticket.pk}/", due_at, ticket.unit.name, "labor:tickets"))
    return todos


def ledger_rows(rows):
    """The information centre's ledger: every ticket with its dates and the days each stage took."""
    def days(start, end):
        return (end - start).days if start and end else None

    for ticket in rows:
        yield {"ticket": ticket, "to_centre": days(ticket.submitted_at, ticket.accepted_at),
               "development": days(ticket.scheduled_at, ticket.developed_at),
               "testing": days(ticket.developed_at, ticket.business_passed_at),
               "total": days(ticket.submitted_at, ticket.released_at), "overdue": is_overdue(ticket)}
