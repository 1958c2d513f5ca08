"""Writes of community: a unit's notices and activities for its members, and its members' feedback."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.calendar.workdays import deadline
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.text import checked_text
from fenji.core.notify.alerts import Alert, alert_send
from fenji.core.notify.services import message_send

from . import permissions as perms
from .models import Activity, Feedback, FeedbackState, FeedbackTopic, Notice, Signup
from .selectors import HANDLER, NOTICE_KIND, activity_get_offered

MEMBER_KINDS = ("member", "elder")
TITLE_MAX, TEXT_MAX, FEEDBACK_MAX = 100, 2000, 1000


_text = checked_text  # every text this app takes goes through the one check


def _members(unit, include_subtree: bool):
    accounts = get_user_model().objects.unscoped(reason="the members a unit writes to").filter(
        kind__in=MEMBER_KINDS, status="active")
    return accounts.filter(unit_path__startswith=unit.path) if include_subtree else accounts.filter(unit_id=unit.pk)


def notice_recipient_count(*, actor, unit, include_subtree: bool) -> int:
    """How many members and elders a notice would reach (the confirmation states it)."""
    policy.require(actor, perms.NOTICE_SEND, unit.path)
    return _members(unit, include_subtree).count()


@service
def notice_send(*, actor, unit, title: str, body: str, include_subtree: bool = False) -> Notice:
    policy.require(actor, perms.NOTICE_SEND, unit.path)
    title = _text(title, label="标题", field="title", limit=TITLE_MAX)
    body = _text(body, label="内容", field="body", limit=TEXT_MAX, multiline=True)
    recipients = list(_members(unit, include_subtree))
    if not recipients:
        raise DomainError("本单位（及下级）没有可接收的成员账号", field="include_subtree")
    notice = Notice.objects.create(unit=unit, unit_path=unit.path, title=title, body=body,
                                   include_subtree=include_subtree, sent_by_id=actor.account_id)
    sent = alert_send(recipients=recipients, alert=Alert(kind=NOTICE_KIND, title=title, body=body[:200],
                                                         link=f"/m/notices/{notice.pk}/"),
                      dedupe_key=f"community.notice.{notice.pk}")
    Notice.objects.unscoped(reason="the row just created").filter(pk=notice.pk).update(recipient_count=sent)
    notice.recipient_count = sent
    audit_record(actor=actor, action="community.notice.send", target=notice,
                 details={"title": title, "count": sent, "include_subtree": include_subtree})
    return notice


@service
def activity_create(*, actor, unit, title: str, starts_at: datetime.datetime, place: str, signup_until,
                    content: str = "", capacity: int | None = None, include_subtree: bool = False,
                    ends_at: datetime.datetime | None = None) -> Activity:
    policy.require(actor, perms.ACTIVITY_MANAGE, unit.path)
    title = _text(title, label="活动名称", field="title", limit=TITLE_MAX)
    place = _text(place, label="地点", field="place", limit=TITLE_MAX)
    content = _text(content, label="活动内容", field="content", limit=TEXT_MAX, required=False, multiline=True)
    if ends_at is not None and ends_at <= starts_at:
        raise DomainError("结束时间应晚于开始时间", field="ends_at")
    if signup_until > starts_at:
        raise DomainError("报名截止时间不能晚于活动开始时间", field="signup_until")
    if signup_until <= timezone.now():
        raise DomainError("报名截止时间应晚于现在", field="signup_until")
    if capacity is not None and capacity < 1:
        raise DomainError("名额至少为 1（不限名额请留空）", field="capacity")
    activity = Activity.objects.create(unit=unit, unit_path=unit.path, title=title, starts_at=starts_at, ends_at=ends_at,
                                       place=place,
                                       content=content, signup_until=signup_until, capacity=capacity,
                                       include_subtree=include_subtree, created_by_id=actor.account_id)
    audit_record(actor=actor, action="community.activity.create", target=activity, details={"title": title})
    return activity


@service
def activity_signup(*, actor, activity: Activity, join: bool) -> Activity:
    """A member signs up for an activity offered to them (or cancels), before the deadline; the capacity
    holds under concurrent sign-ups (the activity row is locked)."""
    account = get_user_model().objects.unscoped(reason="the actor's own account").get(pk=actor.account_id)
    activity_get_offered(account=account, pk=activity.pk)
    activity = Activity.objects.unscoped(reason="found offered above").select_for_update().get(pk=activity.pk)
    if timezone.now() > activity.signup_until:
        raise DomainError("报名已截止")
    mine = Signup.objects.filter(activity=activity, account_id=account.pk)
    if join:
        if mine.exists():
            raise DomainError("您已报名")
        if activity.capacity is not None and activity.signup_count >= activity.capacity:
            raise DomainError("名额已满")
        try:
            with transaction.atomic():
                Signup.objects.create(activity=activity, account_id=account.pk)
        except IntegrityError:
            raise DomainError("您已报名") from None
        Activity.objects.unscoped(reason="counting").filter(pk=activity.pk).update(signup_count=F("signup_count") + 1)
    else:
        if not mine.delete()[0]:
            raise DomainError("您尚未报名")
        Activity.objects.unscoped(reason="counting").filter(pk=activity.pk).update(signup_count=F("signup_count") - 1)
    audit_record(actor=actor, action="community.activity.signup" if join else "community.activity.cancel",
                 target=activity)
    activity.refresh_from_db()
    return activity


def _due(now):
    return deadline(now, settings.FENJI_FEEDBACK_DAYS, provisional_ok=True).value


@service
def feedback_submit(*, actor, content: str, topic: str = FeedbackTopic.UNIT) -> Feedback:
    """Anyone writes to their own unit (a member or elder about its work; anyone about the system); it is due
    an answer within ``FENJI_FEEDBACK_DAYS`` working days (a local rule: 5 by default)."""
    if topic not in FeedbackTopic.values:
        raise DomainError("请选择意见类别", field="topic")
    account = get_user_model().objects.unscoped(reason="the actor's own account").select_related("unit").get(
        pk=actor.account_id)
    content = _text(content, label="意见内容", field="content", limit=FEEDBACK_MAX, multiline=True)
    feedback = Feedback.objects.create(unit=account.unit, unit_path=account.unit_path, author_id=account.pk,
                                       topic=topic, content=content, due_at=_due(timezone.now()))
    audit_record(actor=actor, action="community.feedback.submit", target=feedback)
    return feedback


def _locked_open(feedback: Feedback) -> Feedback:
    """The row locked, still open and still where the handler saw it (not passed up meanwhile)."""
    seen = feedback.unit_path
    feedback = Feedback.objects.unscoped(reason="found in scope").select_for_update().get(pk=feedback.pk)
    if feedback.state != FeedbackState.OPEN:
        raise DomainError("该意见已答复")
    if feedback.unit_path != seen:
        raise DomainError("该意见已转呈上级单位，由上级答复")
    return feedback


@service
def feedback_pass_up(*, actor, feedback: Feedback, note: str) -> Feedback:
    """The unit's system administrator passes an opinion about the system to the administrator of the unit
    above (000 §17): it stands there now, due anew; the hop is kept and the author told."""
    if feedback.topic != FeedbackTopic.SYSTEM:
        raise DomainError("只有对本系统的意见建议可以转呈上级；成员反映的问题由本单位答复")
    policy.require(actor, HANDLER[feedback.topic], feedback.unit_path)
    note = _text(note, label="转呈说明", field="note", limit=200)
    feedback = _locked_open(feedback)
    here = feedback.unit
    upper = here.parent
    if upper is None:
        raise DomainError("已是最上级单位，无法再转呈，请直接答复")
    if not upper.is_active:
        raise DomainError(f"上级单位“{upper.name}”已撤销，无法转呈")
    now = timezone.now()
    who = get_user_model().objects.unscoped(reason="the actor's own name").select_related("person").get(
        pk=actor.account_id)
    feedback.hops = [*feedback.hops, {"from": here.name, "to": upper.name, "by": who.person.real_name,
                                      "at": now.isoformat(), "note": note}]
    feedback.unit, feedback.unit_path, feedback.due_at = upper, upper.path, _due(now)
    feedback.save(update_fields=["hops", "unit", "unit_path", "due_at"])
    author = get_user_model().objects.unscoped(reason="telling the author").get(pk=feedback.author_id)
    message_send(recipient=author, title="您的意见建议已转呈上级", body=f"已由{here.name}转呈{upper.name}处理",
                 link=_author_link(author), kind="community.feedback",
                 dedupe_key=f"community.feedback.{feedback.pk}.hop{len(feedback.hops)}")
    audit_record(actor=actor, action="community.feedback.pass_up", target=feedback,
                 details={"from": here.name, "to": upper.name, "note": note})
    return feedback


def _author_link(author) -> str:
    """Where the author reads the answer: the phone for members and elders, the console for staff."""
    return "/m/feedback/" if author.kind in MEMBER_KINDS else "/community/opinions/mine/"


@service
def feedback_answer(*, actor, feedback: Feedback, answer: str) -> Feedback:
    policy.require(actor, HANDLER[feedback.topic], feedback.unit_path)
    answer = _text(answer, label="答复", field="answer", limit=FEEDBACK_MAX, multiline=True)
    feedback = _locked_open(feedback)
    feedback.state, feedback.answer = FeedbackState.ANSWERED, answer
    feedback.answered_by_id, feedback.answered_at = actor.account_id, timezone.now()
    feedback.save(update_fields=["state", "answer", "answered_by", "answered_at"])
    author = get_user_model().objects.unscoped(reason="telling the author").get(pk=feedback.author_id)
    message_send(recipient=author, title="您的意见已收到答复", body=answer[:200], link=_author_link(author),
                 kind="community.feedback", dedupe_key=f"community.feedback.{feedback.pk}.answered")
    audit_record(actor=actor, action="community.feedback.answer", target=feedback)
    return feedback
