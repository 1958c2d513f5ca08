"""Console and mobile pages of dispatch: 发文 (sent list, new dispatch with the target picker), 收文 (my
unit's inbox), the tracking page of one dispatch (counts, deliveries, 一键催办), one delivery (sign,
read, reply; accept or return for the sender), and the bulletin (通报) with its exports.

Thin like the other pages: the selectors decide what the actor sees (404 outside it), the services
what the actor may do; refusals are shown on the page they came from.
"""


from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fenji.core.access import policy
from fenji.core.kernel.errors import DomainError, NotVisible
from fenji.core.kernel.inputs import parse_ids, search_text
from fenji.core.kernel.pagination import newest_first_page
from fenji.core.org import selectors as org_selectors
from fenji.core.org.models import Unit
from fenji.core.org.periods import percent, period_choice
from fenji.core.web.excel import stamp
from fenji.core.web.forms import add_domain_error
from fenji.core.web.query import paging, query_without, sorted_page
from fenji.core.web.routes import requires, signed_in

from . import exports, selectors, services
from . import permissions as perms
from .forms import DeliveryFilterForm, DispatchForm, InboxFilterForm, ReplyForm, ReturnForm
from .models import DispatchKind, ReviewState

PAGE_SIZE = 20
PICKER_LIMIT = 30


# --- 发文 ------------------------------------------------------------------------------------------


# The lists' sortable columns (the default: newest first).
DISPATCH_SORTS = {"title": "title", "kind": "kind", "sent": "sent_at"}
INBOX_SORTS = {"title": "dispatch__title", "from": "dispatch__unit_path", "sent": "dispatch__sent_at",
               "sign_due": "sign_due_at", "reply_due": "reply_due_at"}


@requires(perms.DISPATCH_SEND)
def dispatch_list(request):
    page = sorted_page(request, selectors.dispatch_list(actor=request.actor), sorts=DISPATCH_SORTS,
                       default=newest_first_page)
    stats = selectors.dispatch_sent_counts([d.pk for d in page.rows])
    for row in page.rows:
        row.stats = stats.get(row.pk, {"signed": 0, "overdue": 0, "replied": 0})
    return render(request, "dispatch/list.html", {
        "page": page, "query": query_without(request, "after"), "first_page": not request.GET.get("after"),
    })


def _picker_units(request, data):
    """The picker's candidates: the units chosen so far, then the search results (or the units just
    below the actor's own), all within the sending scope."""
    actor = request.actor
    chosen_ids = parse_ids(data.getlist("units")) + parse_ids(data.getlist("subtrees"))
    visible = org_selectors.unit_list(actor=actor, action=perms.DISPATCH_SEND).filter(status="active")
    chosen = list(visible.filter(pk__in=chosen_ids).order_by("path"))
    text = search_text(data.get("q"))
    if text:
        found = list(org_selectors.unit_list_matching(actor=actor, text=text, limit=PICKER_LIMIT,
                                               action=perms.DISPATCH_SEND))
    else:
        found = list(visible.filter(parent_id=actor.unit_id).order_by("sort_order", "path")[:PICKER_LIMIT])
    seen = {u.pk for u in chosen}
    return chosen + [u for u in found if u.pk not in seen], set(parse_ids(data.getlist("units"))), \
        set(parse_ids(data.getlist("subtrees"))), text


@requires(perms.DISPATCH_SEND)
def unit_picker(request):
    """The picker's candidate list alone (htmx swaps it in as the user types)."""
    units, units_checked, subtrees_checked, text = _picker_units(request, request.GET)
    return render(request, "dispatch/_picker.html", {
        "candidates": units, "units_checked": units_checked, "subtrees_checked": subtrees_checked, "q": text})


class _Confirm(Exception):
    """The form is valid: show what the send will do and ask again."""


@requires(perms.DISPATCH_SEND)
@require_http_methods(["GET", "POST"])
def dispatch_new(request):
    actor = request.actor
    data = request.POST if request.method == "POST" else request.GET
    initial = {"kind": DispatchKind.NOTICE}
    if request.method == "GET":  # the picker's plain search reloads the page: keep what was typed
        initial.update({name: request.GET[name] for name in DispatchForm.base_fields
                        if name != "kinds" and request.GET.get(name)})
        initial["kinds"] = request.GET.getlist("kinds")
    form = DispatchForm(request.POST or None, initial=initial)
    units, units_checked, subtrees_checked, text = _picker_units(request, data)
    preview, files = None, []
    if request.method == "POST":
        files = _posted_files(request)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        targets = services.Targets(units=sorted(units_checked - subtrees_checked), subtrees=sorted(subtrees_checked),
                                   kinds=cleaned["kinds"])
        elements = {name: cleaned[name] for name in ("doc_number", "doc_kind", "urgency", "signer", "classification")}
        try:
            if request.POST.get("confirmed") != "1":  # first the consequence, then the send
                preview = services.dispatch_send_preview(actor=actor, targets=targets)
                if preview.count == 0:
                    preview = None
                    raise DomainError("发送范围内没有可接收的单位（本单位、已撤销的单位不接收）", field="targets")
                # the files are checked and stored now, carried to the confirmation by their ids
                files += services.dispatch_files_store(actor=actor, uploads=request.FILES.getlist("files"))
                raise _Confirm
            dispatch = services.dispatch_send(
                actor=actor, kind=cleaned["kind"], title=cleaned["title"], body=cleaned["body"],
                feedback_kind=cleaned["feedback_kind"], reply_days=cleaned["reply_days"],
                sign_within_minutes=cleaned["sign_within_minutes"], targets=targets,
                files=[*files, *request.FILES.getlist("files")], **elements)
        except _Confirm:
            pass
        except DomainError as error:
            preview = None
            add_domain_error(form, error)
        else:
            messages.success(request, _("已下发“%(title)s”，共 %(n)s 个收文单位") % {
                "title": dispatch.title, "n": dispatch.delivery_count})
            return redirect("dispatch:detail", pk=dispatch.pk)
    return render(request, "dispatch/new.html", {
        "form": form, "candidates": units, "units_checked": units_checked, "subtrees_checked": subtrees_checked,
        "q": text, "sender": request.user.unit, "preview": preview, "files": files,
        "file_label": services.DOCUMENT_FILE_LABEL,
    })


def _posted_files(request) -> list:
    """The files stored at the confirmation step (their ids posted back): the actor's own uploads for its
    unit only; any other id is dropped."""
    from fenji.core.files.models import Attachment

    ids = parse_ids(request.POST.getlist("file_ids"))[:services.FILES_MAX]
    if not ids or request.actor.unit_id is None:
        return []
    rows = (Attachment.objects.unscoped(reason="the actor's own uploads, checked by the filter")
            .filter(pk__in=ids, unit_id=request.actor.unit_id, uploaded_by_id=request.actor.account_id)
            .order_by("id"))
    return list(rows)


# --- 跟踪 ------------------------------------------------------------------------------------------


def _within_choices(dispatch) -> list[Unit]:
    """The units to narrow the list to: the dispatch's chosen units and subtree roots, and the units
    directly below the subtree roots."""
    targets = dispatch.targets or {}
    roots = [t["id"] for t in targets.get("subtrees", [])]
    ids = roots + [t["id"] for t in targets.get("units", [])]
    return list(Unit.objects.filter(Q(pk__in=ids) | Q(parent_id__in=roots), status="active").order_by("path")[:200])


@requires(perms.DISPATCH_SEND)
@require_http_methods(["GET", "POST"])
def dispatch_detail(request, pk):
    actor = request.actor
    dispatch = selectors.dispatch_get(actor=actor, pk=pk)
    if request.method == "POST":
        if request.POST.get("op") != "urge":
            raise NotVisible()
        try:
            result = services.dispatch_urge(actor=actor, dispatch=dispatch)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if result["deliveries"] == 0:
                messages.info(request, _("所有收文单位均已签收和答复，无需催办"))
            elif result["messages"] == 0:  # nobody to remind: say so, never as a success
                messages.warning(request, _("0 条提醒：%(units)s 个未签收或未答复的单位都没有可提醒的经办人员，"
                                            "或一分钟内已提醒过") % {"units": result["deliveries"]})
            else:
                text = _("已向 %(units)s 个未签收或未答复的单位催办，发送提醒 %(n)s 条（站内消息及短信）") % {
                    "units": result["deliveries"], "n": result["messages"]}
                if result["units_without_handler"]:
                    text += _("；其中 %(n)s 个单位没有可接收提醒的经办人员") % {"n": result["units_without_handler"]}
                    messages.warning(request, text)
                else:
                    messages.success(request, text)
        return redirect("dispatch:detail", pk=dispatch.pk)
    choices = _within_choices(dispatch)
    form = DeliveryFilterForm(request.GET or None, units=choices)
    data = form.cleaned_data if form.is_valid() else {}
    within = None
    if data.get("within"):
        within = org_selectors.unit_get(actor=actor, pk=data["within"], action=perms.DISPATCH_SEND)
        if all(u.pk != within.pk for u in choices):
            form.fields["within"].widget.choices += [(within.pk, within.name)]
    rows = selectors.delivery_list_for_dispatch(dispatch, status=data.get("status", ""), within=within)
    page = selectors.delivery_page(rows, **paging(request))
    opens = selectors.delivery_file_opens([d.pk for d in page.rows if d.pk])
    for row in page.rows:
        row.opens = opens.get(row.pk, [])
    return render(request, "dispatch/detail.html", {
        "dispatch": dispatch, "counts": selectors.dispatch_tracking_counts(dispatch), "form": form, "page": page,
        "files": selectors.dispatch_files(dispatch),
        "query": query_without(request, "after"), "first_page": not request.GET.get("after"),
        "now": timezone.now(),
    })


# --- 收文 ------------------------------------------------------------------------------------------


@requires(perms.DELIVERY_HANDLE)
def inbox(request):
    form = InboxFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    rows = selectors.delivery_list_inbox(actor=request.actor, status=status)
    page = sorted_page(request, rows, sorts=INBOX_SORTS, default=newest_first_page)
    return render(request, "dispatch/inbox.html", {
        "form": form, "page": page, "counts": selectors.delivery_inbox_counts(actor=request.actor),
        "query": query_without(request, "after"), "first_page": not request.GET.get("after"),
        "may_handle": policy.can(request.actor, perms.DELIVERY_HANDLE, request.actor.unit_path),
    })


def _handle_post(request, delivery, *, reply_form, return_form):
    """Run the posted operation; returns the message on success, or None when a form shows errors."""
    actor = request.actor
    op = request.POST.get("op")
    try:
        if op == "sign":
            services.delivery_sign(actor=actor, delivery=delivery)
            return _("已签收")
        if op == "reply":
            if not reply_form.is_valid():
                return None
            services.delivery_reply(actor=actor, delivery=delivery, text=reply_form.cleaned_data["text"],
                                    attachments=request.FILES.getlist("attachments"))
            return _("已答复，等待发文单位审核")
        if op == "accept":
            services.delivery_accept(actor=actor, delivery=delivery)
            return _("已审核通过")
        if op == "return":
            if not return_form.is_valid():
                return None
            services.delivery_return(actor=actor, delivery=delivery, reason=return_form.cleaned_data["reason"])
            return _("已退回重办")
    except DomainError as error:
        form = {"reply": reply_form, "return": return_form}.get(op)
        if form is not None and form.is_bound and error.field in form.fields:
            add_domain_error(form, error)
        else:
            messages.error(request, error.message)
        return None
    raise NotVisible()


def _delivery_page(request, pk, *, template, mobile=False):
    actor = request.actor
    delivery = selectors.delivery_get(actor=actor, pk=pk)
    handler = services.may_handle(actor, delivery)
    reviewer = services.may_review(actor, delivery)
    reply_form = ReplyForm(request.POST if request.POST.get("op") == "reply" else None)
    return_form = ReturnForm(request.POST if request.POST.get("op") == "return" else None)
    if request.method == "POST":
        done = _handle_post(request, delivery, reply_form=reply_form, return_form=return_form)
        if done is not None:
            messages.success(request, done)
            back = request.POST.get("next", "")
            if back in (reverse("dispatch:inbox"), reverse("dispatch:mobile_inbox")):
                return redirect(back)
            return redirect(request.path)
        delivery = selectors.delivery_get(actor=actor, pk=pk)
    elif handler and delivery.signed_at is not None and delivery.read_at is None:
        delivery = services.delivery_read(actor=actor, delivery=delivery)
    return render(request, template, {
        "delivery": delivery, "dispatch": delivery.dispatch, "handler": handler, "reviewer": reviewer,
        "may_reply": handler and delivery.dispatch.expects_reply
        and delivery.review_state in (ReviewState.NONE, ReviewState.RETURNED),
        "may_review": reviewer and delivery.review_state == ReviewState.PENDING,
        "reply_form": reply_form, "return_form": return_form,
        "attachments": selectors.delivery_reply_attachments(delivery),
        "files": selectors.dispatch_files(delivery.dispatch),
        "opens": selectors.delivery_file_opens([delivery.pk]).get(delivery.pk, []) if reviewer else [],
        "mobile": mobile,
    })


@signed_in
@require_http_methods(["GET", "POST"])
def delivery_detail(request, pk):
    return _delivery_page(request, pk, template="dispatch/delivery.html")


@signed_in
def delivery_attachment(request, pk, attachment_pk):
    """One attachment of a delivery's reply, for whoever may see the delivery (its receiving unit's
    handlers and the sending side); another delivery's attachment answers 404 like a missing one."""
    from fenji.core.files.views import attachment_response

    delivery = selectors.delivery_get(actor=request.actor, pk=pk)
    return attachment_response(selectors.delivery_reply_attachment(delivery, attachment_pk))


@requires(perms.DISPATCH_SEND)
def dispatch_file(request, pk, file_pk):
    """A file of a dispatch, for whoever may send from the sending unit (no open is recorded)."""
    from fenji.core.files.views import attachment_response

    dispatch = selectors.dispatch_get(actor=request.actor, pk=pk)
    return attachment_response(selectors.dispatch_file(dispatch, file_pk))


def _delivery_file(request, pk, file_pk, *, back):
    """A file of the dispatch through one delivery: the receiving unit's handlers after signing (the open
    is recorded for the sender's tracking), the sending side at any time; 404 to anyone else."""
    from fenji.core.files.views import attachment_response

    delivery = selectors.delivery_get(actor=request.actor, pk=pk)
    attachment = selectors.dispatch_file(delivery.dispatch, file_pk)
    try:
        services.dispatch_file_open(actor=request.actor, delivery=delivery, attachment=attachment)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(back, pk=pk)
    return attachment_response(attachment)


@signed_in
def delivery_file(request, pk, file_pk):
    return _delivery_file(request, pk, file_pk, back="dispatch:delivery")


@requires(perms.DELIVERY_HANDLE, channel="mobile")
def mobile_delivery_file(request, pk, file_pk):
    delivery = selectors.delivery_get(actor=request.actor, pk=pk)
    if not services.may_handle(request.actor, delivery):
        raise NotVisible()
    return _delivery_file(request, pk, file_pk, back="dispatch:mobile_delivery")


# --- 移动端 ----------------------------------------------------------------------------------------


@requires(perms.DELIVERY_HANDLE, channel="mobile")
def mobile_inbox(request):
    page = newest_first_page(selectors.delivery_list_inbox(actor=request.actor), **paging(request))
    return render(request, "dispatch/mobile_inbox.html", {
        "page": page, "counts": selectors.delivery_inbox_counts(actor=request.actor), "query": "",
        "first_page": not request.GET.get("after"),
    })


@requires(perms.DELIVERY_HANDLE, channel="mobile")
@require_http_methods(["GET", "POST"])
def mobile_delivery(request, pk):
    delivery = selectors.delivery_get(actor=request.actor, pk=pk)
    if not services.may_handle(request.actor, delivery):
        raise NotVisible()  # the mobile pages are the receiving unit's; the sender tracks on the console
    return _delivery_page(request, pk, template="dispatch/mobile_delivery.html", mobile=True)


# --- 通报 ------------------------------------------------------------------------------------------


def _bulletin(request, data):
    choice = period_choice(request.actor, data, perms.DISPATCH_SEND, own_unit=request.user.unit)
    unit, start, end = choice.unit, choice.start, choice.end
    rows = selectors.dispatch_bulletin(actor=request.actor, root_path=unit.path, start=start, end=end) if unit else []
    table = [{"row": r, "sign_rate": percent(r.sign_rate), "reply_rate": percent(r.reply_rate)} for r in rows]
    return choice.form, unit, start, end, rows, table


@requires(perms.DISPATCH_SEND)
def bulletin(request):
    form, unit, start, end, rows, table = _bulletin(request, request.GET)
    output = request.GET.get("format")
    if output == "xlsx" and unit is not None:
        return exports.bulletin_export(actor=request.actor, unit=unit, start=start, end=end,
                                       rows=rows).response(f"bulletin-{stamp()}.xlsx")
    context = {"form": form, "unit": unit, "start": start, "end": end, "table": table,
               "export_query": query_without(request, "format"), "generated_at": timezone.now()}
    if output == "pdf" and unit is not None:
        from fenji.core.web.pdf import pdf_response

        try:
            pdf = exports.bulletin_pdf_export(actor=request.actor, unit=unit, start=start, end=end, rows=rows,
                                              context=context)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(f"{reverse('dispatch:bulletin')}?{context['export_query']}")
        return pdf_response(pdf, f"bulletin-{timezone.localtime():%Y%m%d-%H%M%S}.pdf")
    return render(request, "dispatch/bulletin.html", context)




def bulletin_text(unit, start, end, rows) -> str:
    """The ranking as the plain-text body of a notice."""
    lines = [_("%(unit)s %(start)s 至 %(end)s 收文办理情况如下（按按时签收率、按时答复率、超期件数排名）：") % {
        "unit": unit.name, "start": start.isoformat(), "end": end.isoformat()}, ""]
    for row in rows:
        lines.append(_("%(rank)s. %(unit)s：收文 %(received)s 件，按时签收率 %(sign)s，按时答复率 %(reply)s，超期 %(overdue)s 件")
                     % {"rank": row.rank, "unit": row.unit_name, "received": row.received,
                        "sign": percent(row.sign_rate), "reply": percent(row.reply_rate), "overdue": row.overdue})
    if not rows:
        lines.append(_("统计期内没有收文。"))
    lines += ["", _("请各单位对照排名，及时签收、按时答复。")]
    return "\n".join(lines)


@requires(perms.DISPATCH_SEND)
@require_POST
def bulletin_issue(request):
    """作为通报下发: a notice to the same subtree carrying the ranking table."""
    form, unit, start, end, rows, _table = _bulletin(request, request.POST)
    if unit is None or form.errors:
        messages.error(request, _("请先选择单位和统计期间"))
        return redirect("dispatch:bulletin")
    title = _("关于%(start)s至%(end)s收文办理情况的通报") % {"start": start.isoformat(), "end": end.isoformat()}
    try:
        dispatch = services.dispatch_send(actor=request.actor, kind=DispatchKind.NOTICE, title=title,
                                          body=bulletin_text(unit, start, end, rows),
                                          targets=services.Targets(subtrees=[unit]))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('dispatch:bulletin')}?unit={unit.pk}&start={start}&end={end}")
    messages.success(request, _("已将通报下发至 %(n)s 个单位") % {"n": dispatch.delivery_count})
    return redirect("dispatch:detail", pk=dispatch.pk)
