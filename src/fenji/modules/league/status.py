"""League status (团籍, design/domain/league.md §2d): 满28离团 (not for cadres in office), 自行脱团 after six unpaid
months in a row, 自愿退团 and restoration, each proposed and then reviewed; the periodic check proposes the first
two. The member's record is never deleted: only its status changes on approval."""

import datetime

from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import DomainError
from fenji.core.people.models import Account

from . import module as perms
from .models import DuesBill, LeagueStatus, Member
from .services import _age_on, _text

# --- League status (团籍): proposed, then reviewed; the record is never deleted ------------------------------------

LEAVING_AGE = 28  # 满28周岁离团 (团章), unless in office as a cadre
LAPSE_MONTHS = 6  # consecutive unpaid months that make a member 自行脱团 pending review


def unpaid_streak(member: Member) -> int:
    """How many of the member's latest bills, counted back from the newest, are unpaid in a row."""
    streak = 0
    for paid_at in (DuesBill.objects.unscoped(reason="the member's own bills").filter(member=member)
                    .order_by("-month").values_list("paid_at", flat=True)[:LAPSE_MONTHS * 4]):
        if paid_at is not None:
            break
        streak += 1
    return streak


def in_office(member: Member) -> bool:
    from .models import Cadre

    return Cadre.objects.unscoped(reason="the member's own posts").filter(member=member, until__isnull=True).exists()


def _status_check(member: Member, kind: str, today: datetime.date) -> None:
    from .models import StatusKind

    if kind == StatusKind.RESTORE:
        if member.status == LeagueStatus.NORMAL:
            raise DomainError("该团员团籍正常，无需恢复")
        return
    if member.status != LeagueStatus.NORMAL:
        raise DomainError(f"该团员团籍状态为{member.get_status_display()}")
    if kind == StatusKind.AGE:
        age = _age_on(member.person.birth_date, today)
        if age is None or age < LEAVING_AGE:
            raise DomainError(f"该团员未满 {LEAVING_AGE} 周岁")
        if in_office(member):
            raise DomainError("该团员担任团干部，任职期间保留团籍")
    elif kind == StatusKind.LAPSED:
        streak = unpaid_streak(member)
        if streak < LAPSE_MONTHS:
            raise DomainError(f"该团员连续 {streak} 个月未交纳团费，不足 {LAPSE_MONTHS} 个月")


@service
def status_propose(*, actor, member: Member, kind: str, reason: str = ""):
    """Propose a change of the member's League status, to be reviewed: 自愿退团 by the member themself (or the
    organisation on their written request), the others by the organisation; the periodic check proposes the
    age-28 and six-unpaid-months cases as the system."""
    from .models import StatusCase, StatusKind

    if kind not in StatusKind.values:
        raise DomainError("请选择团籍变动类型", field="kind")
    own = actor.account_id is not None and Account.objects.unscoped(reason="the actor's own account").filter(
        pk=actor.account_id, person_id=member.person_id).exists()
    if not (own and kind == StatusKind.WITHDRAW):
        policy.require(actor, perms.STATUS_HANDLE, member.unit_path)
    member = Member.objects.unscoped(reason="found in scope").select_for_update(of=("self",)).get(pk=member.pk)
    _status_check(member, kind, timezone.localdate())
    if StatusCase.objects.unscoped(reason="one open case per member").filter(member=member,
                                                                               state="pending").exists():
        raise DomainError("该团员已有待审核的团籍变动")
    reason = _text(reason, "事由", "reason", 200, required=kind in (StatusKind.WITHDRAW, StatusKind.RESTORE))
    case = StatusCase.objects.create(unit_id=member.unit_id, unit_path=member.unit_path, member=member, kind=kind,
                                     reason=reason or str(StatusKind(kind).label), proposed_by_id=actor.account_id)
    audit_record(actor=actor, action="league.status.propose", target=case,
                 details={"member": member.person.real_name, "kind": kind, "reason": case.reason})
    return case


@service
def status_decide(*, actor, case, approve: bool, note: str = ""):
    """The reviewing organisation approves (the member's status changes; the record stays) or turns the case down
    with its reason (the status stays)."""
    from .models import STATUS_AFTER, CaseState

    policy.require(actor, perms.STATUS_HANDLE, case.unit_path)
    from .models import StatusCase

    case = StatusCase.objects.unscoped(reason="found in scope").select_for_update(of=("self",)).get(pk=case.pk)
    if case.state != CaseState.PENDING:
        raise DomainError(f"该团籍变动{case.get_state_display()}，不能再审核")
    case.note = _text(note, "审核意见", "note", 200, required=not approve)
    if approve:
        member = Member.objects.unscoped(reason="the member of an approved case").select_for_update(
            of=("self",)).get(pk=case.member_id)
        _status_check(member, case.kind, timezone.localdate())  # still so on the day of the decision
        member.status = STATUS_AFTER[case.kind]
        member.save(update_fields=["status", "updated_at"])
    case.state = CaseState.APPROVED if approve else CaseState.REJECTED
    case.decided_by_id, case.decided_at = actor.account_id, timezone.now()
    case.save(update_fields=["note", "state", "decided_by_id", "decided_at"])
    audit_record(actor=actor, action="league.status.decide", target=case,
                 details={"approve": approve, "kind": case.kind, "note": case.note})
    return case


def status_proposals_due() -> str:
    """The periodic check: propose 满28离团 for members in good standing who have turned 28 and hold no post, and
    自行脱团 for those with six unpaid bills in a row; each waits for review. Members with an open case are left."""
    from django.db.models import Count, Q

    from .models import Cadre, StatusKind

    today = timezone.localdate()
    try:
        born_by = today.replace(year=today.year - LEAVING_AGE)
    except ValueError:  # 29 February
        born_by = today.replace(year=today.year - LEAVING_AGE, day=28)
    members = (Member.objects.unscoped(reason="the periodic status check reads every member")
               .filter(status=LeagueStatus.NORMAL).exclude(status_cases__state="pending"))
    cadres = Cadre.objects.unscoped(reason="posts held now").filter(until__isnull=True, member__isnull=False)
    aged = members.filter(person__birth_date__lte=born_by).exclude(pk__in=cadres.values("member_id"))
    lapsing = (members.annotate(unpaid=Count("bills", filter=Q(bills__paid_at__isnull=True)))
               .filter(unpaid__gte=LAPSE_MONTHS))
    made = 0
    for kind, rows in ((StatusKind.AGE, aged), (StatusKind.LAPSED, lapsing)):
        for member in rows.select_related("person").iterator(chunk_size=1000):
            try:
                status_propose(actor=policy.SYSTEM, member=member, kind=kind)
            except DomainError:
                continue  # not so after all (a paid bill in the streak), or proposed a moment ago
            made += 1
    return f"{made} status cases"
