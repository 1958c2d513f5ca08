"""Writes to grants and business roles, under the duty rules (C3). Every refusal names its rule."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
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


def _delegating_grant(actor, role: Role, unit_path: str, reach: str, subsystem: str,
                      action: str = perms.GRANT_CREATE) -> policy.GrantFact:
    """The actor's own grant under which this grant may be made (or revoked): same subtree, delegable
    role, no wider reach."""
    for grant in actor.grants:
        if action not in grant.actions or not grant.covers(unit_path):
            continue
        if not grant.role.may_delegate(role):
            continue
        if grant.subsystem and subsystem != grant.subsystem:
            continue  # a permission administrator per subsystem hands on only that subsystem
        if REACH_WIDTH[Reach(reach)] > REACH_WIDTH[Reach(grant.reach)]:
            continue
        return grant
    verb = "授予" if action == perms.GRANT_CREATE else "撤销"
    raise RuleViolation(f"您不能{verb}“{role.label}”角色：超出了您本人授权可以下放的范围", rule="ceiling",
                        action=action)


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
def grant_create(*, actor, account, role: str, unit, reach: str = Reach.SUBTREE, subsystem: str = "",
                 valid_until: datetime.datetime | None = None, requested_by=None, approved_by=None) -> Grant:
    """Grant ``role`` at ``unit`` to ``account`` within the actor's own delegable envelope and the duty rules."""
    role_obj = policy.role_for(role)
    if role_obj is None:
        raise DomainError(f"未知角色：{role}", field="role")
    if reach not in Reach.values:
        raise DomainError("授权范围无效", field="reach")
    subsystem = (subsystem or "").strip() or role_obj.subsystem
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
    role = RoleRow.objects.create(code=code, label=label, actions=sorted(set(actions)), subsystem=subsystem.strip(),
                                  description=description.strip(), created_by_id=actor.account_id)
    audit_record(actor=actor, action=perms.ROLE_MANAGE, target=role, details={"code": code, "actions": role.actions})
    return role


@service
def grant_review_record(*, actor, unit, period_start: datetime.date, period_end: datetime.date,
                        findings: str):
    """Record a periodic review of the grant log of ``unit``'s subtree (seed 004 §9(四)): the grants
    made or revoked in the period are counted as the reviewer saw them, with the findings."""
    policy.require(actor, perms.GRANT_REVIEW, unit.path)
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
                                action=perms.GRANT_REVIEW)
    review = GrantReview.objects.create(
        unit=unit, unit_path=unit.path, reviewer_id=actor.account_id, period_start=period_start,
        period_end=period_end, grants_reviewed=summary["reviewed"], grants_created=summary["created"],
        grants_revoked=summary["revoked"], findings=findings,
    )
    audit_record(actor=actor, action=perms.GRANT_REVIEW, target=review, details={
        "unit": unit.name, "period": [period_start.isoformat(), period_end.isoformat()],
        "created": summary["created"], "revoked": summary["revoked"], "reviewed": summary["reviewed"],
    })
    return review
