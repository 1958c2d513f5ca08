"""团组织活动 (seed 002; design/domain/league.md §2h): a League organisation drafts an activity (theme, time, place,
who is invited: the members of its whole subtree or of branches it chose below it) and publishes it — each invited
member gets an invitation and an in-app message, in one insert each. Members sign up on the phone (or cancel) while
it is published and before it starts; once it began the organiser records it held and who attended, then writes the
summary with at least one photo, without which it cannot be closed. Each write checks, writes and audits in one
transaction (``@service``)."""

import datetime

from django.db.models import Q
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import DomainError, NotVisible
from fenji.core.kernel.text import checked_text
from fenji.core.org.models import Unit, UnitStatus

from . import module as perms
from .models import Activity, ActivityReach, ActivityState, Invitation, LeagueStatus, Member
from .orgs import ORG_KINDS
from .services import BRANCH_KINDS

ALERT_KIND = "league.activity"  # the in-app message of a published activity (its rule on 提醒设置)
THEME_MAX, TEXT_MAX = 100, 2000
PHOTOS_MAX = 9  # photos per activity


def _photo_kinds():
    from fenji.core.files.models import FileKind

    return {FileKind.JPG, FileKind.PNG}


def photos_of(activity: Activity):
    """The photos of an activity already in the reader's reach (attachments are unit-owned: reached through it)."""
    from fenji.core.files.models import Attachment

    attached = Activity.photos.through.objects.filter(activity_id=activity.pk).values("attachment_id")
    return Attachment.objects.unscoped(reason="the photos of an activity in reach").filter(pk__in=attached).order_by("id")


def _locked(activity: Activity) -> Activity:
    return Activity.objects.unscoped(reason="found in scope").select_for_update().get(pk=activity.pk)


def _require(actor, activity: Activity) -> None:
    policy.require(actor, perms.ACTIVITY_MANAGE, activity.unit_path)


def _branches_under(unit: Unit, branch_ids) -> list[Unit]:
    ids = sorted({int(b) for b in branch_ids or ()})
    rows = list(Unit.objects.filter(pk__in=ids, path__startswith=unit.path, kind__in=tuple(BRANCH_KINDS),
                                    status=UnitStatus.ACTIVE))
    if len(rows) != len(ids):  # a branch elsewhere, gone or not a branch: the form offered none such
        raise DomainError(f"只能邀请“{unit.name}”下属的团支部", field="branches")
    return rows


def _checked(unit: Unit, *, theme, starts_at, ends_at, place, content, reach, branches) -> tuple[dict, list[Unit]]:
    """The draft's fields checked (the same for a new draft and an edited one), and the chosen branches."""
    theme = checked_text(theme, label="活动主题", field="theme", limit=THEME_MAX)
    place = checked_text(place, label="地点", field="place", limit=THEME_MAX)
    content = checked_text(content, label="活动内容", field="content", limit=TEXT_MAX, required=False, multiline=True)
    if starts_at is None or starts_at <= timezone.now():
        raise DomainError("开始时间应晚于现在", field="starts_at")
    if ends_at is None or ends_at <= starts_at:
        raise DomainError("结束时间应晚于开始时间", field="ends_at")
    if reach not in ActivityReach.values:
        raise DomainError("请选择邀请范围", field="reach")
    chosen = _branches_under(unit, branches) if reach == ActivityReach.BRANCHES else []
    if reach == ActivityReach.BRANCHES and not chosen:
        raise DomainError("请选择邀请的团支部", field="branches")
    return {"theme": theme, "starts_at": starts_at, "ends_at": ends_at, "place": place, "content": content,
            "reach": reach}, chosen


@service
def activity_create(*, actor, unit: Unit, theme: str, starts_at: datetime.datetime, ends_at: datetime.datetime,
                    place: str, content: str = "", reach: str = ActivityReach.SUBTREE, branches=()) -> Activity:
    """A draft activity of the League organisation ``unit`` (published later by ``activity_publish``)."""
    policy.require(actor, perms.ACTIVITY_MANAGE, unit.path)
    if unit.kind not in (*ORG_KINDS, *BRANCH_KINDS) or unit.status != UnitStatus.ACTIVE:
        raise DomainError("请选择发布活动的团组织", field="unit")
    fields, chosen = _checked(unit, theme=theme, starts_at=starts_at, ends_at=ends_at, place=place, content=content,
                              reach=reach, branches=branches)
    activity = Activity.objects.create(unit=unit, unit_path=unit.path, created_by_id=actor.account_id, **fields)
    activity.branches.set(chosen)
    audit_record(actor=actor, action="league.activity.create", target=activity,
                 details={"theme": fields["theme"], "reach": reach, "branches": [b.name for b in chosen]})
    return activity


def _locked_in(actor, activity: Activity, state: str, refusal: str) -> Activity:
    """The activity locked, the actor its manager, and it in ``state``; else ``refusal`` after the state's name."""
    activity = _locked(activity)
    _require(actor, activity)
    if activity.state != state:
        raise DomainError(f"活动{activity.get_state_display()}，{refusal}")
    return activity


def _draft(actor, activity: Activity, what: str) -> Activity:
    return _locked_in(actor, activity, ActivityState.DRAFT, f"不能{what}（只有草稿可以{what}）")


@service
def activity_update(*, actor, activity: Activity, theme: str, starts_at: datetime.datetime,
                    ends_at: datetime.datetime, place: str, content: str = "", reach: str = ActivityReach.SUBTREE,
                    branches=()) -> Activity:
    """Change a draft before it is published (its organisation stays: a draft for another one is a new draft)."""
    activity = _draft(actor, activity, "修改")
    fields, chosen = _checked(activity.unit, theme=theme, starts_at=starts_at, ends_at=ends_at, place=place,
                              content=content, reach=reach, branches=branches)
    changed = {name: [str(getattr(activity, name)), str(value)] for name, value in fields.items()
               if getattr(activity, name) != value}
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.save(update_fields=list(fields))
    activity.branches.set(chosen)
    audit_record(actor=actor, action="league.activity.update", target=activity,
                 details={"theme": activity.theme, "changed": changed, "branches": [b.name for b in chosen]})
    return activity


@service
def activity_delete(*, actor, activity: Activity) -> None:
    """Delete a draft nobody was invited to yet (a published activity is held and closed, never deleted)."""
    activity = _draft(actor, activity, "删除")
    audit_record(actor=actor, action="league.activity.delete", target=activity,
                 details={"theme": activity.theme, "unit": activity.unit.name})
    activity.delete()


def invitees(activity: Activity):
    """The members in good standing the activity reaches: of the publisher's subtree, or of the chosen branches."""
    members = Member.objects.unscoped(reason="the members an activity invites").filter(status=LeagueStatus.NORMAL)
    if activity.reach == ActivityReach.BRANCHES:
        return members.filter(unit_id__in=activity.branches.values("pk"))
    return members.filter(unit_path__startswith=activity.unit_path)


def activity_publish_check(*, actor, activity: Activity) -> None:
    _require(actor, activity)
    if activity.state != ActivityState.DRAFT:
        raise DomainError(f"活动{activity.get_state_display()}，不能再次发布")
    if activity.starts_at <= timezone.now():
        raise DomainError("活动开始时间已过，不能发布")


@service
def activity_publish(*, actor, activity: Activity) -> Activity:
    """Publish the draft: every invited member gets an invitation and an in-app message (one insert each)."""
    from fenji.core.notify.alerts import Alert, alert_send
    from fenji.core.people.models import Account

    activity = _locked(activity)
    activity_publish_check(actor=actor, activity=activity)
    members = list(invitees(activity).values_list("pk", "person_id"))
    if not members:
        raise DomainError("邀请范围内没有团员，不能发布")
    Invitation.objects.bulk_create([Invitation(activity=activity, member_id=pk) for pk, _person in members],
                                   batch_size=2000)
    activity.state, activity.published_at = ActivityState.PUBLISHED, timezone.now()
    activity.save(update_fields=["state", "published_at"])
    accounts = Account.objects.unscoped(reason="the invited members' accounts").filter(
        person_id__in=[person for _pk, person in members])
    local = timezone.localtime(activity.starts_at)
    sent = alert_send(recipients=accounts, dedupe_key=f"{ALERT_KIND}.{activity.pk}", alert=Alert(
        kind=ALERT_KIND, title=f"团组织活动：{activity.theme}", link="/m/league/activities/",
        body=f"{activity.unit.name}邀请您参加，{local:%Y-%m-%d %H:%M}，{activity.place}。请在活动开始前报名。"))
    audit_record(actor=actor, action="league.activity.publish", target=activity,
                 details={"theme": activity.theme, "invited": len(members), "messages": sent})
    return activity


def _my_invitation(actor, activity: Activity) -> Invitation:
    """The actor's own invitation to ``activity``, locked; not invited answers like a missing activity."""
    invitation = (Invitation.objects.select_for_update().select_related("activity")
                  .filter(activity_id=activity.pk, member__person__account__id=actor.account_id).first())
    if invitation is None or invitation.activity.state == ActivityState.DRAFT:
        raise NotVisible("活动不存在或您未被邀请", target_type=Activity._meta.label_lower, target_id=activity.pk)
    return invitation


def _signup_open(activity: Activity) -> None:
    if activity.state != ActivityState.PUBLISHED:
        raise DomainError(f"活动{activity.get_state_display()}，不能报名或取消报名")
    if timezone.now() >= activity.starts_at:
        raise DomainError("活动已开始，报名已截止")


@service
def activity_signup(*, actor, activity: Activity) -> Invitation:
    """The invited member signs up, while the activity is published and before it starts."""
    invitation = _my_invitation(actor, activity)
    _signup_open(invitation.activity)
    if invitation.signed_up_at is not None:
        raise DomainError("您已报名")
    invitation.signed_up_at = timezone.now()
    invitation.save(update_fields=["signed_up_at"])
    audit_record(actor=actor, action="league.activity.signup", target=invitation.activity)
    return invitation


@service
def activity_signup_cancel(*, actor, activity: Activity) -> Invitation:
    """The member takes the sign-up back, on the same terms."""
    invitation = _my_invitation(actor, activity)
    _signup_open(invitation.activity)
    if invitation.signed_up_at is None:
        raise DomainError("您尚未报名")
    invitation.signed_up_at = None
    invitation.save(update_fields=["signed_up_at"])
    audit_record(actor=actor, action="league.activity.signup_cancel", target=invitation.activity)
    return invitation


def activity_hold_check(*, actor, activity: Activity) -> None:
    _require(actor, activity)
    if activity.state != ActivityState.PUBLISHED:
        raise DomainError(f"活动{activity.get_state_display()}，不能登记举行")
    if timezone.now() < activity.starts_at:
        raise DomainError("活动尚未开始，不能登记举行")


@service
def activity_hold(*, actor, activity: Activity) -> Activity:
    """The organiser records that the activity took place (sign-up is over)."""
    activity = _locked(activity)
    activity_hold_check(actor=actor, activity=activity)
    activity.state, activity.held_at = ActivityState.HELD, timezone.now()
    activity.save(update_fields=["state", "held_at"])
    audit_record(actor=actor, action="league.activity.hold", target=activity, details={"theme": activity.theme})
    return activity


def _held(actor, activity: Activity, what: str) -> Activity:
    return _locked_in(actor, activity, ActivityState.HELD, f"不能{what}（活动举行后、结项前登记）")


@service
def attendance_record(*, actor, activity: Activity, members) -> int:
    """Who attended, among the invited members (``members``: their ids); the others are marked absent."""
    activity = _held(actor, activity, "登记参加人员")
    wanted = {int(m) for m in members or ()}
    invited = Invitation.objects.filter(activity=activity)
    known = set(invited.filter(member_id__in=wanted).values_list("member_id", flat=True))
    if wanted - known:  # an id from a forged or outdated form
        raise NotVisible("团员不在本活动的邀请名单中", target_type=Member._meta.label_lower,
                         target_id=min(wanted - known))
    invited.filter(member_id__in=wanted).update(attended=True)
    invited.exclude(member_id__in=wanted).update(attended=False)
    audit_record(actor=actor, action="league.activity.attendance", target=activity, details={"attended": len(wanted)})
    return len(wanted)


@service
def activity_summary(*, actor, activity: Activity, summary: str, photos=()) -> Activity:
    """The summary of the held activity, with photos (JPEG or PNG) added to those already on file."""
    from fenji.core.files.services import attachment_check, attachment_write

    activity = _held(actor, activity, "填写总结")
    summary = checked_text(summary, label="活动总结", field="summary", limit=TEXT_MAX, multiline=True)
    photos = [p for p in photos or () if p]
    if photos_of(activity).count() + len(photos) > PHOTOS_MAX:
        raise DomainError(f"活动照片最多 {PHOTOS_MAX} 张", field="photos")
    try:
        for photo in photos:  # all checked before any is stored
            attachment_check(upload=photo, kinds=_photo_kinds(), kinds_label="JPEG 或 PNG 图片")
    except DomainError as error:
        error.field = "photos"
        raise
    stored = [attachment_write(actor=actor, unit=activity.unit, upload=p, kinds=_photo_kinds(),
                               kinds_label="JPEG 或 PNG 图片") for p in photos]
    activity.photos.add(*stored)
    activity.summary, activity.summarised_at = summary, timezone.now()
    activity.save(update_fields=["summary", "summarised_at"])
    audit_record(actor=actor, action="league.activity.summary", target=activity,
                 details={"photos_added": [a.original_name for a in stored], "photos": photos_of(activity).count()})
    return activity


def activity_close_check(*, actor, activity: Activity) -> None:
    _require(actor, activity)
    if activity.state != ActivityState.HELD:
        raise DomainError(f"活动{activity.get_state_display()}，只有已举行的活动才能结项")
    missing = [what for what, gone in (("活动总结", not activity.summary),
                                       ("至少一张活动照片", not photos_of(activity).exists())) if gone]
    if missing:
        raise DomainError(f"结项前须填写活动总结并上传至少一张活动照片，尚缺：{'、'.join(missing)}")


@service
def activity_close(*, actor, activity: Activity) -> Activity:
    """结项: only a held activity with its summary and at least one photo."""
    activity = _locked(activity)
    activity_close_check(actor=actor, activity=activity)
    activity.state, activity.closed_at = ActivityState.CLOSED, timezone.now()
    activity.save(update_fields=["state", "closed_at"])
    audit_record(actor=actor, action="league.activity.close", target=activity,
                 details={"theme": activity.theme, "photos": photos_of(activity).count()})
    return activity


def open_signup_q(now=None) -> Q:
    """Invitations a member may still answer: published, not yet begun."""
    return Q(activity__state=ActivityState.PUBLISHED, activity__starts_at__gt=now or timezone.now())
