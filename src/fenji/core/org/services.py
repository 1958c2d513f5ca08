"""Every write to the tree: check, validate, write and audit in one transaction."""

import datetime

from django.db.models import F

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.models import org_owned_models
from fenji.core.kernel.paths import SEGMENT_WIDTH, is_within, subtree_q

from . import permissions as perms
from .census import census_created, census_moved, census_revoked
from .kinds import kind_known
from .models import Unit, UnitStatus
from .tree import lock_tree, next_child_path, rewrite_prefix

EDITABLE_FIELDS = ("name", "short_name", "code", "kind", "sort_order", "leader", "founded_on", "approval_ref")


def _validate_fields(fields: dict, *, instance: Unit | None = None) -> dict:
    cleaned = {k: v for k, v in fields.items() if k in EDITABLE_FIELDS}
    if "name" in cleaned:
        cleaned["name"] = (cleaned["name"] or "").strip()
        if not cleaned["name"]:
            raise DomainError("请填写单位名称", field="name")
    if "kind" in cleaned and not kind_known(cleaned["kind"]) and (instance is None or cleaned["kind"] != instance.kind):
        raise DomainError("单位类型无效", field="kind")
    if "code" in cleaned:
        cleaned["code"] = (cleaned["code"] or "").strip() or None
        if cleaned["code"]:
            clash = Unit.objects.filter(code=cleaned["code"])
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                raise DomainError(f"单位代码 {cleaned['code']} 已被其他单位使用", field="code")
    return cleaned


@service
def unit_create(*, actor, parent: Unit | None, name: str, kind: str, **fields) -> Unit:
    if parent is None:
        if actor is not policy.SYSTEM:
            raise DomainError("只有平台初始化可以创建根单位")
    else:
        policy.require(actor, perms.UNIT_CREATE, parent.path)
    cleaned = _validate_fields({"name": name, "kind": kind, **fields})
    lock_tree()
    if parent is not None:
        parent = Unit.objects.get(pk=parent.pk)  # re-read under the lock: the parent may have moved
        if not parent.is_active:
            raise DomainError(f"上级单位“{parent.name}”已撤销，不能在其下新建单位")
    path = next_child_path(parent)
    unit = Unit.objects.create(parent=parent, path=path, depth=len(path) // SEGMENT_WIDTH, **cleaned)
    census_created(unit)
    audit_record(actor=actor, action=perms.UNIT_CREATE, target=unit, details={"name": unit.name, "kind": unit.kind})
    return unit


@service
def unit_update(*, actor, unit: Unit, **fields) -> Unit:
    policy.require(actor, perms.UNIT_UPDATE, unit.path)
    cleaned = _validate_fields(fields, instance=unit)
    before = {k: str(getattr(unit, k)) for k in cleaned}
    for key, value in cleaned.items():
        setattr(unit, key, value)
    unit.save(update_fields=[*cleaned, "updated_at"])
    after = {k: str(getattr(unit, k)) for k in cleaned}
    changed = {k: {"before": before[k], "after": after[k]} for k in cleaned if before[k] != after[k]}
    audit_record(actor=actor, action=perms.UNIT_UPDATE, target=unit, details={"changes": changed})
    return unit


@service
def unit_move(*, actor, unit: Unit, new_parent: Unit) -> Unit:
    policy.require(actor, perms.UNIT_MOVE, unit.path)
    policy.require(actor, perms.UNIT_MOVE, new_parent.path)  # the destination is re-checked too
    lock_tree()
    unit = Unit.objects.get(pk=unit.pk)
    new_parent = Unit.objects.get(pk=new_parent.pk)
    if is_within(new_parent.path, unit.path):
        raise DomainError("不能将单位迁移到其自身或其下级单位之下", field="new_parent")
    if not new_parent.is_active:
        raise DomainError(f"目标上级单位“{new_parent.name}”已撤销", field="new_parent")
    if unit.parent_id == new_parent.pk:
        raise DomainError("该单位已在目标上级单位之下", field="new_parent")
    old_path, old_parent = unit.path, unit.parent
    new_path = next_child_path(new_parent)
    depth_delta = (len(new_path) - len(old_path)) // SEGMENT_WIDTH
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
    rewrite_prefix(Unit.objects.all(), "path", old_path, new_path, depth=F("depth") + depth_delta)
    for model in org_owned_models():
        rewrite_prefix(model._default_manager.unscoped(reason="a moved subtree carries its rows"), "unit_path",
                       old_path, new_path)
    unit.refresh_from_db()
    census_moved(unit, old_path)
    audit_record(
        actor=actor,
        action=perms.UNIT_MOVE,
        target=unit,
        details={"from_parent": old_parent.name if old_parent else "", "to_parent": new_parent.name,
                 "old_path": old_path, "new_path": new_path},
    )
    return unit


@service
def unit_revoke(*, actor, unit: Unit, revoked_on: datetime.date, reference: str) -> Unit:
    """Revoke a unit and its subtree: refused while anything in it still blocks (e.g. active accounts)."""
    policy.require(actor, perms.UNIT_REVOKE, unit.path)
    reference = (reference or "").strip()
    if not reference:
        raise DomainError("请填写撤销批准文号", field="reference")
    if revoked_on is None:
        raise DomainError("请填写撤销日期", field="revoked_on")
    lock_tree()
    unit = Unit.objects.get(pk=unit.pk)
    if not unit.is_active:
        raise DomainError(f"“{unit.name}”已于 {unit.revoked_on} 撤销")
    if unit.parent_id is None:
        raise DomainError("根单位不能撤销")
    for model in org_owned_models():
        if model.revoke_blocker is None:
            continue
        count = (model._default_manager.unscoped(reason="rows that block revoking a unit")
                 .filter(subtree_q("unit_path", unit.path)).filter(model.revoke_blocker).count())
        if count:
            raise DomainError(
                f"“{unit.name}”及其下级单位仍有 {count} 个{model.revoke_blocker_label}，"
                f"请先转出或注销后再撤销"
            )
    revoked = Unit.objects.filter(unit.subtree_q(), status=UnitStatus.ACTIVE).update(
        status=UnitStatus.REVOKED, revoked_on=revoked_on, revoked_ref=reference
    )
    census_revoked(unit, revoked)
    unit.refresh_from_db()
    audit_record(
        actor=actor, action=perms.UNIT_REVOKE, target=unit,
        details={"reference": reference, "revoked_on": str(revoked_on), "units_revoked": revoked},
    )
    return unit
