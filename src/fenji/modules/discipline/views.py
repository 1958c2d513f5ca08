"""The petition register's pages: 信访件 (the list with statistics and Excel, registration with the rank guard and
补录, one petition with its decisions and deadlines; the petitioner for its handlers only) and 上报任务 (what the
rank guard sent upward)."""

from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fenji.core.access import policy
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.pagination import newest_first_page
from fenji.core.kernel.replicas import replica_reads
from fenji.core.org.models import Unit, UnitStatus
from fenji.core.org.selectors import unit_own
from fenji.core.org.widgets import filter_form
from fenji.core.web.cached_counts import cached_counts
from fenji.core.web.excel import stamp
from fenji.core.web.forms import add_domain_error, form_post
from fenji.core.web.query import export_query, filters_shown, paging
from fenji.core.web.routes import requires

from . import case_services, clue_report_views, exports, fastlist, recusal_services, selectors, services
from . import module as perms
from .forms import (
    AppealDecideForm,
    AppealForm,
    CaseApproveForm,
    CaseDecideForm,
    CaseExecuteForm,
    CaseFileForm,
    CaseFilterForm,
    CaseForm,
    CaseReviewForm,
    CaseTransferForm,
    CloseForm,
    ClueApproveForm,
    ClueAssignForm,
    ClueConcludeForm,
    ClueDisposeForm,
    ClueFilterForm,
    ClueForm,
    ClueSignForm,
    DecideForm,
    FeedbackForm,
    NoticeForm,
    PetitionerSearchForm,
    PetitionFilterForm,
    PetitionForm,
    RecusalForm,
    UpwardDoneForm,
)
from .models import CaseState, ClueState, PetitionState

PETITIONER_RESULTS = 100  # one person's petitions among those the reader handles: one page, no paging by post


@requires(perms.PETITION_VIEW)
@require_http_methods(["GET", "POST"])
@replica_reads
def petitions(request):
    actor = request.actor
    filters, data, unit = filter_form(request, PetitionFilterForm, perms.PETITION_VIEW)
    # The scoped queryset is built only where it is read (the search, Excel, statistics not kept): the page's rows
    # come from the fast read path, and building the ORM's query costs more than the kept statistics.
    chosen = {"state": data.get("state", ""), "category": data.get("category", ""), "overdue": bool(data.get("overdue")),
              "start": data.get("start"), "end": data.get("end"), "number": data.get("number", "")}
    listed = partial(selectors.petition_list, actor=actor, unit=unit, **chosen)
    search = PetitionerSearchForm(request.POST if request.method == "POST" else None, prefix="by")
    searched, found = None, None
    if request.method == "POST":
        policy.require(actor, perms.PETITION_HANDLE)
        if search.is_valid():  # the petitioner's petitions among those the reader handles; recorded (§3)
            phone = search.cleaned_data["petitioner_phone"]
            found = selectors.petitions_of_petitioner(actor=actor, rows=listed(), phone=phone)
            searched = found.count()
            services.petitioner_search_record(actor=actor, phone=phone, found=searched)
            search = PetitionerSearchForm(prefix="by")  # the number is not shown back
        else:
            found = listed().none()

    def rows():
        return listed() if found is None else found

    if request.GET.get("format") == "xlsx":
        return exports.petition_export(actor=actor, petitions=rows(), filters=filters_shown(data, unit)).response(f"petitions-{stamp()}.xlsx")
    today = timezone.localdate()
    if request.method == "POST":  # the petitioner's petitions: the ORM, its rows encoded alike
        page = newest_first_page(rows(), size=PETITIONER_RESULTS)
        page.rows = fastlist.html_rows([[getattr(p, name) for name in fastlist.COLUMNS] + [p.unit.name]
                                        for p in page.rows], today)
    else:  # the fast read path (ADR 0029): the same rows, one query for the shown columns, encoded straight
        page = fastlist.petition_rows(actor=actor, unit=unit, **chosen, today=today, **paging(request))
        page.rows = fastlist.html_rows(page.rows, today)
    return render(request, "discipline/petitions.html", {
        "filters": filters, "page": page, "unit": unit,
        "counts": (selectors.petition_counts(rows()) if request.method == "POST" else cached_counts(
            actor, "discipline.petitions", (unit and unit.pk, *chosen.values()),
            lambda: selectors.petition_counts(rows()))),
        "today": today,
        "may_register": policy.can(actor, perms.PETITION_REGISTER, actor.unit_path),
        "search": search if policy.can(actor, perms.PETITION_HANDLE) else None, "searched": searched,
        "export_query": export_query(request)})


@requires(perms.PETITION_REGISTER)
@require_http_methods(["GET", "POST"])
def petition_new(request):
    actor = request.actor
    own = unit_own(actor=actor)
    policy.require(actor, perms.PETITION_REGISTER, own.path)
    form = PetitionForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            petition = services.petition_register(actor=actor, unit=own, **form.service_arguments())
        except services.RankRefused as refused:
            messages.error(request, refused.message)
            return redirect("discipline:upward_report", refused.report.pk)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已登记 %(number)s") % {"number": petition.number}
                             if not petition.is_repeat else
                             _("已登记 %(number)s：与 %(earlier)s 反映同一人同一类问题，按重复件留存归档，不再告知") % {
                                 "number": petition.number, "earlier": petition.repeat_of.number})
            return redirect("discipline:petition", petition.pk)
    return render(request, "discipline/petition_new.html", {"form": form, "own": own})


def _recusal(request, item, back: str):
    """The page's 申请回避 form, and the answer to a declaration: the item is gone for the declarant, so back to
    the list (``back``)."""
    op = request.POST.get("op") if request.method == "POST" else None
    form = RecusalForm(request.POST if op == "recuse" else None, prefix="recuse")
    if op != "recuse":
        return form, None
    return form, form_post(request, form, lambda d: recusal_services.recusal_declare(actor=request.actor, item=item, **d),
                           success=reverse(back), message=_("已申请回避，该件不再向您显示"))


@requires(perms.PETITION_VIEW)
@require_http_methods(["GET", "POST"])
def petition(request, pk):
    actor = request.actor
    item = selectors.petition_get(actor=actor, pk=pk)
    recuse, recused = _recusal(request, item, "discipline:petitions")
    if recused:
        return recused
    may_handle = policy.can(actor, perms.PETITION_HANDLE, item.unit_path)
    op = request.POST.get("op") if request.method == "POST" else None
    if request.method == "POST" and op != "recuse" and not may_handle:
        policy.require(actor, perms.PETITION_HANDLE, item.unit_path)
    here = reverse("discipline:petition", args=[item.pk])
    children = Unit.objects.filter(path__startswith=item.unit_path, status=UnitStatus.ACTIVE).exclude(pk=item.unit_id) \
        .order_by("path")[:200]
    decide = DecideForm(request.POST if op == "decide" else None, children=children, prefix="decide")
    notice = NoticeForm(request.POST if op == "notice" else None, initial={"notice_on": timezone.localdate()},
                        prefix="notice")
    close = CloseForm(request.POST if op == "close" else None, prefix="close")
    feedback = FeedbackForm(request.POST if op == "feedback" else None, initial={"feedback_on": timezone.localdate()},
                            prefix="feedback")
    done = None
    if op == "decide":
        done = form_post(request, decide, lambda d: services.petition_decide(
            actor=actor, petition=item, decision=d["decision"], note=d["note"],
            to_unit=next((u for u in children if u.pk == d.get("to_unit")), None)), success=here, message=_("已办理"))
    elif op == "notice":
        done = form_post(request, notice, lambda d: services.petition_notice_record(actor=actor, petition=item, **d),
                         success=here, message=_("已登记受理告知"))
    elif op == "close":
        done = form_post(request, close, lambda d: services.petition_close(actor=actor, petition=item, **d),
                         success=here, message=_("已办结"))
    elif op == "feedback":
        done = form_post(request, feedback, lambda d: services.petition_feedback_record(actor=actor, petition=item, **d),
                         success=here, message=_("已登记反馈"))
    if done:
        return done
    handler = selectors.is_handler(actor, item)
    return render(request, "discipline/petition.html", {
        "item": item, "subjects": item.subjects.all(), "may_handle": may_handle, "handler": handler,
        "decide": decide, "notice": notice, "close": close, "feedback": feedback, "today": timezone.localdate(),
        "open": item.state in (PetitionState.TO_SIGN, PetitionState.HANDLING), "recuse": recuse,
        "recusals": selectors.recusals_of(item)})


@requires(perms.PETITION_VIEW)
def petitioner(request, pk):
    """The petitioner of one petition: its registrar and handlers only; every view is audited."""
    from fenji.core.audit.services import audit_record

    item = selectors.petition_get(actor=request.actor, pk=pk)
    person = selectors.petitioner_get(actor=request.actor, petition=item)
    audit_record(actor=request.actor, action="discipline.petitioner.view", target=item, details={"number": item.number})
    return render(request, "discipline/petitioner.html", {"item": item, "person": person})


@requires(perms.UPWARD_REPORT)
def upward(request):
    rows = selectors.upward_list(actor=request.actor)
    return render(request, "discipline/upward.html", {"page": newest_first_page(rows, **paging(request))})


@requires(perms.UPWARD_REPORT)
@require_http_methods(["GET", "POST"])
def upward_report(request, pk):
    actor = request.actor
    report = selectors.upward_get(actor=actor, pk=pk)
    form = UpwardDoneForm(request.POST or None, initial={"done_on": timezone.localdate()})
    done = form_post(request, form, lambda d: services.upward_report_done(actor=actor, report=report, **d),
                     success=reverse("discipline:upward_report", args=[report.pk]), message=_("已登记径送"))
    return done or render(request, "discipline/upward_report.html", {"report": report, "form": form})


@requires(perms.CLUE_VIEW)
def clues(request):
    """The central ledger of clues (线索台账): filters, counts, pages with their totals, Excel."""
    actor = request.actor
    filters, data, unit = filter_form(request, ClueFilterForm, perms.CLUE_VIEW)
    rows = selectors.clue_list(actor=actor, unit=unit, state=data.get("state", ""), source=data.get("source", ""),
                               disposal=data.get("disposal", ""), start=data.get("start"), end=data.get("end"),
                               number=data.get("number", ""), overdue=bool(data.get("overdue")))
    if request.GET.get("format") == "xlsx":
        return exports.clue_export(actor=actor, clues=rows, filters=filters_shown(data, unit)).response(f"clues-{stamp()}.xlsx")
    return render(request, "discipline/clues.html", {
        "filters": filters, "page": newest_first_page(selectors.with_overdue(rows), **paging(request)), "unit": unit,
        "counts": selectors.clue_counts(rows), "may_register": policy.can(actor, perms.CLUE_MANAGE, actor.unit_path),
        "export_query": export_query(request)})


@requires(perms.CLUE_MANAGE)
@require_http_methods(["GET", "POST"])
def clue_new(request):
    actor = request.actor
    own = unit_own(actor=actor)
    policy.require(actor, perms.CLUE_MANAGE, own.path)
    form = ClueForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            petition = None
            if data["petition"]:
                petition = selectors.petition_list(actor=actor).filter(number=data["petition"].strip()).first()
                if petition is None:
                    raise DomainError(_("没有找到该编号的信访件"), field="petition")
            clue = services.clue_register(actor=actor, unit=own, received_on=data["received_on"],
                                          source=data["source"], summary=data["summary"], subjects=form.subjects(),
                                          petition=petition, backfilled=data["backfilled"])
        except services.RankRefused as refused:
            messages.error(request, refused.message)
            return redirect("discipline:clues")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已登记 %(number)s") % {"number": clue.number})
            return redirect("discipline:clue", clue.pk)
    return render(request, "discipline/clue_new.html", {"form": form, "own": own})


def _clue_people(clue):
    from fenji.core.people.models import Account, AccountStatus

    people = (Account.objects.unscoped(reason="the handlers a clue may be assigned to, checked one by one")
              .filter(unit_path__startswith=clue.unit_path, status=AccountStatus.ACTIVE).select_related("person")
              .order_by("unit_path", "id")[:200])
    return [a for a in people if policy.can(policy.actor_for(a), perms.CLUE_MANAGE, clue.unit_path)]


@requires(perms.CLUE_VIEW)
@require_http_methods(["GET", "POST"])
def clue(request, pk):
    """One clue: its facts, its timeline, and the form of the step open to the reader."""
    actor = request.actor
    item = selectors.clue_get(actor=actor, pk=pk)
    may_manage = policy.can(actor, perms.CLUE_MANAGE, item.unit_path)
    may_approve = policy.can(actor, perms.CLUE_APPROVE, item.unit_path)
    handlers = selectors.clue_handlers(item)
    mine = next((h for h in handlers if h.account_id == actor.account_id), None)
    steps = {"assign": may_manage and item.state in (ClueState.REGISTERED, ClueState.PROPOSED),
             "approve": may_approve and item.state == ClueState.PROPOSED,
             "dispose": may_manage and mine is not None and item.state == ClueState.ASSIGNED,
             "sign": may_manage and mine is not None and mine.signed_at is None and item.state == ClueState.SIGNING,
             "conclude": may_manage and item.state == ClueState.DISPOSED}
    owed = clue_report_views.clue_owed(actor, item, mine, may_manage, may_approve)
    steps.update(owed.steps)
    recuse, recused = _recusal(request, item, "discipline:clues")
    if recused:
        return recused
    op = request.POST.get("op") if request.method == "POST" else None
    if request.method == "POST" and op != "recuse" and not steps.get(op):
        policy.require(actor, perms.CLUE_APPROVE if op in ("approve", "extension_decide") else perms.CLUE_MANAGE,
                       item.unit_path)
        messages.error(request, _("该线索当前不能由您办理这一步"))
        return redirect("discipline:clue", item.pk)
    here = reverse("discipline:clue", args=[item.pk])
    people = _clue_people(item) if steps["assign"] else []
    assign = ClueAssignForm(request.POST if op == "assign" else None, people=people, prefix="assign")
    approve = ClueApproveForm(request.POST if op == "approve" else None, prefix="approve")
    dispose = ClueDisposeForm(request.POST if op == "dispose" else None, prefix="dispose")
    sign = ClueSignForm(request.POST if op == "sign" else None, prefix="sign")
    conclude = ClueConcludeForm(request.POST if op == "conclude" else None, prefix="conclude")
    done = None
    if op == "assign":
        done = form_post(request, assign, lambda d: services.clue_assign(
            actor=actor, clue=item, handlers=[a for a in people if a.pk in d["handlers"]], note=d["note"]),
            success=here, message=_("已提出分办意见，待主要负责人审批"))
    elif op == "approve":
        done = form_post(request, approve, lambda d: services.clue_approve(actor=actor, clue=item, **d),
                         success=here, message=_("已审批"))
    elif op == "dispose":
        done = form_post(request, dispose, lambda d: services.clue_dispose(actor=actor, clue=item, **d),
                         success=here, message=_("已拟定处置方式，待承办人签字"))
    elif op == "sign":
        done = form_post(request, sign, lambda d: services.clue_sign(actor=actor, clue=item, **d),
                         success=here, message=_("已签字"))
    elif op == "conclude":
        done = form_post(request, conclude, lambda d: services.clue_conclude(actor=actor, clue=item, **d),
                         success=here, message=_("已了结"))
    elif op in owed.steps:
        done = owed.post(request, op, here)
    if done:
        return done
    return render(request, "discipline/clue.html", {**owed.context(request, op),
        "item": item, "subjects": item.subjects.all(), "handlers": handlers, "steps": steps,
        "timeline": _clue_timeline(item, handlers), "assign": assign, "approve": approve, "dispose": dispose,
        "sign": sign, "conclude": conclude, "may_read": may_manage or may_approve, "recuse": recuse,
        "recusals": selectors.recusals_of(item),
        "may_file_case": case_services.clue_may_become_case(item) and policy.can(actor, perms.CASE_MANAGE, actor.unit_path)})


def _clue_timeline(item, handlers) -> list[tuple]:
    """What happened to the clue, in order: (when, what)."""
    rows = [(item.entered_at, _("登记"), item.get_source_display())]
    if item.proposed_by_id:
        rows.append((None, _("提出分办"), item.proposal_note))
    if item.approved_at:
        rows.append((item.approved_at, _("主要负责人审批分办"), item.approved_by.person.real_name))
    if item.disposed_at:
        rows.append((item.disposed_at, _("拟定处置方式"), item.get_disposal_display()))
    rows += [(h.signed_at, _("承办人签字"), h.account.person.real_name) for h in handlers if h.signed_at]
    report = getattr(item, "report", None) if item.report_due else None
    if report is not None:
        rows.append((report.submitted_at, _("提交报告"), f"{report.reported_on:%Y-%m-%d} {report.get_kind_display()}"))
    if item.concluded_on:
        rows.append((None, _("了结"), f"{item.concluded_on:%Y-%m-%d} {item.get_outcome_display()}"))
    return rows


@requires(perms.CASE_VIEW)
def cases(request):
    """The case ledger (案件台账): filters, counts, pages with their totals, Excel."""
    actor = request.actor
    filters, data, unit = filter_form(request, CaseFilterForm, perms.CASE_VIEW)
    rows = selectors.case_list(actor=actor, unit=unit, state=data.get("state", ""), case_type=data.get("case_type", ""),
                               overdue=bool(data.get("overdue")), start=data.get("start"), end=data.get("end"),
                               number=data.get("number", ""))
    if request.GET.get("format") == "xlsx":
        return exports.case_export(actor=actor, cases=rows, filters=filters_shown(data, unit)).response(f"cases-{stamp()}.xlsx")
    return render(request, "discipline/cases.html", {
        "filters": filters, "page": newest_first_page(rows, **paging(request)), "unit": unit,
        "counts": selectors.case_counts(rows), "today": timezone.localdate(),
        "may_register": policy.can(actor, perms.CASE_MANAGE, actor.unit_path), "export_query": export_query(request)})


@requires(perms.CASE_MANAGE)
@require_http_methods(["GET", "POST"])
def case_new(request):
    actor = request.actor
    own = unit_own(actor=actor)
    policy.require(actor, perms.CASE_MANAGE, own.path)
    initial = {"proposed_on": timezone.localdate(), "clue": request.GET.get("clue", "")[:40]}
    form = CaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            clue = None
            if data["clue"]:
                clue = selectors.clue_list(actor=actor).filter(number=data["clue"].strip()).first()
                if clue is None:
                    raise DomainError(_("没有找到该编号的问题线索"), field="clue")
            case = case_services.case_register(actor=actor, unit=own, case_type=data["case_type"], summary=data["summary"],
                                          subjects=form.subjects(), clue=clue, proposed_on=data["proposed_on"])
        except services.RankRefused as refused:
            messages.error(request, refused.message)
            return redirect("discipline:cases")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已登记立案呈批 %(number)s，待主要负责人审批") % {"number": case.number})
            return redirect("discipline:case", case.pk)
    return render(request, "discipline/case_new.html", {"form": form, "own": own})


@requires(perms.CASE_VIEW)
@require_http_methods(["GET", "POST"])
def case(request, pk):
    """One case: its facts, subjects and sanctions, its stages, appeals, and the form of the step open to the reader."""
    actor = request.actor
    item = selectors.case_get(actor=actor, pk=pk)
    may_manage = policy.can(actor, perms.CASE_MANAGE, item.unit_path)
    may_approve = policy.can(actor, perms.CASE_APPROVE, item.unit_path)
    subjects = list(item.subjects.all())
    appeals = selectors.case_appeals(item)
    open_appeals = [a for a in appeals if a.decided_on is None]
    steps = {"approve": may_approve and item.state == CaseState.PROPOSED,
             "file": may_manage and item.state == CaseState.APPROVED,
             "transfer": may_manage and item.state == CaseState.INVESTIGATING,
             "review": may_manage and item.state == CaseState.REVIEW,
             "decide": may_manage and item.state == CaseState.REVIEWED,
             "execute": may_manage and item.state == CaseState.DECIDED,
             "appeal": may_manage and item.state in (CaseState.DECIDED, CaseState.CLOSED),
             "appeal_decide": may_manage and bool(open_appeals)}
    recuse, recused = _recusal(request, item, "discipline:cases")
    if recused:
        return recused
    op = request.POST.get("op") if request.method == "POST" else None
    if request.method == "POST" and op != "recuse" and not steps.get(op):
        policy.require(actor, perms.CASE_APPROVE if op == "approve" else perms.CASE_MANAGE, item.unit_path)
        messages.error(request, _("该案件当前不能由您办理这一步"))
        return redirect("discipline:case", item.pk)
    here = reverse("discipline:case", args=[item.pk])
    today = timezone.localdate()

    def bound(name, form_class, **kwargs):
        return form_class(request.POST if op == name else None, prefix=name, **kwargs)

    forms = {"approve": bound("approve", CaseApproveForm),
             "file": bound("file", CaseFileForm, initial={"filed_on": today}),
             "transfer": bound("transfer", CaseTransferForm, initial={"transferred_on": today}),
             "review": bound("review", CaseReviewForm, initial={"reviewed_on": today}),
             "decide": bound("decide", CaseDecideForm, subjects=subjects, initial={"decided_on": today}),
             "execute": bound("execute", CaseExecuteForm, initial={"executed_on": today}),
             "appeal": bound("appeal", AppealForm, initial={"applied_on": today}),
             "appeal_decide": bound("appeal_decide", AppealDecideForm, appeals=open_appeals,
                                    initial={"decided_on": today})}
    run = {"approve": (lambda d: case_services.case_approve(actor=actor, case=item, **d), _("已审批")),
           "file": (lambda d: case_services.case_file(actor=actor, case=item, **d), _("已立案")),
           "transfer": (lambda d: case_services.case_transfer_review(actor=actor, case=item, **d), _("已移送审理")),
           "review": (lambda d: case_services.case_review(actor=actor, case=item, **d), _("已登记审理意见")),
           "decide": (lambda d: case_services.case_decide(actor=actor, case=item, **forms["decide"].service_arguments()),
                      _("已登记处理决定")),
           "execute": (lambda d: case_services.case_execute(actor=actor, case=item, **d), _("已执行结案")),
           "appeal": (lambda d: case_services.appeal_register(actor=actor, case=item, **d), _("已登记")),
           "appeal_decide": (lambda d: case_services.appeal_decide(
               actor=actor, appeal=next(a for a in open_appeals if a.pk == d["appeal"]), decided_on=d["decided_on"],
               result=d["result"], note=d["note"]), _("已登记决定"))}
    if op in run:
        action, message = run[op]
        done = form_post(request, forms[op], action, success=here, message=message)
        if done:
            return done
    return render(request, "discipline/case.html", {
        "item": item, "subjects": subjects, "sanctions": selectors.case_sanctions(item), "appeals": appeals,
        "steps": steps, "forms": forms, "may_read": may_manage or may_approve, "today": today, "recuse": recuse,
        "recusals": selectors.recusals_of(item)})
