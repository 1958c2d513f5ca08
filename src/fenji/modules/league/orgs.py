"""League organisations (seed 002, design/domain/league.md §1 Organization and Cadre, §2e): each a core unit of a
League kind plus the League's record. Entry within 30 working days of the approval (complete with the approval
document), revocation within 15 working days of the decision and only with no member left; cadres per
organisation. Each write checks, writes and audits in one transaction."""

import datetime

from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import DomainError
from fenji.core.org.models import Unit

from . import kinds
from . import module as perms
from .models import LeagueStatus, Member
from .services import _choice, _text

# --- League organisations: entry within 30 working days of approval, revocation within 15 of the decision ---------

ORG_ENTRY_DAYS = 30  # working days from the approval to a complete entry (the approval document on file)
ORG_REVOKE_DAYS = 15  # working days from the decision to the revocation carried out
LEADING_KINDS = (kinds.PROVINCE, kinds.CITY, kinds.COUNTY)  # 领导机关
ORG_KINDS = (*LEADING_KINDS, kinds.COMMITTEE, kinds.WORKING_COMMITTEE, kinds.GENERAL_BRANCH, kinds.BRANCH)



def _document_kinds():
    from fenji.core.files.models import FileKind

    return {FileKind.PDF, FileKind.OFD, FileKind.JPG, FileKind.PNG}


def _working_days_after(day: datetime.date, n: int) -> datetime.date:
    from fenji.core.calendar.workdays import add_working_days

    return add_working_days(day, n, provisional=True)


def _attach_approval(actor, org, upload) -> None:
    from fenji.core.files.services import attachment_write

    org.approval_doc = attachment_write(actor=actor, unit=org.unit, upload=upload, kinds=_document_kinds(),
                                        kinds_label="PDF、OFD 或扫描图片")
    org.entry_done_on = org.entry_done_on or timezone.localdate()


@service
def org_create(*, actor, parent: Unit, name: str, kind: str, approved_on: datetime.date, approval_ref: str,
               industry: str = "other", code: str = "", short_name: str = "", founded_on: datetime.date | None = None,
               secretary: str = "", phone: str = "", approval_doc=None):
    """Enter a new League organisation under ``parent``: the core unit (the tree's right, ``org.unit.create``) and
    the League's record. The entry is complete when the approval document is on file, due 30 working days after
    the approval (uploaded now or later)."""
    from fenji.core.org.services import unit_create

    from .models import Industry, Organisation

    if kind not in ORG_KINDS:
        raise DomainError("请选择团组织类型", field="kind")
    today = timezone.localdate()
    if approved_on is None or approved_on > today:
        raise DomainError("批准成立日期不能晚于今天", field="approved_on")
    if founded_on is not None and founded_on < approved_on:
        raise DomainError("成立日期不能早于批准日期", field="founded_on")
    approval_ref = _text(approval_ref, "批准文号", "approval_ref", 100)
    industry = _choice(industry, Industry, "行业类别", "industry")
    secretary = _text(secretary, "书记", "secretary", 50, required=False)
    phone = _text(phone, "联系电话", "phone", 20, required=False)
    unit = unit_create(actor=actor, parent=parent, name=_text(name, "团组织名称", "name", 100), kind=kind,
                       code=_text(code, "团组织代码", "code", 32, required=False),
                       short_name=_text(short_name, "简称", "short_name", 40, required=False), leader=secretary,
                       founded_on=founded_on or approved_on, approval_ref=approval_ref)
    org = Organisation(unit=unit, unit_path=unit.path, industry=industry, secretary=secretary, phone=phone,
                       approved_on=approved_on, entry_due=_working_days_after(approved_on, ORG_ENTRY_DAYS),
                       created_by_id=actor.account_id)
    if approval_doc is not None:
        _attach_approval(actor, org, approval_doc)
    org.save()
    audit_record(actor=actor, action="league.org.create", target=org,
                 details={"name": unit.name, "kind": kind, "approved_on": approved_on.isoformat(),
                          "entry_due": org.entry_due.isoformat(), "document": approval_doc is not None})
    return org


@service
def org_document_upload(*, actor, org, upload):
    """The approval document of an organisation entered without it: the entry is complete on the day it arrives."""
    policy.require(actor, perms.ORG_MANAGE, org.unit_path)
    if upload is None:
        raise DomainError("请上传成立批复文件", field="approval_doc")
    _attach_approval(actor, org, upload)
    org.save(update_fields=["approval_doc", "entry_done_on"])
    audit_record(actor=actor, action="league.org.document", target=org,
                 details={"name": org.approval_doc.original_name, "late": org.entry_done_on > org.entry_due})
    return org


@service
def org_update(*, actor, org, industry: str, secretary: str = "", phone: str = "", retention_pct=None):
    """The organisation's particulars; ``retention_pct`` its 留存比例 (%) of the dues it remits (empty: the
    deployment's default)."""
    policy.require(actor, perms.ORG_MANAGE, org.unit_path)
    from decimal import Decimal, InvalidOperation

    from .models import Industry

    before = {"industry": org.industry, "secretary": org.secretary, "phone": org.phone,
              "retention_pct": None if org.retention_pct is None else str(org.retention_pct)}
    org.industry = _choice(industry, Industry, "行业类别", "industry")
    org.secretary = _text(secretary, "书记", "secretary", 50, required=False)
    org.phone = _text(phone, "联系电话", "phone", 20, required=False)
    if retention_pct is not None and retention_pct != "":
        try:
            retention_pct = Decimal(str(retention_pct).strip())
        except InvalidOperation:
            retention_pct = Decimal(-1)
        if not retention_pct.is_finite() or not 0 <= retention_pct <= 100 or retention_pct != round(retention_pct, 2):
            raise DomainError("留存比例应在 0 至 100 之间，最多两位小数", field="retention_pct")
    else:
        retention_pct = None
    org.retention_pct = retention_pct
    org.save(update_fields=["industry", "secretary", "phone", "retention_pct"])
    audit_record(actor=actor, action="league.org.update", target=org,
                 details={"before": before, "after": {"industry": org.industry, "secretary": org.secretary,
                                                      "phone": org.phone,
                                                      "retention_pct": None if retention_pct is None
                                                      else str(retention_pct)}})
    return org


def org_member_count(org) -> int:
    """Members in good standing in the organisation and below: a revocation waits until none is left."""
    return (Member.objects.unscoped(reason="members block revoking their organisation")
            .filter(unit_path__startswith=org.unit_path, status=LeagueStatus.NORMAL).count())


@service
def org_revoke_decide(*, actor, org, decided_on: datetime.date, reference: str):
    """Record the decision to revoke the organisation (by the organisation above it): the revocation is due 15
    working days later."""
    parent_path = org.unit.parent.path if org.unit.parent_id else org.unit_path
    policy.require(actor, perms.ORG_MANAGE, parent_path)
    if not org.unit.is_active:
        raise DomainError(f"“{org.unit.name}”已撤销")
    if org.revoke_decided_on is not None:
        raise DomainError(f"已于 {org.revoke_decided_on:%Y-%m-%d} 登记撤销决定")
    if decided_on is None or decided_on > timezone.localdate():
        raise DomainError("撤销决定日期不能晚于今天", field="decided_on")
    org.revoke_ref = _text(reference, "撤销决定文号", "reference", 100)
    org.revoke_decided_on, org.revoke_due = decided_on, _working_days_after(decided_on, ORG_REVOKE_DAYS)
    org.save(update_fields=["revoke_ref", "revoke_decided_on", "revoke_due"])
    audit_record(actor=actor, action="league.org.revoke_decide", target=org,
                 details={"decided_on": decided_on.isoformat(), "reference": org.revoke_ref,
                          "due": org.revoke_due.isoformat(), "members": org_member_count(org)})
    return org


@service
def org_revoke(*, actor, org):
    """Carry out a recorded revocation: only with no member left (refused naming how many); the core unit and its
    subtree are revoked (the tree's right, ``org.unit.revoke``)."""
    from fenji.core.org.services import unit_revoke

    if org.revoke_decided_on is None:
        raise DomainError("请先登记撤销决定")
    count = org_member_count(org)
    if count:
        raise DomainError(f"“{org.unit.name}”还有 {count} 名团员，请先办理组织关系转接后再撤销")
    today = timezone.localdate()
    org.unit = unit_revoke(actor=actor, unit=org.unit, revoked_on=today, reference=org.revoke_ref)
    org.revoked_on = today
    org.save(update_fields=["revoked_on"])
    audit_record(actor=actor, action="league.org.revoke", target=org,
                 details={"revoked_on": today.isoformat(), "due": org.revoke_due.isoformat(),
                          "late": today > org.revoke_due})
    return org


@service
def cadre_add(*, actor, org, name: str, position: str, nature: str, since: datetime.date, member: Member | None = None):
    """A cadre of the organisation (书记, 副书记, 委员 …; 专职, 兼职 or 挂职)."""
    from .models import Cadre, CadreNature, CadrePosition

    policy.require(actor, perms.ORG_MANAGE, org.unit_path)
    if not org.unit.is_active:
        raise DomainError(f"“{org.unit.name}”已撤销")
    if since is None or since > timezone.localdate():
        raise DomainError("任职时间不能晚于今天", field="since")
    if member is not None and not member.unit_path.startswith(org.unit_path):
        raise DomainError("该团员不在本团组织", field="member")
    cadre = Cadre.objects.create(
        unit=org.unit, unit_path=org.unit_path, name=_text(name, "姓名", "name", 50),
        position=_choice(position, CadrePosition, "职务", "position"),
        nature=_choice(nature, CadreNature, "性质", "nature"), since=since, member=member)
    audit_record(actor=actor, action="league.cadre.add", target=cadre,
                 details={"name": cadre.name, "position": position, "nature": nature, "org": org.unit.name})
    return cadre


@service
def cadre_end(*, actor, cadre, until: datetime.date):
    policy.require(actor, perms.ORG_MANAGE, cadre.unit_path)
    if cadre.until is not None:
        raise DomainError(f"已于 {cadre.until:%Y-%m-%d} 离任")
    if until is None or until < cadre.since or until > timezone.localdate():
        raise DomainError("离任时间应在任职时间和今天之间", field="until")
    cadre.until = until
    cadre.save(update_fields=["until"])
    audit_record(actor=actor, action="league.cadre.end", target=cadre, details={"until": until.isoformat()})
    return cadre
