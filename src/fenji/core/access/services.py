"""Writes to grants and business roles, under the duty rules (C3). Every refusal names its rule."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel import modules
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.kernel.paths import depth_of, is_within

from . import permissions as perms
from . import policy, registry, rules
from .models import REACH_WIDTH, DutyHold, Grant, GrantReview, Reach
from .models import Role as RoleRow
from .roles import BUILTIN_ROLES, Role
from .selectors import grant_log_summary

STAFF_KIND = "staff"


class RuleViolation(AccessDenied):
    """A duty rule refused the grant; ``rule`` is its name, the message says which rule in Chinese."""


def subsystem_codes(text: str) -> frozenset[str]:
    """The subsystem codes a grant's ``subsystem`` column names (comma-separated; "": none)."""
    return frozenset(code for code in (part.strip() for part in (text or "").split(",")) if code)


def _concerns(role: Role, subsystem: str) -> frozenset[str] | None:
    """The subsystems a grant of ``role`` (with ``subsystem`` stored on it) reaches into: its role's own
    subsystem, or for a delegating role the subsystems it is limited to; None when it is platform-wide."""
    if role.subsystem:
        return frozenset({role.subsystem})
    if role.delegates and subsystem:
        return subsystem_codes(subsystem)
    return None


def _subsystem_words(codes) -> str:
    return "、".join(f"“{modules.subsystem_label(code)}”" for code in sorted(codes))


def _delegating_grant(actor, role: Role, unit_path: str, reach: str, subsystem: str,
                      action: str = perms.GRANT_CREATE) -> policy.GrantFact:
    """The actor's own grant under which this grant may be made (or revoked): same subtree, delegable
    role, within the subsystems the actor's grant is limited to, no wider reach."""
    concerns = _concerns(role, subsystem)
    limited = None  # a grant that would do but for its subsystems: its refusal names them
    for grant in actor.grants:
        if action not in grant.actions or not grant.covers(unit_path):
            continue
        if not grant.role.may_delegate(role):
            continue
        if REACH_WIDTH[Reach(reach)] > REACH_WIDTH[Reach(grant.reach)]:
            continue
        limits = subsystem_codes(grant.subsystem)
        if limits and (concerns is None or not concerns <= limits):
            limited = limited or grant  # a permission administrator per subsystem hands on only those (§7)
            continue
        return grant
    verb = "授予" if action == perms.GRANT_CREATE else "撤销"
    if limited is not None:
        limits = subsystem_codes(limited.subsystem)
        if concerns is None:
            what = f"不属于任何子系统的“{role.label}”"
        elif role.subsystem:
            what = f"{_subsystem_words(concerns)}子系统的角色“{role.label}”"
        else:
            what = f"限于{_subsystem_words(concerns)}子系统的“{role.label}”"
        raise RuleViolation(f"您的{limited.role.label}授权限于{_subsystem_words(limits)}子系统，不能{verb}{what}",
                            rule="subsystem_limit", action=action)
    raise RuleViolation(f"您不能{verb}“{role.label}”角色：超出了您本人授权可以下放的范围", rule="ceiling",
                        action=action)


def _grant_subsystem(role: Role, subsystem) -> str:
    """What a new grant of ``role`` stores as its subsystem: the role's own, or for a role whose holders
    delegate (a permission administrator) the live subsystems it is limited to ("": unlimited)."""
    if isinstance(subsystem, str):
        codes = subsystem_codes(subsystem)
    else:
        codes = frozenset(code.strip() for code in subsystem or () if code and code.strip())
    if role.subsystem:
        if codes and codes != {role.subsystem}:
            raise DomainError(f"“{role.label}”属于“{modules.subsystem_label(role.subsystem)}”子系统，"
                              f"不能授予为{_subsystem_words(codes)}子系统的权限", field="subsystem")
        return role.subsystem
    if not codes:
        return ""
    if not role.delegates:
        raise DomainError(f"“{role.label}”不属于任何子系统，也不下放角色，不能限定子系统", field="subsystem")
    live = {declared.code for declared in modules.live_subsystems()}
    unknown = sorted(codes - live)
    if unknown:
        raise DomainError(f"未知子系统：{'、'.join(unknown)}", field="subsystem")
    return ",".join(sorted(codes))


def _check_grantee(*, actor, account, role: Role, unit) -> None:
    if not account.is_active:
        raise DomainError("该账号已停用，不能授权", field="account")
    if not unit.is_active:
        raise DomainError(f"“{unit.name}”已撤销，不能在其上授权", field="unit")
    if actor is not policy.SYSTEM and not is_within(unit.path, account.unit_path):
        raise RuleViolation("授权单位必须是被授权人所在单位或其下级单位", rule="grant_outside_home",
                            action=perms.GRANT_CREATE)
    if not role.builtin and any(duty.carried_by(role) for duty in rules.ADMIN_DUTIES):
        # role_create refuses these; a row changed behind its back still carries no administrator duty
        raise RuleViolation(f"业务角色“{role.label}”含有管理权限，不能授予", rule="role_single_duty",
                            action=perms.GRANT_CREATE)
    if role.is_admin and account.kind != STAFF_KIND:
        raise RuleViolation(f"“{role.label}”只能授予工作人员账号", rule="admin_staff_only", action=perms.GRANT_CREATE)
    kind_rule = rules.kind_rule_for(role.code, unit.kind)
    if kind_rule:
        raise RuleViolation(f"不能在“{unit.name}”设置{role.label}：{kind_rule.label}", rule="not_at_kind",
                            action=perms.GRANT_CREATE)


def _held_roles(account_id: int) -> list[Role]:
    """The roles of the account's grants not revoked (expired or not yet valid ones too: a duty is
    held until the grant is revoked; archived business roles too)."""
    codes = set(Grant.objects.unscoped(reason="duty rules: the roles an account holds")
                .filter(account_id=account_id, revoked_at__isnull=True).values_list("role", flat=True))
    return list(policy.roles_for(codes).values())


def _labels(roles) -> str:
    return "、".join(dict.fromkeys(role.label for role in roles))


def _hold_exclusive_duties(*, account, role: Role) -> None:
    """In each exclusive set of the profile, claim the duty ``role`` carries: refused when the account
    already carries another duty of the set, by its grants or by its ``DutyHold`` row. The row is
    unique per (account, set), so of two racing grants of different duties one loses."""
    claims = rules.exclusive_duties_of(role)
    if not claims:
        return
    name = account.person.real_name
    held_roles = _held_roles(account.pk)
    for rule, carried in claims:
        def refuse(held: str, duty=carried[0], rule=rule):
            return RuleViolation(f"{name}已担任{held}，不能再担任{role.label}（{duty.label}职责）：{rule.label}",
                                 rule=f"exclusive:{rule.name}", action=perms.GRANT_CREATE)

        if len(carried) > 1:
            raise RuleViolation(f"{role.label}同时承担{'、'.join(d.label for d in carried)}职责：{rule.label}",
                                rule=f"exclusive:{rule.name}", action=perms.GRANT_CREATE)
        duty = carried[0]
        for code, holders in rules.duties_held(held_roles, rule).items():
            if code != duty.code:
                raise refuse(f"{_labels(holders)}（{rules.DUTIES[code].label}职责）")
        row = DutyHold.objects.select_for_update().filter(account=account, rule=rule.name).first()
        if row is not None and row.duty != duty.code:
            other = rules.DUTIES.get(row.duty)
            raise refuse(f"承担{other.label if other else row.duty}职责的角色")
        if row is None:
            try:
                with transaction.atomic():
                    DutyHold.objects.create(account=account, rule=rule.name, duty=duty.code)
            except IntegrityError:
                raise refuse("承担同组其他职责的角色（刚刚授予）") from None


def _release_duties(*, account_id: int) -> None:
    """After a revocation, release each duty that no remaining grant of the account carries. The rows
    are locked before the remaining grants are read, so a grant racing in behind them is counted."""
    rows = list(DutyHold.objects.select_for_update().filter(account_id=account_id))
    if not rows:
        return
    remaining = _held_roles(account_id)
    for row in rows:
        duty = rules.DUTIES.get(row.duty)
        if duty is None or not any(duty.carried_by(role) for role in remaining):
            row.delete()


def _free_seat(*, role: Role, unit) -> int | None:
    limit = rules.per_unit_limit_for(role.code)
    if limit is None:
        return None
    taken = set(Grant.objects.unscoped(reason="seat count for a per-unit limit")
                .filter(unit=unit, role=role.code, revoked_at__isnull=True).values_list("slot", flat=True))
    for seat in range(1, limit.limit + 1):
        if seat not in taken:
            return seat
    raise RuleViolation(f"“{unit.name}”已有 {limit.limit} 名{role.label}，每个单位最多 {limit.limit} 名（{limit.source}）",
                        rule="per_unit_limit", action=perms.GRANT_CREATE)


@service
def grant_create(*, actor, account, role: str, unit, reach: str = Reach.SUBTREE, subsystem: str | list = "",
                 valid_until: datetime.datetime | None = None, requested_by=None, approved_by=None) -> Grant:
    """Grant ``role`` at ``unit`` to ``account`` within the actor's own delegable envelope and the duty rules.

    ``subsystem``: for a role of a subsystem, its own (or nothing); for a role whose holders delegate (a
    permission administrator), the subsystems the grant is limited to (codes, a list or comma-separated)."""
    role_obj = policy.role_for(role)
    if role_obj is None:
        raise DomainError(f"未知角色：{role}", field="role")
    if reach not in Reach.values:
        raise DomainError("授权范围无效", field="reach")
    subsystem = _grant_subsystem(role_obj, subsystem)
    if valid_until is not None and valid_until <= timezone.now():
        raise DomainError("有效期必须晚于当前时间", field="valid_until")
    if actor is not policy.SYSTEM:
        policy.require(actor, perms.GRANT_CREATE, unit.path)
        if account.pk == actor.account_id:
            raise RuleViolation("不能给自己授权", rule="self_grant", action=perms.GRANT_CREATE)
        envelope = _delegating_grant(actor, role_obj, unit.path, reach, subsystem)
        if envelope.valid_until and (valid_until is None or valid_until > envelope.valid_until):
            valid_until = envelope.valid_until  # never outlives the grant it was made under
    if requested_by is not None and approved_by is not None and requested_by.pk == approved_by.pk:
        raise RuleViolation("审批人不能是申请人本人", rule="approver_is_requester", action=perms.GRANT_CREATE)
    _check_grantee(actor=actor, account=account, role=role_obj, unit=unit)
    type(unit).objects.select_for_update().filter(pk=unit.pk).first()  # serialize seat counting per unit
    if Grant.objects.unscoped(reason="duplicate check").filter(account=account, role=role, unit=unit,
                                                               revoked_at__isnull=True).exists():
        raise DomainError(f"{account.person.real_name}在“{unit.name}”已有“{role_obj.label}”授权")
    _hold_exclusive_duties(account=account, role=role_obj)
    seat = _free_seat(role=role_obj, unit=unit)
    try:
        with transaction.atomic():
            grant = Grant.objects.create(
                account=account, role=role, unit=unit, unit_path=unit.path, reach=reach, subsystem=subsystem,
                slot=seat, valid_until=valid_until, granted_by_id=actor.account_id,
                requested_by=requested_by, approved_by=approved_by,
            )
    except IntegrityError:
        raise RuleViolation(f"“{unit.name}”的{role_obj.label}席位刚被占用，请刷新后重试", rule="per_unit_limit",
                            action=perms.GRANT_CREATE) from None
    audit_record(actor=actor, action=perms.GRANT_CREATE, target=grant, details={
        "account": account.pk, "role": role, "unit": unit.name, "reach": reach, "slot": seat,
        "subsystem": subsystem, "valid_until": valid_until.isoformat() if valid_until else None,
    })
    return grant


def grant_revoke_check(*, actor, grant: Grant, roles: dict[str, Role] | None = None) -> None:
    """Raise why ``actor`` may not revoke ``grant``; the grant list shows its revoke button exactly
    when this passes. ``roles``: the live roles by code, when the caller has them (no query per row)."""
    if actor is not policy.SYSTEM:
        role_obj = (roles.get(grant.role) if roles is not None else policy.role_for(grant.role)) \
            or BUILTIN_ROLES["staff"]
        policy.require(actor, perms.GRANT_REVOKE, grant.unit_path)
        if grant.account_id == actor.account_id:
            raise RuleViolation("不能撤销自己的授权，请由上级或同级其他管理员办理", rule="self_revoke",
                                action=perms.GRANT_REVOKE)
        _delegating_grant(actor, role_obj, grant.unit_path, Reach.SELF, grant.subsystem, perms.GRANT_REVOKE)
    if grant.revoked_at is not None:
        raise DomainError("该授权已撤销")


@service
def grant_revoke(*, actor, grant: Grant, reason: str) -> Grant:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写撤销原因", field="reason")
    grant_revoke_check(actor=actor, grant=grant)
    grant = Grant.objects.unscoped(reason="revoking a grant found in scope").select_for_update().get(pk=grant.pk)
    if grant.revoked_at is not None:
        raise DomainError("该授权已撤销")
    grant.revoked_at = timezone.now()
    grant.revoked_by_id = actor.account_id
    grant.revoke_reason = reason
    grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    _release_duties(account_id=grant.account_id)
    audit_record(actor=actor, action=perms.GRANT_REVOKE, target=grant, details={"role": grant.role,
                                                                               "reason": reason})
    return grant


@service
def role_create(*, actor, code: str, label: str, actions: list[str], subsystem: str = "",
                description: str = "") -> RoleRow:
    """A business role defined as data: business actions, and read-only views of units and people.

    Roles are platform-wide, so only a security administrator of a top unit defines them.
    """
    policy.require(actor, perms.ROLE_MANAGE)
    if actor is not policy.SYSTEM and not any(
        perms.ROLE_MANAGE in g.actions and g.reach == Reach.SUBTREE and depth_of(g.unit_path) == 1
        for g in actor.grants
    ):
        raise RuleViolation("业务角色全平台通用，只能由最上级单位的安全保密管理员定义", rule="role_manage_top",
                            action=perms.ROLE_MANAGE)
    code, label = (code or "").strip(), (label or "").strip()
    if not code or not label:
        raise DomainError("请填写角色代码和名称")
    if code in BUILTIN_ROLES or RoleRow.objects.filter(code=code).exists():
        raise DomainError(f"角色代码 {code} 已存在", field="code")
    if not actions:
        raise DomainError("请至少选择一项权限", field="actions")
    for action in actions:
        if not registry.is_declared(action):
            raise DomainError(f"未知权限：{action}", field="actions")
        declared = registry.get(action)
        reads_other_duty = declared.read_only and declared.duty in (registry.Duty.SECURITY, registry.Duty.AUDIT)
        if (declared.duty != registry.Duty.BUSINESS and not declared.read_only) or reads_other_duty:
            raise RuleViolation(f"业务角色不能包含管理权限“{declared.label}”", rule="role_single_duty",
                                action=perms.ROLE_MANAGE)
    subsystem = (subsystem or "").strip()
    if subsystem and subsystem not in {declared.code for declared in modules.live_subsystems()}:
        raise DomainError(f"未知子系统：{subsystem}", field="subsystem")
    for action in actions:
        # an action of a subsystem is held only through a role of that subsystem (policy.can)
        own = modules.action_subsystem(action)
        if own and own != subsystem:
            raise RuleViolation(f"“{registry.get(action).label}”属于“{modules.subsystem_label(own)}”子系统，"
                                f"只能放入该子系统的角色", rule="role_subsystem", action=perms.ROLE_MANAGE)
    role = RoleRow.objects.create(code=code, label=label, actions=sorted(set(actions)), subsystem=subsystem,
                                  description=description.strip(), created_by_id=actor.account_id)
    audit_record(actor=actor, action=perms.ROLE_MANAGE, target=role, details={"code": code, "actions": role.actions})
    return role


@service
def grant_review_record(*, actor, unit, period_start: datetime.date, period_end: datetime.date,
                        findings: str, subsystem: str = ""):
    """Record a periodic review of the grant log of ``unit``'s subtree (seed 004 §9(四)), of one subsystem's
    grants when named: the grants made or revoked in the period are counted as the reviewer saw them, with
    the findings. A permission administrator limited to some subsystems reviews one of them at a time."""
    policy.require(actor, perms.GRANT_REVIEW, unit.path)
    subsystem = (subsystem or "").strip()
    if subsystem and subsystem not in {declared.code for declared in modules.live_subsystems()}:
        raise DomainError(f"未知子系统：{subsystem}", field="subsystem")
    limits = [subsystem_codes(g.subsystem) for g in actor.grants
              if perms.GRANT_REVIEW in g.actions and g.covers(unit.path)]
    if actor is not policy.SYSTEM and limits and all(limits) and not any(subsystem in own for own in limits):
        raise RuleViolation(f"您的权限审查限于{_subsystem_words(frozenset().union(*limits))}子系统，请选择其中一个子系统",
                            rule="subsystem_limit", action=perms.GRANT_REVIEW)
    if actor.account_id is None:
        raise DomainError("权限审查须由审查人本人的账号记录")
    findings = (findings or "").strip()
    if not findings:
        raise DomainError("请填写审查发现（未发现问题也请注明）", field="findings")
    if period_start is None or period_end is None:
        raise DomainError("请填写审查期间", field="period_start")
    if period_end < period_start:
        raise DomainError("审查期间的结束日期不能早于开始日期", field="period_end")
    if period_end > timezone.localdate():
        raise DomainError("审查期间不能晚于今天", field="period_end")
    summary = grant_log_summary(actor=actor, unit_path=unit.path, start=period_start, end=period_end,
                                action=perms.GRANT_REVIEW, subsystem=subsystem)
    review = GrantReview.objects.create(
        unit=unit, unit_path=unit.path, reviewer_id=actor.account_id, period_start=period_start, subsystem=subsystem,
        period_end=period_end, grants_reviewed=summary["reviewed"], grants_created=summary["created"],
        grants_revoked=summary["revoked"], findings=findings,
    )
    audit_record(actor=actor, action=perms.GRANT_REVIEW, target=review, details={
        "unit": unit.name, "period": [period_start.isoformat(), period_end.isoformat()], "subsystem": subsystem,
        "created": summary["created"], "revoked": summary["revoked"], "reviewed": summary["reviewed"],
    })
    return review
