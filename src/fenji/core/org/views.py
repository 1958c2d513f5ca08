from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from fenji.core.access import policy
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.inputs import parse_id, search_text
from fenji.core.kernel.paths import SEGMENT_WIDTH
from fenji.core.kernel.replicas import replica_reads
from fenji.core.web.forms import form_post
from fenji.core.web.routes import requires

from . import permissions as perms
from . import selectors, services
from .forms import UnitForm, UnitMoveForm, UnitRevokeForm


def _unit_context(request, unit):
    actor = request.actor
    return {
        "unit": unit,
        "ancestors": selectors.unit_list_ancestors(actor=actor, unit=unit),
        "can": {
            code.rsplit(".", 1)[-1]: policy.can(actor, code, unit.path)
            for code in (perms.UNIT_CREATE, perms.UNIT_UPDATE, perms.UNIT_MOVE, perms.UNIT_REVOKE)
        },
    }


@requires(perms.UNIT_VIEW)
@replica_reads
def unit_tree(request):
    roots = selectors.unit_list_roots(actor=request.actor)
    query = search_text(request.GET.get("q"))
    found = list(selectors.unit_list_matching(actor=request.actor, text=query)) if query else None
    parents = selectors.unit_path_labels(u.path[:-SEGMENT_WIDTH] for u in found or ())  # "鼓楼区" twice: which?
    for unit in found or ():
        unit.parent_label = parents.get(unit.path[:-SEGMENT_WIDTH], "")
    return render(request, "org/tree.html", {"roots": roots, "query": query, "found": found})


PICKER_LIMIT = 30


@requires(perms.UNIT_VIEW)
def unit_picker(request):
    """The tree picker's results: units matching ``q``, or the children of ``parent``, or the reader's roots —
    each with its parent path; a parent outside the reader's scope answers 404."""
    actor = request.actor
    parent_pk = parse_id(request.GET.get("parent"))
    text = search_text(request.GET.get("q"))
    if parent_pk is not None:
        parent = selectors.unit_get(actor=actor, pk=parent_pk)
        units = list(selectors.unit_list_children(actor=actor, unit=parent)[:PICKER_LIMIT])
    elif text:
        units = list(selectors.unit_list_matching(actor=actor, text=text, limit=PICKER_LIMIT))
    else:
        units = selectors.unit_list_roots(actor=actor)
    labels = selectors.unit_path_labels({u.path for u in units} | {u.path[:-SEGMENT_WIDTH] for u in units})
    for unit in units:
        unit.has_children = getattr(unit, "has_children", True)  # roots and matches: offered, may be empty
        unit.path_label = labels.get(unit.path, unit.name)
        unit.parent_label = labels.get(unit.path[:-SEGMENT_WIDTH], "")
    return render(request, "org/_picker_results.html", {"units": units})


@requires(perms.UNIT_VIEW)
def unit_children(request, pk):
    """The htmx fragment that unfolds one branch of the tree."""
    unit = selectors.unit_get(actor=request.actor, pk=pk)
    children = selectors.unit_list_children(actor=request.actor, unit=unit)
    return render(request, "org/_children.html", {"children": children})


@requires(perms.UNIT_VIEW)
def unit_detail(request, pk):
    unit = selectors.unit_get(actor=request.actor, pk=pk)
    context = _unit_context(request, unit)
    context["children"] = selectors.unit_list_children(actor=request.actor, unit=unit, include_revoked=True)
    context["stats"] = selectors.unit_subtree_stats(actor=request.actor, unit=unit)
    return render(request, "org/unit_detail.html", context)


@requires(perms.UNIT_CREATE)
@require_http_methods(["GET", "POST"])
def unit_create(request, pk):
    parent = selectors.unit_get(actor=request.actor, pk=pk, action=perms.UNIT_CREATE)
    form = UnitForm(request.POST or None)
    done = form_post(request, form, lambda data: services.unit_create(actor=request.actor, parent=parent, **data),
                     success=lambda unit: reverse("org:unit", args=[unit.pk]),
                     message=lambda unit: f"已新建单位“{unit.name}”")
    if done:
        return done
    context = _unit_context(request, parent)
    context.update(form=form, title=f"在“{parent.name}”下新建单位")
    return render(request, "org/unit_form.html", context)


@requires(perms.UNIT_UPDATE)
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    unit = selectors.unit_get(actor=request.actor, pk=pk, action=perms.UNIT_UPDATE)
    initial = {name: getattr(unit, name) for name in UnitForm.base_fields}
    form = UnitForm(request.POST or None, initial=initial)
    done = form_post(request, form, lambda data: services.unit_update(actor=request.actor, unit=unit, **data),
                     success=reverse("org:unit", args=[unit.pk]), message="单位信息已保存")
    if done:
        return done
    context = _unit_context(request, unit)
    context.update(form=form, title=f"修改“{unit.name}”")
    return render(request, "org/unit_form.html", context)


@requires(perms.UNIT_MOVE)
@require_http_methods(["GET", "POST"])
def unit_move(request, pk):
    unit = selectors.unit_get(actor=request.actor, pk=pk, action=perms.UNIT_MOVE)
    form = UnitMoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            target = selectors.unit_get(actor=request.actor, pk=form.cleaned_data["new_parent"], action=perms.UNIT_MOVE)
            unit = services.unit_move(actor=request.actor, unit=unit, new_parent=target)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已将“{unit.name}”迁移到“{target.name}”之下")
            return redirect("org:unit", pk=unit.pk)
    if request.method == "GET" and (to := parse_id(request.GET.get("to"))) is not None:
        target = selectors.unit_get(actor=request.actor, pk=to, action=perms.UNIT_MOVE)
        return render(request, "web/confirm.html", {
            "title": f"迁移“{unit.name}”",
            "question": f"确定把“{unit.name}”连同全部下级单位、账号和授权迁移到“{target.name}”之下吗？",
            "form": UnitMoveForm(initial={"new_parent": target.pk}), "button": "确认迁移", "button_class": "btn",
            "cancel_url": reverse("org:move", args=[unit.pk]),
        })
    query = search_text(request.GET.get("q"))
    candidates = selectors.unit_list_matching(actor=request.actor, text=query, action=perms.UNIT_MOVE) if query else []
    context = _unit_context(request, unit)
    context.update(query=query, candidates=candidates)
    return render(request, "org/unit_move.html", context)


@requires(perms.UNIT_REVOKE)
@require_http_methods(["GET", "POST"])
def unit_revoke(request, pk):
    unit = selectors.unit_get(actor=request.actor, pk=pk, action=perms.UNIT_REVOKE)
    form = UnitRevokeForm(request.POST or None)
    done = form_post(request, form, lambda data: services.unit_revoke(
        actor=request.actor, unit=unit, revoked_on=data["revoked_on"], reference=data["reference"]),
        success=reverse("org:unit", args=[unit.pk]), message=f"已撤销“{unit.name}”及其下级单位")
    if done:
        return done
    return render(request, "web/confirm.html", {
        "title": f"撤销“{unit.name}”",
        "question": f"撤销后“{unit.name}”及其全部下级单位将标记为已撤销（记录保留，不删除）。"
                    "只有在其下已无在用账号时才能撤销。确定要撤销吗？",
        "form": form, "button": "确认撤销", "cancel_url": reverse("org:unit", args=[unit.pk]),
    })
