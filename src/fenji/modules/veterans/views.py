"""The veterans module's console pages: 老干部信息 (list, register, facts, status, volunteer certificate), 服务记录
(the ledger with its late entries and Excel, a record of each kind, its corrections) and 季度走访 (who is due a visit
this quarter), and the elder's own page on the phone (我的服务记录)."""

from functools import partial

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from fenji.core.access import policy
from fenji.core.files.views import attachment_response
from fenji.core.kernel.errors import DomainError, NotVisible
from fenji.core.kernel.inputs import parse_id
from fenji.core.kernel.pagination import keyset_page, newest_first_page
from fenji.core.kernel.replicas import replica_reads
from fenji.core.kernel.xlsx import jobs
from fenji.core.org.selectors import unit_get, unit_own
from fenji.core.org.widgets import pick_units_for
from fenji.core.people.import_forms import MemberImportForm
from fenji.core.web.cached_counts import cached_counts
from fenji.core.web.excel import stamp
from fenji.core.web.forms import add_domain_error, form_post
from fenji.core.web.import_pages import import_errors_response, import_job, import_shown, import_template_response
from fenji.core.web.pdf import pdf_response
from fenji.core.web.query import export_query, filters_shown, paging, sorted_page, sorting
from fenji.core.web.routes import requires, signed_in

from . import elder_import as import_elders
from . import exports, fastlist, record_fields, selectors, services
from . import module as perms
from .elder_import import ELDERS
from .forms import ElderFactsForm, ElderFilterForm, ElderForm, ElderStatusForm, RecordFilterForm, RecordForm
from .models import ElderStatus, RecordKind
from .services import RECORD_ACTIONS

ELDER_SORTS = {"name": "person__real_name", "unit": "unit_path", "retired": "retired_on"}
RECORD_SORTS = {"ended": "ended_on", "entered": "entered_on", "unit": "unit_path", "kind": "kind"}


def _unit_filter(actor, data, action):
    return unit_get(actor=actor, pk=data["unit"], action=action) if data.get("unit") else None


# --- 老干部信息 -------------------------------------------------------------------------------------------


@requires(perms.ELDER_VIEW)
@require_http_methods(["GET", "POST"])
@replica_reads
def elders(request):
    actor = request.actor
    filters = ElderFilterForm(request.GET or None, initial={"status": ElderStatus.ACTIVE})
    pick_units_for(filters, actor, perms.ELDER_VIEW)
    data = filters.cleaned_data if filters.is_valid() else {"status": ElderStatus.ACTIVE}
    unit = _unit_filter(actor, data, perms.ELDER_VIEW)
    status = data.get("status", ElderStatus.ACTIVE) if request.GET else ElderStatus.ACTIVE
    rows = selectors.elder_list(actor=actor, unit=unit, text=data.get("q", ""), status=status,
                                retirement=data.get("retirement", ""))
    own = unit_own(actor=actor)
    form = None
    if policy.can(actor, perms.ELDER_MANAGE, own.path):
        form = ElderForm(request.POST if request.method == "POST" else None)
        done = form_post(request, form, lambda d: services.elder_register(actor=actor, unit=own, **d),
                         success=lambda e: reverse("veterans:elder", args=[e.pk]),
                         message=lambda e: _("已登记老干部 %(name)s") % {"name": e.person.real_name})
        if done:
            return done
    elif request.method == "POST":
        policy.require(actor, perms.ELDER_MANAGE, own.path)
    page = sorted_page(request, rows, sorts=ELDER_SORTS, default=keyset_page)
    return render(request, "veterans/elders.html", {
        "filters": filters, "form": form, "page": page, "unit": unit, "own": own, "today": timezone.localdate()})


@requires(perms.ELDER_VIEW)
@require_http_methods(["GET", "POST"])
def elder(request, pk):
    actor = request.actor
    item = selectors.elder_get(actor=actor, pk=pk)
    may_manage = policy.can(actor, perms.ELDER_MANAGE, item.unit_path)
    op = request.POST.get("op") if request.method == "POST" else None
    if request.method == "POST" and not may_manage:
        policy.require(actor, perms.ELDER_MANAGE, item.unit_path)
    here = reverse("veterans:elder", args=[item.pk])
    facts = ElderFactsForm(request.POST if op == "facts" else None,
                           initial={name: getattr(item, name) for name in services.ELDER_FIELDS})
    status_form = ElderStatusForm(request.POST if op == "status" else None, initial={"status": item.status})
    done = None
    if op == "facts":
        done = form_post(request, facts, lambda d: services.elder_update(actor=actor, elder=item, **d),
                         success=here, message=_("已保存"))
    elif op == "status":
        done = form_post(request, status_form, lambda d: services.elder_status_set(actor=actor, elder=item, **d),
                         success=here, message=_("已变更状态"))
    if done:
        return done
    records = selectors.record_list(actor=actor, elder=item).order_by("-ended_on", "-id")[:20]
    account = getattr(item.person, "account", None)  # a missing reverse one-to-one is an AttributeError
    return render(request, "veterans/elder.html", {
        "item": item, "facts": facts, "status_form": status_form, "may_manage": may_manage, "records": records,
        "account": account, "hours": selectors.volunteer_hours(item), "today": timezone.localdate(),
        "kinds": _kinds_for(actor)})


@requires(perms.ELDER_VIEW)
@require_GET
def certificate(request, pk):
    """志愿服务证明 (PDF) of one elder's volunteer hours."""
    item = selectors.elder_get(actor=request.actor, pk=pk)
    pdf = exports.certificate_pdf(actor=request.actor, elder=item, hours=selectors.volunteer_hours(item),
                                  handler=request.user.person.real_name)
    return pdf_response(pdf, _("志愿服务证明-%(name)s.pdf") % {"name": item.person.real_name})


# --- 服务记录 ---------------------------------------------------------------------------------------------


def _kinds_for(actor) -> list[tuple[str, str]]:
    """The kinds of record the actor may enter (records are entered for the actor's own unit)."""
    return [(kind, label) for kind, label in RecordKind.choices
            if policy.can(actor, RECORD_ACTIONS[kind], actor.unit_path)]


@requires(perms.RECORD_VIEW)
def records(request):
    actor = request.actor
    filters = RecordFilterForm(request.GET or None)
    pick_units_for(filters, actor, perms.RECORD_VIEW)
    data = filters.cleaned_data if filters.is_valid() else {}
    unit = _unit_filter(actor, data, perms.RECORD_VIEW)
    elder = None
    if parse_id(request.GET.get("elder")):
        elder = selectors.elder_get(actor=actor, pk=parse_id(request.GET.get("elder")))
    # The scoped queryset is built only where it is read (Excel, a sorted column, statistics not kept): building
    # the ORM's query costs more than the page's fast read.
    chosen = {"kind": data.get("kind", ""), "late": bool(data.get("late")), "start": data.get("start"),
              "end": data.get("end"), "text": data.get("q", "")}
    rows = partial(selectors.record_list, actor=actor, unit=unit, elder=elder, **chosen)
    if request.GET.get("format") == "xlsx":
        return exports.record_export(actor=actor, records=rows(), filters=filters_shown(data, unit)).response(f"service-records-{stamp()}.xlsx")
    if sorting(request, RECORD_SORTS) is not None:  # a sorted column: the ORM, its rows encoded alike
        shown = rows().select_related(None).select_related("unit").only(*fastlist.CONSOLE, "unit_id", "unit__name")
        page = sorted_page(request, shown, sorts=RECORD_SORTS, default=newest_first_page)
        page.rows = fastlist.html_rows([fastlist.console_row(r) for r in page.rows])
    else:  # the fast read path (ADR 0029): the same rows, one query for the shown columns, encoded straight
        page = fastlist.record_rows(actor=actor, unit=unit, elder=elder, **chosen, **paging(request))
        page.rows = fastlist.html_rows(page.rows)
    return render(request, "veterans/records.html", {
        "filters": filters, "page": page, "unit": unit, "elder": elder, "counts": cached_counts(
            actor, "veterans.records", (unit and unit.pk, elder and elder.pk, *chosen.values()),
            lambda: selectors.record_counts(rows())),
        "kinds": _kinds_for(actor), "export_query": export_query(request)})


def _entered(record) -> str:
    return _("已录入（按时）") if record.on_time else _("已录入：超过活动结束后 5 个工作日，记为逾期录入")


def _record_entry(request, kind, *, template: str, success):
    """The entry of a record of ``kind`` for the actor's own unit (the console's page and the phone's)."""
    actor = request.actor
    if kind not in RecordKind.values:
        raise NotVisible("没有这种服务记录")
    own = unit_own(actor=actor)
    policy.require(actor, RECORD_ACTIONS[kind], own.path)
    chosen = parse_id(request.GET.get("elder"))
    elders = selectors.elder_list(actor=actor).order_by("person__real_name", "id")
    picked = parse_id(request.POST.get("elder")) if request.method == "POST" else chosen
    if picked:  # the one elder asked for (one out of reach is not among the choices: refused as invalid)
        elders = elders.filter(pk=picked)
    form = RecordForm(request.POST if request.method == "POST" else None, request.FILES or None, kind=kind,
                      elders=elders[:500], initial={"elder": chosen, "ended_on": timezone.localdate()})

    def enter(data):
        data = form.split()
        elder_id = data.pop("elder", None)
        elder_row = services.elder_in_reach(actor=actor, elder_id=elder_id, action=perms.ELDER_VIEW) if elder_id else None
        return services.record_enter(actor=actor, unit=own, kind=kind, elder=elder_row, **data)

    done = form_post(request, form, enter, success=success, message=_entered)
    return done or render(request, template, {
        "form": form, "kind": kind, "kind_label": RecordKind(kind).label, "own": own})


@requires(perms.RECORD_VIEW)
@require_http_methods(["GET", "POST"])
def record_new(request, kind):
    return _record_entry(request, kind, template="veterans/record_new.html",
                         success=lambda r: reverse("veterans:record", args=[r.pk]))


@requires(perms.RECORD_VIEW)
@require_http_methods(["GET", "POST"])
def record(request, pk):
    actor = request.actor
    item = selectors.record_get(actor=actor, pk=pk)
    may_edit = policy.can(actor, RECORD_ACTIONS[item.kind], item.unit_path)
    form = None
    if may_edit:
        form = RecordForm(request.POST if request.method == "POST" else None, request.FILES or None, kind=item.kind,
                          editing=True, initial=RecordForm.initial_for(item))
        done = form_post(request, form, lambda d: services.record_update(actor=actor, record=item, **form.split()),
                         success=reverse("veterans:record", args=[item.pk]), message=_("已保存修改"))
        if done:
            return done
    elif request.method == "POST":
        policy.require(actor, RECORD_ACTIONS[item.kind], item.unit_path)
    return render(request, "veterans/record.html", {
        "item": item, "details": record_fields.shown(item.kind, item.details), "photos": selectors.record_photos(item),
        "revisions": item.revisions.select_related("changed_by__person"), "form": form,
        "amount_label": record_fields.AMOUNT_LABEL.get(item.kind, "")})


@requires(perms.RECORD_VIEW)
@require_GET
def record_photo(request, pk, photo):
    item = selectors.record_get(actor=request.actor, pk=pk)
    found = selectors.record_photos(item).filter(pk=photo).first()
    if found is None:
        raise NotVisible("附件不存在")
    return attachment_response(found)


# --- 季度走访 ---------------------------------------------------------------------------------------------


@requires(perms.ELDER_VIEW)
def visits_due(request):
    actor = request.actor
    unit_pk = parse_id(request.GET.get("unit"))
    unit = unit_get(actor=actor, pk=unit_pk, action=perms.ELDER_VIEW) if unit_pk else None
    rows = selectors.visit_due_list(actor=actor, unit=unit)
    page = newest_first_page(rows, **paging(request))
    return render(request, "veterans/visits_due.html", {
        "page": page, "unit": unit, "coverage": selectors.visit_coverage(actor=actor, unit=unit),
        "may_record": policy.can(actor, perms.VISIT_RECORD, actor.unit_path), "today": timezone.localdate(),
        "age": settings.FENJI_VETERANS_VISIT_AGE})


# --- on the phone: the staff's entry on the spot, the elder's own records ----------------------------------


@requires(perms.RECORD_VIEW, channel="mobile")
def m_records(request):
    """The staff's phone page: what to enter (the kinds they may), the elders due a visit, the unit's latest records."""
    actor = request.actor
    rows = selectors.record_list(actor=actor).filter(unit_id=actor.unit_id)
    due = selectors.visit_due_list(actor=actor).filter(unit_id=actor.unit_id).order_by("last_visit", "id")[:20]
    return render(request, "veterans/m_records.html", {
        "kinds": _kinds_for(actor), "page": newest_first_page(rows, **paging(request)), "due": due,
        "may_visit": policy.can(actor, perms.VISIT_RECORD, actor.unit_path)})


@requires(perms.RECORD_VIEW, channel="mobile")
@require_http_methods(["GET", "POST"])
def m_record_new(request, kind):
    return _record_entry(request, kind, template="veterans/m_record_new.html",
                         success=lambda r: f"{reverse('veterans:m_records')}#mine-{r.pk}")



@signed_in(channel="mobile")
def m_mine(request):
    """我的服务记录: what the units did for me (the unit, the kind and the date), and my volunteer hours."""
    elder = selectors.elder_of(request.user)
    rows = selectors.my_records(elder) if elder else None
    page = newest_first_page(rows, **paging(request)) if rows is not None else None
    return render(request, "veterans/m_mine.html", {
        "elder": elder, "page": page, "hours": selectors.volunteer_hours(elder) if elder else None})


# --- 批量导入老干部 -----------------------------------------------------------------------------------------

IMPORT_MAX_ROWS = 50_000


@requires(perms.ELDER_MANAGE)
@require_http_methods(["GET", "POST"])
@never_cache
def elder_import(request):
    actor = request.actor
    own = unit_own(actor=actor)
    form = MemberImportForm(request.POST or None, request.FILES or None, initial={"unit": own.pk})
    pick_units_for(form, actor, perms.ELDER_MANAGE)
    if request.method == "POST" and form.is_valid():
        unit = unit_get(actor=actor, pk=form.cleaned_data["unit"], action=perms.ELDER_MANAGE)
        upload = form.cleaned_data["file"]
        try:
            job = import_elders.elder_import_start(actor=actor, unit=unit, file=upload, file_name=upload.name,
                                                   max_rows=IMPORT_MAX_ROWS)
        except DomainError as error:
            add_domain_error(form, error)
        else:  # Post/Redirect/Get: reloading the progress page does not import again
            return redirect(f"{reverse('veterans:elder_import')}?job={job.pk}")
    shown = import_shown(request, ELDERS)
    return render(request, "veterans/elder_import.html", {
        "form": form, **shown, "titles": ELDERS.titles, "max_rows": IMPORT_MAX_ROWS,
        "recent": jobs.job_list(account_id=request.user.pk, spec=ELDERS)})


@requires(perms.ELDER_MANAGE)
@require_GET
@never_cache
def elder_import_job(request, pk):
    """The progress of one import and, once done, its result: the piece the page polls."""
    return render(request, "veterans/_elder_import_job.html", import_job(request, pk, ELDERS))


@requires(perms.ELDER_MANAGE)
@require_GET
@never_cache
def elder_import_errors(request, pk):
    return import_errors_response(import_job(request, pk, ELDERS)["job"],
                                  _("老干部导入失败的行-%(stamp)s.xlsx") % {"stamp": stamp()})


@requires(perms.ELDER_MANAGE)
@require_GET
def elder_import_template(request):
    return import_template_response(ELDERS, _("老干部导入模板.xlsx"))
