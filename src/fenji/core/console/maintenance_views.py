from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fenji.core.access import policy
from fenji.core.access.models import Reach
from fenji.core.kernel.errors import DomainError, reason_against
from fenji.core.kernel.paths import depth_of
from fenji.core.ops import permissions as perms
from fenji.core.ops import selectors, services
from fenji.core.org import selectors as org_selectors
from fenji.core.org.models import Unit
from fenji.core.web.forms import add_domain_error
from fenji.core.web.routes import requires

from .maintenance_forms import MaintenanceForm

LIST_LIMIT = 100


def _state(window, now) -> str:
    if window.cancelled_at is not None:
        return "cancelled"
    if window.ends_at <= now:
        return "ended"
    return "ongoing" if window.starts_at <= now else "upcoming"


@requires(perms.MAINTENANCE_VIEW)
def maintenance_list(request):
    actor, now = request.actor, timezone.now()
    windows = list(selectors.maintenance_list(actor=actor)[:LIST_LIMIT])
    for window in windows:
        window.state = _state(window, now)
        window.can_cancel = not reason_against(services.maintenance_cancel_check, actor=actor, window=window, now=now)
    return render(request, "ops/maintenance_list.html", {
        "windows": windows, "limit": LIST_LIMIT, "can_schedule": policy.can(actor, perms.MAINTENANCE_MANAGE),
    })


def _schedule_units(actor, chosen: Unit | None = None) -> list[tuple[int, str]]:
    """The units the form offers: the tops of the actor's scope and their direct children."""
    roots = policy.scope_roots(actor, perms.MAINTENANCE_MANAGE)
    single = [g.unit_path for g in actor.grants if perms.MAINTENANCE_MANAGE in g.actions and g.reach == Reach.UNIT]
    units = list(Unit.objects.filter(Q(path__in=roots + single) | Q(parent__path__in=roots), status="active")
                 .order_by("path"))
    if chosen is not None and chosen.pk not in {u.pk for u in units}:
        units.append(chosen)
    top = min((depth_of(u.path) for u in units), default=0)
    return [(u.pk, "\u3000" * (depth_of(u.path) - top) + u.name) for u in units]


@requires(perms.MAINTENANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def maintenance_schedule(request):
    actor = request.actor
    chosen = None
    if request.GET.get("unit"):
        chosen = org_selectors.unit_get(actor=actor, pk=request.GET["unit"], action=perms.MAINTENANCE_MANAGE)
    form = MaintenanceForm(request.POST or None, units=_schedule_units(actor, chosen),
                           initial={"unit": chosen.pk if chosen else actor.unit_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = org_selectors.unit_get(actor=actor, pk=data["unit"], action=perms.MAINTENANCE_MANAGE)  # 404 outside
        try:
            window = services.maintenance_schedule(actor=actor, unit=unit, title=data["title"],
                                                   starts_at=data["starts_at"], ends_at=data["ends_at"],
                                                   message=data["message"])
        except DomainError as error:
            add_domain_error(form, error)
            form.fields["unit"].widget.choices = _schedule_units(actor, unit)
        else:
            messages.success(request, f"已安排维护“{window.title}”，{unit.name}及下级单位的工作人员将收到短信通知")
            return redirect("ops:maintenance")
    return render(request, "ops/maintenance_form.html", {"form": form})


@requires(perms.MAINTENANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def maintenance_cancel(request, pk):
    window = selectors.maintenance_get(actor=request.actor, pk=pk, action=perms.MAINTENANCE_MANAGE)
    if request.method == "POST":
        try:
            services.maintenance_cancel(actor=request.actor, window=window)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已取消维护“{window.title}”")
        return redirect("ops:maintenance")
    span = services.span(window)
    return render(request, "web/confirm.html", {
        "title": f"取消维护“{window.title}”",
        "question": f"取消后，{window.unit.name}及下级单位的用户不再看到{span}的维护通知；"
                    "已收到短信的工作人员会再收到一条取消短信。确定要取消吗？",
        "button": "确认取消维护", "cancel_url": reverse("ops:maintenance"),
    })
