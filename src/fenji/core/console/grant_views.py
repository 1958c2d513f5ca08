"""Console pages of the access authority: grants, roles and the administrator registry (管理员报备).

They live in ``people`` because it is the lowest layer that sees accounts, units and grants together
(``access`` may import neither ``org`` nor ``people``). The rules are the services' and the policy's;
these views look rows up in the actor's scope (404 outside it) and show refusals on the form.
"""

from django.contrib import messages
from django.db.models import Case, Value, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from fenji.core.access import permissions as access_perms
from fenji.core.access import policy, registry
from fenji.core.access import selectors as access_selectors
from fenji.core.access import services as access_services
from fenji.core.access.models import Grant
from fenji.core.access.roles import BUILTIN_ROLES, CUSTOM
from fenji.core.kernel.errors import DomainError, NotVisible, reason_against
from fenji.core.kernel.inputs import search_text
from fenji.core.kernel.pagination import keyset_page
from fenji.core.kernel.paths import is_within
from fenji.core.org import selectors as org_selectors
from fenji.core.org.widgets import pick_units_for
from fenji.core.people import permissions as perms
from fenji.core.people import selectors
from fenji.core.people.models import AccountStatus
from fenji.core.web.forms import add_domain_error, form_post
from fenji.core.web.query import numbered_page, query_without, sorted_page
from fenji.core.web.routes import requires

from .grant_forms import GrantFilterForm, GrantForm, GrantRevokeForm, RoleForm

PAGE_SIZE = 20
CANDIDATES = 20


# --- helpers -------------------------------------------------------------------------------------


def _delegable_roles(actor) -> list[tuple[str, str]]:
    """Role choices: the built-in roles the actor's grants may delegate, then the live business roles."""
    builtins, custom_rows = access_selectors.role_list()
    holding = [g for g in actor.grants if access_perms.GRANT_CREATE in g.actions]
    choices = []
    for role in [*builtins, *policy.roles_for({row.code for row in custom_rows}).values()]:
        if any(g.role.may_delegate(role) for g in holding):
            suffix = role.duty.label + (f"·{access_selectors.subsystem_text(role.subsystem)}" if role.subsystem else "")
            choices.append((role.code, f"{role.label}（{suffix}）"))
    return choices


def _state(grant: Grant, now) -> tuple[str, bool]:
    if grant.revoked_at is not None:
        return "已撤销", False
    if grant.valid_until is not None and grant.valid_until <= now:
        return "已过期", False
    if grant.valid_from is not None and grant.valid_from > now:
        return "未生效", False
    return "有效", True


def _decorate(actor, grants: list[Grant]) -> list[Grant]:
    """Role names, state and the revoke button for a page of grants, without a query per row."""
    codes = {g.role for g in grants}
    custom, live = policy.roles_for(codes), policy.roles_for(codes, live_only=True)
    now = timezone.now()
    for grant in grants:
        role = BUILTIN_ROLES.get(grant.role) or custom.get(grant.role)
        grant.role_name = role.label if role else grant.role
        grant.subsystem_label = access_selectors.subsystem_text(grant.subsystem)
        grant.state, grant.state_ok = _state(grant, now)
        grant.can_revoke = not reason_against(access_services.grant_revoke_check, actor=actor, grant=grant,
                                              roles=live)
    return grants


# --- grants --------------------------------------------------------------------------------------



# The grant list's sortable columns.
GRANT_SORTS = {"name": "account__person__real_name", "unit": "unit_path", "role": "role", "granted": "granted_at"}

@requires(access_perms.GRANT_VIEW)
def grant_list(request):
    form = GrantFilterForm(request.GET or None)
    pick_units_for(form, request.actor, access_perms.GRANT_VIEW)
    filters = form.cleaned_data if form.is_valid() else {}
    unit = None
    if filters.get("unit"):
        unit = org_selectors.unit_get(actor=request.actor, pk=filters["unit"], action=access_perms.GRANT_VIEW)
    grants = access_selectors.grant_list(actor=request.actor, unit=unit, text=filters.get("q", ""),
                                         include_revoked=bool(filters.get("revoked")))
    page = sorted_page(request, grants.select_related("granted_by__person"), sorts=GRANT_SORTS, default=keyset_page)
    _decorate(request.actor, page.rows)
    query = query_without(request, "after")
    return render(request, "grants/grant_list.html", {
        "form": form, "page": page, "unit": unit, "query": query,
        "first_page": not request.GET.get("after"),
        "can_create": policy.can(request.actor, access_perms.GRANT_CREATE),
    })


def _grant_units(request, account, query: str, chosen=None) -> list:
    """Where the grant may go: the account's own unit and units below it where the actor may grant."""
    units = []
    if account.unit.is_active and policy.can(request.actor, access_perms.GRANT_CREATE, account.unit_path):
        units.append(account.unit)
    if query:
        found = org_selectors.unit_list_matching(actor=request.actor, text=query, action=access_perms.GRANT_CREATE)
        units += [u for u in found if is_within(u.path, account.unit_path) and u.pk != account.unit_id]
    if chosen is not None and all(u.pk != chosen.pk for u in units):
        units.append(chosen)
    return units


@requires(access_perms.GRANT_CREATE)
@require_http_methods(["GET", "POST"])
def grant_create(request):
    actor = request.actor
    account_pk = request.POST.get("account") or request.GET.get("account")
    if not account_pk:
        query = search_text(request.GET.get("q"))
        candidates = []
        if query:
            candidates = list(selectors.account_list(actor=actor, text=query, status=AccountStatus.ACTIVE)
                              .select_related("person", "unit").order_by("unit_path", "id")[:CANDIDATES])
        return render(request, "grants/grant_create.html", {"query": query, "candidates": candidates,
                                                            "limit": CANDIDATES})

    account = selectors.account_get(actor=actor, pk=account_pk, action=perms.ACCOUNT_VIEW)
    unit_query = search_text(request.GET.get("unit_q"))
    roles = _delegable_roles(actor)
    chosen_unit = None
    form = GrantForm(request.POST or None, initial={"account": account.pk, "unit": account.unit_id},
                     units=_grant_units(request, account, unit_query), roles=roles,
                     subsystems=access_selectors.subsystem_choices())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            chosen_unit = org_selectors.unit_get(actor=actor, pk=data["unit"], action=access_perms.GRANT_CREATE)
            grant = access_services.grant_create(actor=actor, account=account, role=data["role"], unit=chosen_unit,
                                                 reach=data["reach"], subsystem=data.get("subsystem", []),
                                                 valid_until=data["valid_until"])
        except DomainError as error:
            add_domain_error(form, error)
            form.fields["unit"].widget.choices = [
                (u.pk, u.name) for u in _grant_units(request, account, unit_query, chosen_unit)]
        else:
            (grant,) = _decorate(actor, [grant])
            messages.success(request, f"已授予{account.person.real_name}“{grant.role_name}”"
                                      f"（{chosen_unit.name}，{grant.get_reach_display()}）")
            return redirect(f"{reverse('grants:list')}?{urlencode({'q': account.person.real_name})}")
    current = _decorate(actor, list(access_selectors.grant_list(actor=actor).filter(account=account)))
    return render(request, "grants/grant_create.html", {
        "account": account, "form": form, "unit_query": unit_query, "current": current,
        "no_units": not form.fields["unit"].widget.choices,
    })


@requires(access_perms.GRANT_REVOKE)
@require_http_methods(["GET", "POST"])
def grant_revoke(request, pk):
    try:
        grant = access_selectors.grant_list(actor=request.actor, include_revoked=True).get(pk=pk)
    except Grant.DoesNotExist:
        raise NotVisible("授权不存在或不在您的管理范围内", target_type=Grant._meta.label_lower,
                         target_id=pk) from None
    (grant,) = _decorate(request.actor, [grant])
    name = grant.account.person.real_name
    if grant.revoked_at is not None:
        messages.info(request, f"{name}在“{grant.unit.name}”的“{grant.role_name}”授权已于"
                               f"{timezone.localtime(grant.revoked_at):%Y-%m-%d %H:%M}撤销")
        return redirect("grants:list")
    form = GrantRevokeForm(request.POST or None)
    done = form_post(request, form, lambda data: access_services.grant_revoke(
        actor=request.actor, grant=grant, reason=data["reason"]), success=reverse("grants:list"),
        message=f"已撤销{name}在“{grant.unit.name}”的“{grant.role_name}”授权")
    if done:
        return done
    return render(request, "web/confirm.html", {
        "title": f"撤销授权：{name}",
        "question": f"确定要撤销{name}（{grant.account.mobile_masked}）在“{grant.unit.name}”的"
                    f"“{grant.role_name}”授权（{grant.get_reach_display()}）吗？撤销后立即生效，记录保留。",
        "form": form, "button": "确认撤销", "cancel_url": reverse("grants:list"),
    })


# --- roles ---------------------------------------------------------------------------------------


def _action_labels(codes) -> list[str]:
    return [registry.get(code).label if registry.is_declared(code) else code for code in sorted(codes)]


@requires(access_perms.ROLE_VIEW)
def role_list(request):
    builtins, custom_rows = access_selectors.role_list()
    builtin_rows = [{
        "role": role,
        "actions": _action_labels(role.actions),
        "delegates": [BUILTIN_ROLES[code].label for code in BUILTIN_ROLES if code in role.delegates]
        + (["自定义业务角色"] if CUSTOM in role.delegates else []),
    } for role in builtins]
    custom = [{"role": row, "actions": _action_labels(row.actions),
               "subsystem": access_selectors.subsystem_text(row.subsystem)} for row in custom_rows]
    for row in builtin_rows:
        row["subsystem"] = access_selectors.subsystem_text(row["role"].subsystem)
    return render(request, "grants/role_list.html", {
        "builtins": builtin_rows, "custom": custom,
        "can_manage": policy.can(request.actor, access_perms.ROLE_MANAGE),
    })


def _role_actions() -> list[tuple[str, str]]:
    """What a business role may bundle: business actions and read-only actions of any duty."""
    return [(a.code, f"{a.label}（{a.code}{'，只读' if a.read_only else ''}）") for a in registry.all_actions()
            if a.duty == registry.Duty.BUSINESS
            or (a.read_only and a.duty not in (registry.Duty.SECURITY, registry.Duty.AUDIT))]


@requires(access_perms.ROLE_MANAGE)
@require_http_methods(["GET", "POST"])
def role_create(request):
    form = RoleForm(request.POST or None, actions=_role_actions(), subsystems=access_selectors.subsystem_choices())
    done = form_post(request, form, lambda data: access_services.role_create(actor=request.actor, **data),
                     success=reverse("grants:roles"), message=lambda role: f"已新建业务角色“{role.label}”")
    if done:
        return done
    return render(request, "grants/role_form.html", {"form": form})


# --- 管理员报备 ------------------------------------------------------------------------------------


@requires(access_perms.REGISTRY_VIEW)
def registry_view(request):
    actor = request.actor
    unit = None
    unit_pk = request.GET.get("unit", "")
    if unit_pk:
        unit = org_selectors.unit_get(actor=actor, pk=unit_pk, action=access_perms.REGISTRY_VIEW)
    rank = Case(*(When(role=code, then=Value(n)) for n, code in enumerate(BUILTIN_ROLES)), default=Value(99))
    grants = (access_selectors.registry_list(actor=actor, unit=unit)  # the built-in order: 三员 first, then A/B
              .alias(rank=rank).order_by("unit_path", "rank", "slot", "id"))
    page = numbered_page(request, grants)
    for grant in page.rows:
        grant.role_name = BUILTIN_ROLES[grant.role].label  # registry rows are built-in administrative roles
    query = query_without(request, "page")
    return render(request, "grants/registry.html", {"page": page, "unit": unit, "query": query})
