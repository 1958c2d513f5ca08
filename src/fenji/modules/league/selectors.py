"""Reads of the league module within the reader's scope: members, the month's dues collection per branch, members in
arrears, and a member's own bills."""

import datetime

from django.db.models import Count, F, Q, Sum

from fenji.core.kernel.errors import DomainError, NotVisible
from fenji.core.kernel.inputs import parse_id
from fenji.core.kernel.pagination import LIST_COUNT_LIMIT, PAGE_SIZE, Page, capped_count, keyset_page

from . import module as perms
from .models import DuesBill, LeagueStatus, Member

ARREARS_WARNING = 3  # unpaid months after which the member is warned


def member_list(*, actor, action: str = perms.MEMBER_VIEW, unit=None, text: str = "", status: str = LeagueStatus.NORMAL):
    rows = Member.objects.visible_to(actor, action).select_related("person", "unit")
    if unit is not None:
        rows = rows.filter(unit_path__startswith=unit.path)
    if status:
        rows = rows.filter(status=status)
    if text:
        rows = rows.filter(Q(person__real_name__contains=text) | Q(development_no__startswith=text))
    return rows


def member_page(members, *, after: str = "", size: int = PAGE_SIZE, page: int | None = None,
                count_limit: int = LIST_COUNT_LIMIT) -> Page:
    """One page of ``members`` in (unit_path, id) order, counted up to ``count_limit`` ("1000+"): the first page of a
    province's five million members reads one index range, not every row."""
    return keyset_page(members, after=after, size=size, page=page, total=capped_count(members, count_limit))


def member_get(*, actor, pk, action: str = perms.MEMBER_VIEW) -> Member:
    row_id = parse_id(pk)  # an id beyond the database's integers answers like a missing one
    member = member_list(actor=actor, action=action, status="").filter(pk=row_id).first() if row_id is not None else None
    if member is None:
        raise NotVisible("团员不存在或不在您的管理范围内", target_type=Member._meta.label_lower, target_id=pk)
    return member


def member_of(account) -> Member | None:
    """The signed-in member's own record."""
    return (Member.objects.unscoped(reason="the signed-in member's own record").select_related("unit")
            .filter(person_id=account.person_id).first())


def bill_list(*, actor, unit=None, month: datetime.date | None = None, unpaid: bool = False):
    rows = DuesBill.objects.visible_to(actor, perms.DUES_VIEW).select_related("member__person", "unit")
    if unit is not None:
        rows = rows.filter(unit_path__startswith=unit.path)
    if month is not None:
        rows = rows.filter(month=month)
    if unpaid:
        rows = rows.filter(paid_at__isnull=True)
    return rows


def collection_by_branch(rows) -> list[dict]:
    """Per branch: bills, paid, amounts due and collected, and the collection rate (团费收缴率)."""
    grouped = (rows.order_by().values("unit_id", "unit__name")
               .annotate(bills=Count("id"), paid=Count("id", filter=Q(paid_at__isnull=False)),
                         due=Sum("amount"), collected=Sum("amount", filter=Q(paid_at__isnull=False)))
               .order_by("unit__name"))
    return [{**row, "collected": row["collected"] or 0, "rate": row["paid"] / row["bills"] if row["bills"] else None}
            for row in grouped]


def my_bills(member: Member):
    return (DuesBill.objects.unscoped(reason="the member's own bills").filter(member=member)
            .order_by("-month"))


def arrears(*, actor, unit=None, months: int = ARREARS_WARNING):
    """Members with ``months`` or more unpaid bills (warned: six in a row makes them 自行脱团 pending review)."""
    return (member_list(actor=actor, action=perms.DUES_VIEW, unit=unit)
            .annotate(unpaid=Count("bills", filter=Q(bills__paid_at__isnull=True))).filter(unpaid__gte=months))


# --- 组织关系转接 -----------------------------------------------------------------------------------------


def transfer_list(*, actor, state: str = "", since: datetime.date | None = None, until: datetime.date | None = None,
                  text: str = "", unit=None):
    """Transfers from or to a branch in the actor's reach: each side sees the transfer, not the other's records.
    ``since``/``until``: the days it was started in (local, both included); ``text``: the member's name; ``unit``:
    out of or into its subtree (as the statistics count them)."""
    from django.utils import timezone

    from fenji.core.kernel.paths import subtree_q

    from .models import Transfer, TransferState

    q = actor.scope_q(perms.TRANSFER_HANDLE) | actor.scope_q(perms.TRANSFER_HANDLE, field="to_unit__path")
    rows = (Transfer.objects.unscoped(reason="scoped on either side of the transfer").filter(q)
            .select_related("member__person", "unit", "to_unit"))
    if state in TransferState.values:
        rows = rows.filter(state=state)
    zone = timezone.get_current_timezone()
    if since:
        rows = rows.filter(created_at__gte=datetime.datetime.combine(since, datetime.time.min, tzinfo=zone))
    if until:
        day_after = until + datetime.timedelta(days=1)
        rows = rows.filter(created_at__lt=datetime.datetime.combine(day_after, datetime.time.min, tzinfo=zone))
    if unit is not None:
        rows = rows.filter(subtree_q("unit_path", unit.path) | subtree_q("to_unit__path", unit.path))
    if text:
        rows = rows.filter(member__person__real_name__contains=text)
    return rows


def member_by_id_number(id_number: str):
    """The member with this ID number, wherever they are: the receiving branch names the member it asks for (办理转入),
    and sees nothing of them until the sending side approves. Refused with the reason when there is none."""
    from fenji.core.kernel.crypto import blind_index
    from fenji.core.people.identity import parse_id_number

    from .models import Member

    number = parse_id_number(id_number or "").number
    found = (Member.objects.unscoped(reason="the receiving branch names the member it receives")
             .filter(person__id_number_hash=blind_index(number)).first())
    if found is None:
        raise DomainError("没有找到该身份证号码的团员：新团员请直接录入", field="id_number")
    return found


def transfer_get(*, actor, pk):
    from .models import Transfer

    row_id = parse_id(pk)  # an id beyond the database's integers answers like a missing one
    transfer = transfer_list(actor=actor).filter(pk=row_id).first() if row_id is not None else None
    if transfer is None:
        raise NotVisible("转接不存在或不在您的管理范围内", target_type=Transfer._meta.label_lower, target_id=pk)
    return transfer


def my_transfers(member: Member):
    from .models import Transfer

    return (Transfer.objects.unscoped(reason="the member's own transfers").filter(member=member)
            .select_related("unit", "to_unit").order_by("-created_at"))


def transfer_todos(actor):
    """Transfers waiting for a side the actor reviews for: the sender's stage at its branches, the receiver's at
    theirs; due five working days after the stage began."""
    from django.utils import timezone as tz

    from fenji.core.kernel.modules import Todo

    from .models import TransferState

    out = actor.scope_q(perms.TRANSFER_HANDLE) & Q(state=TransferState.OUT_REVIEW)
    inward = actor.scope_q(perms.TRANSFER_HANDLE, field="to_unit__path") & Q(state=TransferState.IN_REVIEW)
    rows = transfer_list(actor=actor).filter(out | inward).order_by("stage_due")[:50]
    return [Todo("league.transfer", "待审核的组织关系转接", f"{t.member.person.real_name}：{t.unit.name} → {t.to_unit.name}",
                 f"/league/transfers/{t.pk}/",
                 tz.make_aware(datetime.datetime.combine(t.stage_due, datetime.time(17, 30))) if t.stage_due else None,
                 t.unit.name, "league:transfers") for t in rows]


# --- members' own edits ----------------------------------------------------------------------------------------


def edit_list(*, actor, state: str = "pending"):
    from .models import MemberEdit

    rows = MemberEdit.objects.visible_to(actor, perms.MEMBER_REVIEW).select_related("member__person", "unit")
    return rows.filter(state=state) if state else rows


def edit_get(*, actor, pk):
    from .models import MemberEdit

    row_id = parse_id(pk)  # an id beyond the database's integers answers like a missing one
    edit = edit_list(actor=actor, state="").filter(pk=row_id).first() if row_id is not None else None
    if edit is None:
        raise NotVisible("修改申请不存在或不在您的管理范围内", target_type=MemberEdit._meta.label_lower, target_id=pk)
    return edit


def my_edits(member: Member):
    from .models import MemberEdit

    return MemberEdit.objects.unscoped(reason="the member's own edits").filter(member=member).order_by("-created_at")


def edit_todos(actor):
    from django.utils import timezone as tz

    from fenji.core.kernel.modules import Todo

    rows = edit_list(actor=actor).order_by("due_on", "id")[:50]
    return [Todo("league.edit", "待审核的团员信息修改", e.member.person.real_name, f"/league/edits/{e.pk}/",
                 tz.make_aware(datetime.datetime.combine(e.due_on, datetime.time(17, 30))), e.unit.name,
                 "league:edits") for e in rows]


# --- League organisations --------------------------------------------------------------------------------------


def org_list(*, actor, text: str = "", kind: str = "", active: bool = True):
    from .models import Organisation

    rows = Organisation.objects.visible_to(actor, perms.ORG_VIEW).select_related("unit", "unit__parent",
                                                                                 "approval_doc")
    if active:
        rows = rows.filter(unit__status="active")
    if kind:
        rows = rows.filter(unit__kind=kind)
    if text:
        rows = rows.filter(Q(unit__name__contains=text) | Q(unit__code__startswith=text))
    return rows


def org_get(*, actor, pk, action: str = perms.ORG_VIEW):
    from .models import Organisation

    row_id = parse_id(pk)
    org = (Organisation.objects.visible_to(actor, action).select_related("unit", "unit__parent", "approval_doc")
           .filter(pk=row_id).first() if row_id is not None else None)
    if org is None:
        raise NotVisible("团组织不存在或不在您的管理范围内", target_type=Organisation._meta.label_lower, target_id=pk)
    return org


def cadre_list(org, *, current: bool = True):
    from .models import Cadre

    rows = Cadre.objects.unscoped(reason="the cadres of an organisation in reach").filter(unit_id=org.unit_id)
    return (rows.filter(until__isnull=True) if current else rows).order_by("until", "position", "since", "id")


def org_todos(actor):
    """Organisations whose entry waits for its approval document, and decided revocations not yet carried out:
    each with its deadline (30 and 15 working days)."""
    from django.utils import timezone as tz

    from fenji.core.kernel.modules import Todo

    def at(day):
        return tz.make_aware(datetime.datetime.combine(day, datetime.time(17, 30)))

    rows = org_list(actor=actor)
    pending = rows.filter(Q(entry_done_on__isnull=True) | Q(revoke_decided_on__isnull=False, revoked_on__isnull=True))
    out = []
    for o in pending.order_by("entry_due", "id")[:50]:
        if o.entry_done_on is None:
            out.append(Todo("league.org", "待上传成立批复的团组织", o.unit.name, f"/league/orgs/{o.pk}/",
                            at(o.entry_due), o.unit.parent.name if o.unit.parent_id else "", "league:orgs"))
        if o.revoke_decided_on is not None and o.revoked_on is None:
            out.append(Todo("league.org", "待办理撤销的团组织", o.unit.name, f"/league/orgs/{o.pk}/",
                            at(o.revoke_due), o.unit.parent.name if o.unit.parent_id else "", "league:orgs"))
    return out


# --- League status (团籍) -------------------------------------------------------------------------------------


def status_case_list(*, actor, state: str = "pending"):
    from .models import StatusCase

    rows = StatusCase.objects.visible_to(actor, perms.STATUS_HANDLE).select_related("member__person", "unit")
    return rows.filter(state=state) if state else rows


def status_case_get(*, actor, pk):
    from .models import StatusCase

    row_id = parse_id(pk)  # an id beyond the database's integers answers like a missing one
    case = status_case_list(actor=actor, state="").filter(pk=row_id).first() if row_id is not None else None
    if case is None:
        raise NotVisible("团籍变动不存在或不在您的管理范围内", target_type=StatusCase._meta.label_lower, target_id=pk)
    return case


def status_todos(actor):
    from fenji.core.kernel.modules import Todo

    rows = status_case_list(actor=actor).order_by("created_at", "id")[:50]
    return [Todo("league.status", "待审核的团籍变动", f"{c.member.person.real_name}：{c.get_kind_display()}",
                 f"/league/status/{c.pk}/", None, c.unit.name, "league:status_cases") for c in rows]


def member_status_cases(member: Member):
    from .models import StatusCase

    return (StatusCase.objects.unscoped(reason="the cases of a member in reach").filter(member=member)
            .order_by("-created_at"))


# --- 团费上缴和使用 ----------------------------------------------------------------------------------------


def remittance_list(*, actor, state: str = "", unit=None):
    """Remittances from or to an organisation in the reader's reach: the receiver sees what it is sent."""
    from .models import RemitState, Remittance

    q = actor.scope_q(perms.DUES_VIEW) | actor.scope_q(perms.DUES_VIEW, field="to_unit__path")
    rows = (Remittance.objects.unscoped(reason="scoped on either side of the remittance").filter(q)
            .select_related("unit", "to_unit"))
    if state in RemitState.values:
        rows = rows.filter(state=state)
    if unit is not None:
        rows = rows.filter(Q(unit_path__startswith=unit.path) | Q(to_unit_id=unit.pk))
    return rows


def remittance_get(*, actor, pk):
    from .models import Remittance

    row_id = parse_id(pk)  # an id beyond the database's integers answers like a missing one
    row = remittance_list(actor=actor).filter(pk=row_id).first() if row_id is not None else None
    if row is None:
        raise NotVisible("上缴记录不存在或不在您的管理范围内", target_type=Remittance._meta.label_lower, target_id=pk)
    return row


def remittance_parts(remittance):
    """What a remittance in reach passes on: the branch's bills, or the remittances received from below."""
    from .models import Remittance

    bills = (DuesBill.objects.unscoped(reason="the bills of a remittance in reach").filter(remittance=remittance)
             .select_related("member__person").order_by("member_id", "month"))
    sources = (Remittance.objects.unscoped(reason="the sources of a remittance in reach").filter(passed_on=remittance)
               .select_related("unit").order_by("id"))
    return bills, sources


def dues_use_list(*, actor, unit=None):
    from .models import DuesUse

    rows = DuesUse.objects.visible_to(actor, perms.DUES_VIEW).select_related("unit")
    return rows.filter(unit_path__startswith=unit.path) if unit is not None else rows


def published_uses(member: Member):
    """团费使用 published to the member: of the member's branch and the organisations above it."""
    from fenji.core.kernel.paths import ancestor_paths

    from .models import DuesUse

    return (DuesUse.objects.unscoped(reason="published to the organisations' members")
            .filter(unit_path__in=[member.unit_path, *ancestor_paths(member.unit_path)])
            .select_related("unit").order_by("-decided_on", "-id"))


def remit_backlog(actor) -> list[dict]:
    """The organisations in the actor's reach holding collected dues not yet remitted, each with its deadline
    (5 working days from the payment for a branch, 10 from the confirmation above)."""
    from fenji.core.org.models import Unit

    from . import remit
    from .models import RemitState, Remittance

    bills = (DuesBill.objects.visible_to(actor, perms.DUES_MANAGE)
             .filter(paid_at__isnull=False, remittance__isnull=True).values_list("unit_id", flat=True).distinct())
    received = (Remittance.objects.unscoped(reason="received by an organisation in reach")
                .filter(actor.scope_q(perms.DUES_MANAGE, field="to_unit__path"), state=RemitState.CONFIRMED,
                        passed_on__isnull=True).values_list("to_unit_id", flat=True).distinct())
    units = list(Unit.objects.filter(pk__in={*bills[:200], *received[:200]}, parent__isnull=False).order_by("path"))
    held = remit.holdings(units)
    return [{"unit": u, **held[u.pk]} for u in units]


def remit_overdue(actor, backlog: list[dict] | None = None, today: datetime.date | None = None) -> dict:
    """Overdue remittance counted: remittances made after their deadline, and collections now past theirs
    (``backlog``: the actor's ``remit_backlog`` when the caller already has it)."""
    from django.utils import timezone as tz

    from .models import Remittance

    today = today or tz.localdate()
    late = Remittance.objects.visible_to(actor, perms.DUES_VIEW).filter(remitted_on__gt=F("due_on")).count()
    waiting = sum(1 for row in (remit_backlog(actor) if backlog is None else backlog) if row["due_on"] and row["due_on"] < today)
    return {"late": late, "waiting": waiting, "total": late + waiting}


def remit_todos(actor):
    """To remit (each organisation's deadline) and to confirm (remittances sent to the actor's own unit)."""
    from django.utils import timezone as tz

    from fenji.core.kernel.modules import Todo

    from .models import RemitState

    def at(day):
        return tz.make_aware(datetime.datetime.combine(day, datetime.time(17, 30))) if day else None

    out = [Todo("league.remit", "待上缴的团费", f"{row['unit'].name}：{row['collected']} 元", "/league/remittances/",
                at(row["due_on"]), row["unit"].name, "league:remittances") for row in remit_backlog(actor)[:50]]
    if actor.unit_id is not None:
        sent = remittance_list(actor=actor, state=RemitState.PENDING).filter(to_unit_id=actor.unit_id)
        out += [Todo("league.remit", "待确认的团费上缴", f"{r.unit.name}：{r.amount} 元", f"/league/remittances/{r.pk}/",
                     None, r.unit.name, "league:remittances") for r in sent.order_by("id")[:50]]
    return out


# --- 团组织活动 -----------------------------------------------------------------------------------------------


def activity_list(*, actor, state: str = "", text: str = "", unit=None):
    """The activities of the organisations in the organiser's reach."""
    from .models import Activity, ActivityState

    rows = Activity.objects.visible_to(actor, perms.ACTIVITY_MANAGE).select_related("unit")
    if state in ActivityState.values:
        rows = rows.filter(state=state)
    if unit is not None:
        rows = rows.filter(unit_path__startswith=unit.path)
    if text:
        rows = rows.filter(Q(theme__contains=text) | Q(place__contains=text))
    return rows


def activity_get(*, actor, pk):
    from .models import Activity

    row_id = parse_id(pk)  # an id beyond the database's integers answers like a missing one
    row = activity_list(actor=actor).filter(pk=row_id).first() if row_id is not None else None
    if row is None:
        raise NotVisible("活动不存在或不在您的管理范围内", target_type=Activity._meta.label_lower, target_id=pk)
    return row


def activity_counts(activity_ids) -> dict[int, dict]:
    """Per activity: invited, signed up and attended members, in one grouped query."""
    from .models import Invitation

    ids = list(activity_ids)
    rows = (Invitation.objects.filter(activity_id__in=ids).order_by().values("activity_id")
            .annotate(invited=Count("id"), signed=Count("id", filter=Q(signed_up_at__isnull=False)),
                      attended=Count("id", filter=Q(attended=True))))
    found = {row.pop("activity_id"): row for row in rows}
    return {pk: found.get(pk) or {"invited": 0, "signed": 0, "attended": 0} for pk in ids}


def with_counts(activities) -> list:
    """``activities`` (a page's rows) each with its ``counts``."""
    activities = list(activities)
    counts = activity_counts(a.pk for a in activities)
    for a in activities:
        a.counts = counts[a.pk]
    return activities


def invitation_list(activity):
    """The invited members of an activity in reach, signed-up first."""
    return (activity.invitations.select_related("member__person", "member__unit")
            .order_by("signed_up_at", "member__unit_path", "member_id"))


def my_invitations(*, account_id):
    """The signed-in member's invitations (published activities and after), the soonest first among the open."""
    from .models import ActivityState, Invitation

    return (Invitation.objects.filter(member__person__account__id=account_id)
            .exclude(activity__state=ActivityState.DRAFT).select_related("activity", "activity__unit")
            .order_by("-activity__starts_at", "-id"))


def activity_todos(actor):
    """The organiser's activities waiting: begun but not recorded held, and held but not closed (summary, photos)."""
    from django.utils import timezone as tz

    from fenji.core.kernel.modules import Todo

    from .models import ActivityState

    rows = activity_list(actor=actor).filter(
        Q(state=ActivityState.PUBLISHED, ends_at__lte=tz.now()) | Q(state=ActivityState.HELD)).order_by("ends_at")
    return [Todo("league.activity", "待登记举行的团组织活动" if a.state == ActivityState.PUBLISHED
                 else "待总结结项的团组织活动", a.theme, f"/league/activities/{a.pk}/", None, a.unit.name,
                 "league:activities") for a in rows[:50]]


def signup_todos(actor):
    """The member's invitations still open for sign-up and not answered: on the phone's home page, due at the start."""
    from fenji.core.kernel.modules import Todo

    from .activities import open_signup_q
    from .models import Invitation

    if getattr(actor, "account_id", None) is None:
        return []
    rows = (Invitation.objects.filter(open_signup_q(), member__person__account__id=actor.account_id,
                                      signed_up_at__isnull=True)
            .select_related("activity", "activity__unit").order_by("activity__starts_at")[:20])
    return [Todo("league.signup", "待报名的团组织活动", i.activity.theme, "/m/league/activities/", i.activity.starts_at,
                 i.activity.unit.name) for i in rows]
