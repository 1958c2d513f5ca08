"""Reads of the petition register, each within the reader's scope; the petitioner only for the registrar and the
handlers of that petition (anyone else: ``NotVisible``, like a missing row, and audited as a refusal)."""

import datetime

from django.db.models import BooleanField, Count, Prefetch, Q, Value, When
from django.db.models import Case as Cases
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.modules import Todo

from . import module as perms
from .models import (
    OPEN_STATES,
    Appeal,
    Case,
    CaseState,
    Clue,
    ClueHandler,
    ClueState,
    Petition,
    Petitioner,
    PetitionState,
    Recusal,
    Sanction,
    Source,
    UpwardReport,
)


def not_recused(rows, actor, item: str):
    """``rows`` without the items ``actor`` recused from (``item``: "petition", "clue" or "case"): for them the
    item is as if it did not exist."""
    if actor.account_id is None:
        return rows
    mine = Recusal.objects.unscoped(reason="the reader's own recusals").filter(
        account_id=actor.account_id, **{f"{item}__isnull": False}).values(item)
    return rows.exclude(pk__in=mine)


def recusals_of(item) -> list[Recusal]:
    """Who recused from ``item`` (already read within the reader's scope), oldest first."""
    return list(item.recusals.unscoped(reason="shown with an item the reader sees").select_related(
        "account__person").order_by("declared_at"))


def petition_list(*, actor, action: str = perms.PETITION_VIEW, unit=None, state: str = "", category: str = "",
                  overdue: bool = False, start: datetime.date | None = None, end: datetime.date | None = None,
                  number: str = ""):
    rows = not_recused(Petition.objects.visible_to(actor, action).select_related("unit"), actor, "petition")
    if unit is not None:
        rows = rows.filter(unit_path__startswith=unit.path)
    if state in PetitionState.values:
        rows = rows.filter(state=state)
    if category:
        rows = rows.filter(category=category)
    if start is not None:
        rows = rows.filter(received_on__gte=start)
    if end is not None:
        rows = rows.filter(received_on__lte=end)
    if number:
        rows = rows.filter(number__icontains=number)
    if overdue:
        rows = rows.filter(overdue_q(timezone.localdate()))
    return rows


def overdue_q(today: datetime.date) -> Q:
    """Past a deadline and not done: registration of a transferred petition, the acceptance notice, the feedback."""
    return (Q(state=PetitionState.TO_SIGN, register_due__lt=today)
            | Q(notice_due__lt=today, notice_on__isnull=True) & ~Q(state=PetitionState.RETURNED)
            | Q(feedback_due__lt=today, feedback_on__isnull=True))


def petition_get(*, actor, pk, action: str = perms.PETITION_VIEW) -> Petition:
    petition = petition_list(actor=actor, action=action).filter(pk=pk).first() if str(pk).isdigit() else None
    if petition is None:
        raise NotVisible("信访件不存在或不在您的管理范围内", target_type=Petition._meta.label_lower, target_id=pk)
    return petition


def is_handler(actor, petition: Petition) -> bool:
    """The registrar, the handlers added to it, and — for a petition transferred in, which arrives at a unit, not
    at a person — the petition officers of the receiving unit itself (not those above it)."""
    if petition.registered_by_id == actor.account_id:
        return True
    if (petition.source == Source.TRANSFERRED and actor.unit_id == petition.unit_id
            and policy.can(actor, perms.PETITION_HANDLE, petition.unit_path)):
        return True
    return petition.handlers.unscoped(reason="is the actor among this petition's handlers").filter(
        pk=actor.account_id).exists()


def handled_q(actor) -> Q:
    """The petitions ``actor`` handles (``is_handler`` as a query): registered by them, them among the handlers, or
    transferred in to their own unit when they handle petitions there."""
    mine = Q(registered_by_id=actor.account_id) | Q(handlers=actor.account_id)
    if actor.unit_id is not None and policy.can(actor, perms.PETITION_HANDLE, actor.unit_path):
        mine |= Q(source=Source.TRANSFERRED, unit_id=actor.unit_id)
    return mine


def petitions_of_petitioner(*, actor, rows, phone: str):
    """Among ``rows`` (a scoped petition list), the petitions of the petitioner whose phone is ``phone`` that
    ``actor`` handles — a handler finds the person's other petitions, nobody finds a petitioner elsewhere (an
    anonymous petition has none). The caller audits the search (§3)."""
    if actor.account_id is None:
        return rows.none()
    # a subquery, not a join: a petition with several handlers must still count once in the statistics
    mine = Petition.objects.unscoped(reason="narrowed to the reader's scoped rows").filter(
        handled_q(actor), petitioner__phone=phone).values("pk")
    return rows.filter(pk__in=mine)


def petitioner_get(*, actor, petition: Petition) -> Petitioner | None:
    """The petitioner, for the registrar and the handlers of this petition only (§3: never to anyone else, the
    units above included). None for an anonymous petition."""
    if not is_handler(actor, petition):
        raise NotVisible("信访人信息不存在或您不是该件的承办人", target_type=Petitioner._meta.label_lower,
                         target_id=petition.pk)
    return Petitioner.objects.filter(petition=petition).first()


def petition_counts(rows) -> dict:
    """By state and category, and how many are overdue or entered afterwards, among ``rows`` (the statistics of
    a unit's subtree): ONE grouped read over the matching petitions, the totals summed from its few groups."""
    groups = (rows.order_by().values_list("state", "category")
              .annotate(n=Count("id"), overdue=Count("id", filter=overdue_q(timezone.localdate())),
                        backfilled=Count("id", filter=Q(backfilled=True))))
    by_state, by_category, overdue, backfilled = {}, {}, 0, 0
    for state, category, n, late, entered_after in groups:
        by_state[state] = by_state.get(state, 0) + n
        by_category[category] = by_category.get(category, 0) + n
        overdue, backfilled = overdue + late, backfilled + entered_after
    return {"total": sum(by_state.values()),
            "states": [(label, by_state.get(value, 0)) for value, label in PetitionState.choices],
            "overdue": overdue, "categories": by_category, "backfilled": backfilled}


def state_counts(rows, states) -> dict:
    """``{"total": n, "states": [(label, n), …]}`` among ``rows``, every state of ``states`` listed (0 when none)."""
    by_state = dict(rows.order_by().values_list("state").annotate(n=Count("id")))
    return {"total": sum(by_state.values()), "states": [(label, by_state.get(value, 0)) for value, label in states]}


def upward_list(*, actor):
    return UpwardReport.objects.visible_to(actor, perms.UPWARD_REPORT).select_related("unit", "created_by__person")


def upward_get(*, actor, pk) -> UpwardReport:
    report = upward_list(actor=actor).filter(pk=pk).first() if str(pk).isdigit() else None
    if report is None:
        raise NotVisible("上报任务不存在或不在您的管理范围内", target_type=UpwardReport._meta.label_lower, target_id=pk)
    return report


def _due_at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(17, 30)))


def petition_todos(actor) -> list[Todo]:
    """What the actor's own unit owes: transferred petitions to register and decide, acceptance notices and
    feedback due, upward reports to send."""
    rows = petition_list(actor=actor, action=perms.PETITION_HANDLE).filter(unit_id=actor.unit_id)
    todos = []
    for p in rows.filter(state=PetitionState.TO_SIGN).order_by("register_due")[:50]:
        todos.append(Todo("discipline.register", "待登记受理的转送件", p.number, f"/discipline/petitions/{p.pk}/",
                          _due_at(p.register_due), p.unit.name, "discipline:petitions"))
    for p in rows.filter(notice_due__isnull=False, notice_on__isnull=True, state__in=OPEN_STATES).order_by(
            "notice_due")[:50]:
        todos.append(Todo("discipline.notice", "待受理告知的实名件", p.number, f"/discipline/petitions/{p.pk}/",
                          _due_at(p.notice_due), p.unit.name, "discipline:petitions"))
    for p in rows.filter(feedback_due__isnull=False, feedback_on__isnull=True).order_by("feedback_due")[:50]:
        todos.append(Todo("discipline.feedback", "待反馈的实名件", p.number, f"/discipline/petitions/{p.pk}/",
                          _due_at(p.feedback_due), p.unit.name, "discipline:petitions"))
    for r in upward_list(actor=actor).filter(unit_id=actor.unit_id, done_on__isnull=True).order_by("due_on")[:20]:
        todos.append(Todo("discipline.upward", "待径送上级的事项", r.reference, f"/discipline/upward/{r.pk}/",
                          _due_at(r.due_on), r.unit.name, "discipline:upward"))
    return todos


def clue_list(*, actor, action: str = perms.CLUE_VIEW, unit=None, state: str = "", source: str = "",
              disposal: str = "", start: datetime.date | None = None, end: datetime.date | None = None,
              number: str = "", overdue: bool = False):
    """The central ledger of clues (线索台账) in the reader's scope."""
    rows = not_recused(Clue.objects.visible_to(actor, action).select_related("unit", "petition"), actor, "clue")
    if unit is not None:
        rows = rows.filter(unit_path__startswith=unit.path)
    if state in ClueState.values:
        rows = rows.filter(state=state)
    if source:
        rows = rows.filter(source=source)
    if disposal:
        rows = rows.filter(disposal=disposal)
    if start is not None:
        rows = rows.filter(received_on__gte=start)
    if end is not None:
        rows = rows.filter(received_on__lte=end)
    if number:
        rows = rows.filter(number__icontains=number)
    if overdue:
        rows = rows.filter(clue_overdue_q(timezone.localdate()))
    return rows


def clue_overdue_q(today: datetime.date) -> Q:
    """A disposal whose report is past its due date and not in, or a 谈话函询 past its day to be concluded."""
    return Q(state=ClueState.DISPOSED) & (Q(report_due__lt=today, report__isnull=True) | Q(conclude_due__lt=today))


def with_overdue(rows):
    """``rows`` (clues) each with ``overdue`` (``clue_overdue_q`` today), for the ledger's pages and Excel."""
    return rows.annotate(overdue=Cases(When(clue_overdue_q(timezone.localdate()), then=Value(True)), default=Value(False),
                                      output_field=BooleanField()))


def clue_is_overdue(clue: Clue, today: datetime.date) -> bool:
    if clue.state != ClueState.DISPOSED:
        return False
    return bool(clue.report_due and clue.report_due < today and not hasattr(clue, "report")
                or clue.conclude_due and clue.conclude_due < today)


def clue_get(*, actor, pk, action: str = perms.CLUE_VIEW) -> Clue:
    clue = clue_list(actor=actor, action=action).filter(pk=pk).first() if str(pk).isdigit() else None
    if clue is None:
        raise NotVisible("问题线索不存在或不在您的管理范围内", target_type=Clue._meta.label_lower, target_id=pk)
    return clue


def clue_counts(rows) -> dict:
    by_disposal = dict(rows.order_by().exclude(disposal="").values_list("disposal").annotate(n=Count("id")))
    return {**state_counts(rows, ClueState.choices), "disposals": by_disposal,
            "overdue": rows.filter(clue_overdue_q(timezone.localdate())).count()}


def clue_handlers(clue: Clue) -> list[ClueHandler]:
    """The clue's handlers with their signatures (already fetched with a page of clues: ``with_handlers``)."""
    if hasattr(clue, "handler_rows"):
        return clue.handler_rows
    return list(ClueHandler.objects.filter(clue=clue).select_related("account__person").order_by("id"))


def with_handlers(rows):
    """``rows`` (clues) fetching every clue's handlers in one more query, not one per clue."""
    return rows.prefetch_related(Prefetch("handlers", to_attr="handler_rows",
                                          queryset=ClueHandler.objects.select_related("account__person").order_by("id")))


def clue_todos(actor) -> list[Todo]:
    """Assignments waiting for the principal leader, clues assigned to the actor, signatures the actor owes."""
    todos = []
    if actor.holds(perms.CLUE_APPROVE):
        for c in clue_list(actor=actor, action=perms.CLUE_APPROVE).filter(state=ClueState.PROPOSED)[:50]:
            todos.append(Todo("discipline.clue.approve", "待审批分办的问题线索", c.number,
                              f"/discipline/clues/{c.pk}/", None, c.unit.name, "discipline:clues"))
    if actor.holds(perms.CLUE_MANAGE):
        rows, me = clue_list(actor=actor, action=perms.CLUE_MANAGE), actor.account_id
        for c in rows.filter(state=ClueState.ASSIGNED, handlers__account_id=me)[:50]:
            todos.append(Todo("discipline.clue.dispose", "分办给我的问题线索", c.number, f"/discipline/clues/{c.pk}/",
                              None, c.unit.name, "discipline:clues"))
        for c in rows.filter(state=ClueState.SIGNING, handlers__account_id=me, handlers__signed_at__isnull=True)[:50]:
            todos.append(Todo("discipline.clue.sign", "待我签字的线索处置意见", c.number, f"/discipline/clues/{c.pk}/",
                              None, c.unit.name, "discipline:clues"))
        mine = rows.filter(state=ClueState.DISPOSED, handlers__account_id=me)
        for c in mine.filter(report_due__isnull=False, report__isnull=True).order_by("report_due")[:50]:
            todos.append(Todo("discipline.clue.report", "待提交函询回复、谈话记录或核实报告的问题线索", c.number,
                              f"/discipline/clues/{c.pk}/", _due_at(c.report_due), c.unit.name, "discipline:clues"))
        for c in mine.filter(conclude_due__isnull=False).order_by("conclude_due")[:50]:
            todos.append(Todo("discipline.clue.conclude", "待了结的谈话函询线索", c.number, f"/discipline/clues/{c.pk}/",
                              _due_at(c.conclude_due), c.unit.name, "discipline:clues"))
    if actor.holds(perms.CLUE_APPROVE):
        for c in clue_list(actor=actor, action=perms.CLUE_APPROVE).filter(extension__approved__isnull=True,
                                                                          extension__isnull=False)[:50]:
            todos.append(Todo("discipline.clue.extension", "待审批延期的初步核实", c.number,
                              f"/discipline/clues/{c.pk}/", None, c.unit.name, "discipline:clues"))
    return todos


def case_list(*, actor, action: str = perms.CASE_VIEW, unit=None, state: str = "", case_type: str = "",
              overdue: bool = False, start: datetime.date | None = None, end: datetime.date | None = None,
              number: str = ""):
    """The cases (案件台账) in the reader's scope; ``start``/``end`` bound the 呈批 date."""
    rows = not_recused(Case.objects.visible_to(actor, action).select_related("unit", "clue"), actor, "case")
    if unit is not None:
        rows = rows.filter(unit_path__startswith=unit.path)
    if state in CaseState.values:
        rows = rows.filter(state=state)
    if case_type:
        rows = rows.filter(case_type=case_type)
    if start is not None:
        rows = rows.filter(proposed_on__gte=start)
    if end is not None:
        rows = rows.filter(proposed_on__lte=end)
    if number:
        rows = rows.filter(number__icontains=number)
    if overdue:
        rows = rows.filter(case_overdue_q(timezone.localdate()))
    return rows


def case_overdue_q(today: datetime.date) -> Q:
    """An investigation or a review past its limit."""
    return (Q(state=CaseState.INVESTIGATING, investigation_due__lt=today)
            | Q(state=CaseState.REVIEW, review_due__lt=today))


def case_get(*, actor, pk, action: str = perms.CASE_VIEW) -> Case:
    case = case_list(actor=actor, action=action).filter(pk=pk).first() if str(pk).isdigit() else None
    if case is None:
        raise NotVisible("案件不存在或不在您的管理范围内", target_type=Case._meta.label_lower, target_id=pk)
    return case


def case_counts(rows) -> dict:
    return {**state_counts(rows, CaseState.choices), "overdue": rows.filter(case_overdue_q(timezone.localdate())).count(),
            "sanctioned": Sanction.objects.filter(case__in=rows.order_by().values("pk")).count()}


def case_sanctions(case: Case) -> list[Sanction]:
    return list(Sanction.objects.filter(case=case).select_related("subject").order_by("id"))


def case_appeals(case: Case) -> list[Appeal]:
    return list(Appeal.objects.filter(case=case).order_by("id"))


def case_todos(actor) -> list[Todo]:
    """Filings waiting for the principal leader; for the case officers of the unit: approved filings to record,
    investigations and reviews with their limits, appeals to answer."""
    todos = []
    if actor.holds(perms.CASE_APPROVE):
        for c in case_list(actor=actor, action=perms.CASE_APPROVE).filter(state=CaseState.PROPOSED)[:50]:
            todos.append(Todo("discipline.case.approve", "待审批立案的案件", c.number, f"/discipline/cases/{c.pk}/",
                              None, c.unit.name, "discipline:cases"))
    if actor.holds(perms.CASE_MANAGE):
        rows = case_list(actor=actor, action=perms.CASE_MANAGE).filter(unit_id=actor.unit_id)
        for c in rows.filter(state=CaseState.APPROVED)[:50]:
            todos.append(Todo("discipline.case.file", "待报同级党委批准立案的案件", c.number,
                              f"/discipline/cases/{c.pk}/", None, c.unit.name, "discipline:cases"))
        for c in rows.filter(state=CaseState.INVESTIGATING).order_by("investigation_due")[:50]:
            todos.append(Todo("discipline.case.investigate", "审查调查中的案件", c.number, f"/discipline/cases/{c.pk}/",
                              _due_at(c.investigation_due), c.unit.name, "discipline:cases"))
        for c in rows.filter(state=CaseState.REVIEW).order_by("review_due")[:50]:
            todos.append(Todo("discipline.case.review", "待审理的案件", c.number, f"/discipline/cases/{c.pk}/",
                              _due_at(c.review_due), c.unit.name, "discipline:cases"))
        for a in Appeal.objects.filter(case__in=rows.order_by().values("pk"), decided_on__isnull=True).select_related(
                "case__unit").order_by("due_on")[:50]:
            todos.append(Todo("discipline.case.appeal", "待答复的申诉复审复核", a.case.number,
                              f"/discipline/cases/{a.case_id}/", _due_at(a.due_on), a.case.unit.name,
                              "discipline:cases"))
    return todos
