"""团组织活动 pages: the organiser's list (search, pages, Excel), the draft form (new and edit), the activity's page
(delete a draft, publish, held, attendance, summary with photos, close), a photo's download; the member's invitations
on the phone."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fenji.core.access import policy
from fenji.core.kernel.errors import DomainError, NotVisible, reason_against
from fenji.core.kernel.inputs import parse_id, parse_ids
from fenji.core.kernel.pagination import newest_first_page
from fenji.core.org.models import Unit, UnitStatus
from fenji.core.org.widgets import filter_form
from fenji.core.web.excel import stamp
from fenji.core.web.forms import form_post
from fenji.core.web.query import export_query, paging
from fenji.core.web.routes import requires, signed_in

from . import activities as services
from . import exports, selectors
from . import module as perms
from .forms import ActivityFilterForm, ActivityForm, ActivitySummaryForm
from .models import ActivityReach, ActivityState
from .orgs import ORG_KINDS


def _publishers(actor):
    """The active League organisations the actor may publish activities for."""
    rows = Unit.objects.filter(policy.scope_q(actor, perms.ACTIVITY_MANAGE, field="path"),
                               kind__in=(*ORG_KINDS, *services.BRANCH_KINDS), status=UnitStatus.ACTIVE).order_by("path")
    return list(rows[:2000])


@requires(perms.ACTIVITY_MANAGE)
@require_http_methods(["GET"])
def activities(request):
    actor = request.actor
    filters, data, unit = filter_form(request, ActivityFilterForm, perms.ACTIVITY_MANAGE)
    rows = selectors.activity_list(actor=actor, state=data.get("state", ""), text=data.get("q", ""), unit=unit)
    if request.GET.get("format") == "xlsx":
        return exports.activities_export(actor=actor, rows=rows).response(f"league-activities-{stamp()}.xlsx")
    page = newest_first_page(rows, **paging(request))
    selectors.with_counts(page.rows)  # each row gets its counts (one grouped query)
    return render(request, "league/activities.html", {"filters": filters, "export_query": export_query(request),
                                                      "page": page})


@requires(perms.ACTIVITY_MANAGE)
@require_http_methods(["GET", "POST"])
def activity_new(request):
    actor = request.actor
    units = _publishers(actor)
    branches = [u for u in units if u.kind in services.BRANCH_KINDS]
    form = ActivityForm(request.POST or None, units=units, branches=branches)
    if request.method == "POST":
        if not units:
            policy.require(actor, perms.ACTIVITY_MANAGE)

        def create(d):
            chosen = next((u for u in units if u.pk == d.pop("unit")), None)
            if chosen is None:
                raise DomainError(_("请选择发布组织"), field="unit")
            return services.activity_create(actor=actor, unit=chosen, **d)

        done = form_post(request, form, create, success=lambda a: reverse("league:activity", args=[a.pk]),
                         message=_("已保存草稿：核对后发布，团员即收到邀请"))
        if done:
            return done
    return render(request, "league/activity_new.html", {"form": form})


@requires(perms.ACTIVITY_MANAGE)
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    """A draft changed before it is published; its organisation stays."""
    actor = request.actor
    item = selectors.activity_get(actor=actor, pk=pk)
    here = reverse("league:activity", args=[item.pk])
    if item.state != ActivityState.DRAFT:
        messages.error(request, _("活动已发布，不能修改"))
        return redirect(here)
    branches = [u for u in _publishers(actor) if u.kind in services.BRANCH_KINDS and u.path.startswith(item.unit_path)]
    initial = {"theme": item.theme, "starts_at": timezone.localtime(item.starts_at),
               "ends_at": timezone.localtime(item.ends_at), "place": item.place, "content": item.content,
               "reach": item.reach, "branches": list(item.branches.values_list("pk", flat=True))}
    form = ActivityForm(request.POST or None, initial=initial, branches=branches)
    del form.fields["unit"]
    if request.method == "POST":
        done = form_post(request, form, lambda d: services.activity_update(actor=actor, activity=item, **d),
                         success=here, message=_("已保存草稿"))
        if done:
            return done
    return render(request, "league/activity_edit.html", {"form": form, "item": item})


@requires(perms.ACTIVITY_MANAGE)
@require_http_methods(["GET", "POST"])
def activity(request, pk):
    actor = request.actor
    item = selectors.activity_get(actor=actor, pk=pk)
    here = reverse("league:activity", args=[item.pk])
    op = request.POST.get("op") if request.method == "POST" else None
    summary = ActivitySummaryForm(request.POST if op == "summary" else None, request.FILES if op == "summary" else None,
                                  initial={"summary": item.summary})
    if op == "summary":
        done = form_post(request, summary, lambda d: services.activity_summary(actor=actor, activity=item, **d),
                         success=here, message=_("已保存活动总结"))
        if done:
            return done
        if item.state != ActivityState.HELD:  # an outdated page: the form is not shown, its error goes up top
            for error in summary.non_field_errors():
                messages.error(request, error)
            return redirect(here)
    elif op == "delete":
        try:
            services.activity_delete(actor=actor, activity=item)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(here)
        messages.success(request, _("已删除活动草稿“%(theme)s”") % {"theme": item.theme})
        return redirect("league:activities")
    elif op in ("publish", "hold", "close", "attendance"):
        run = {"publish": lambda: services.activity_publish(actor=actor, activity=item),
               "hold": lambda: services.activity_hold(actor=actor, activity=item),
               "close": lambda: services.activity_close(actor=actor, activity=item),
               "attendance": lambda: services.attendance_record(
                   actor=actor, activity=item, members=parse_ids(request.POST.getlist("attended")))}
        try:
            run[op]()
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, {"publish": _("已发布，受邀团员已收到活动邀请"), "hold": _("已登记活动举行"),
                                       "close": _("活动已结项"), "attendance": _("已登记参加人员")}[op])
        return redirect(here)
    counts = selectors.activity_counts([item.pk])[item.pk]
    return render(request, "league/activity.html", {
        "item": item, "counts": counts, "invitations": selectors.invitation_list(item)[:500],
        "branches": list(item.branches.all()) if item.reach == ActivityReach.BRANCHES else [],
        "photos": list(services.photos_of(item)), "summary": summary, "state": ActivityState,
        "invited_count": services.invitees(item).count() if item.state == ActivityState.DRAFT else counts["invited"],
        "publish_reason": reason_against(services.activity_publish_check, actor=actor, activity=item),
        "hold_reason": reason_against(services.activity_hold_check, actor=actor, activity=item),
        "close_reason": reason_against(services.activity_close_check, actor=actor, activity=item)})


@requires(perms.ACTIVITY_MANAGE)
@require_http_methods(["GET"])
def activity_photo(request, pk, photo):
    from fenji.core.files.views import attachment_response

    item = selectors.activity_get(actor=request.actor, pk=pk)
    found = services.photos_of(item).filter(pk=photo).first()
    if found is None:
        raise NotVisible("照片不存在", target_type="files.attachment", target_id=photo)
    return attachment_response(found)


@signed_in(channel="mobile")
@require_http_methods(["GET", "POST"])
def m_activities(request):
    """活动 on the phone: the member's invitations, signing up (or cancelling) before the activity starts."""
    mine = selectors.my_invitations(account_id=request.user.pk)
    if request.method == "POST":
        op = request.POST.get("op")
        pk = parse_id(request.POST.get("activity"))
        invitation = mine.filter(activity_id=pk).first() if pk is not None else None
        if invitation is None or op not in ("signup", "cancel"):
            raise NotVisible("活动不存在或您未被邀请")
        service = services.activity_signup if op == "signup" else services.activity_signup_cancel
        try:
            service(actor=request.actor, activity=invitation.activity)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("报名成功") if op == "signup" else _("已取消报名"))
        return redirect("league:m_activities")
    now = timezone.now()
    rows = list(mine[:30])
    for row in rows:
        row.open = row.activity.state == ActivityState.PUBLISHED and row.activity.starts_at > now
    return render(request, "league/m_activities.html", {"rows": rows})
