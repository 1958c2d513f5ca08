"""Reads of community: what a member sees (their notices, the activities offered to them, their own
feedback) and what the unit's staff see (within their scope)."""

from django.db.models import Q

from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.modules import Todo
from fenji.core.kernel.paths import ancestor_paths
from fenji.core.notify.models import Message

from . import permissions as perms
from .models import Activity, Feedback, FeedbackState, FeedbackTopic, Notice, Signup

NOTICE_KIND = "community.notice"


def notice_list(*, actor):
    return Notice.objects.visible_to(actor, perms.NOTICE_SEND).select_related("unit", "sent_by__person").order_by("-id")


def notice_messages_mine(*, account):
    """The notices sent to ``account``, as its in-app messages (newest first)."""
    return Message.objects.filter(recipient_id=account.pk, kind=NOTICE_KIND).order_by("-id")


def notice_get_mine(*, account, pk) -> tuple[Notice, Message]:
    """A notice ``account`` received (its message is the proof); any other answers like a missing one."""
    message = notice_messages_mine(account=account).filter(link=f"/m/notices/{int(pk)}/").first()
    notice = Notice.objects.unscoped(reason="the recipient's own notice").filter(pk=pk).first() if message else None
    if notice is None:
        raise NotVisible("通知不存在")
    return notice, message


def _offered_q(account) -> Q:
    """Activities of the account's own unit, and those of units above offered to their subtree."""
    above = [path for path in ancestor_paths(account.unit_path) if path != account.unit_path]
    return Q(unit_id=account.unit_id) | Q(unit_path__in=above, include_subtree=True)


def activity_list_offered(*, account):
    return (Activity.objects.unscoped(reason="activities offered to the member's unit").filter(_offered_q(account))
            .select_related("unit").order_by("-starts_at", "-id"))


def activity_get_offered(*, account, pk) -> Activity:
    activity = activity_list_offered(account=account).filter(pk=pk).first()
    if activity is None:
        raise NotVisible("活动不存在")
    return activity


def activity_list(*, actor):
    return Activity.objects.visible_to(actor, perms.ACTIVITY_MANAGE).select_related("unit").order_by("-starts_at", "-id")


def activity_get(*, actor, pk) -> Activity:
    activity = activity_list(actor=actor).filter(pk=pk).first()
    if activity is None:
        raise NotVisible("活动不存在或不在您的管理范围内")
    return activity


def signup_list(activity: Activity):
    return Signup.objects.filter(activity=activity).select_related("account__person", "account__unit").order_by("id")


def signed_up(*, account, activities) -> set[int]:
    return set(Signup.objects.filter(account_id=account.pk, activity__in=activities).values_list("activity_id", flat=True))


def feedback_list_mine(*, account):
    return (Feedback.objects.unscoped(reason="the author's own feedback").filter(author_id=account.pk)
            .select_related("unit").order_by("-id"))


# Who handles each topic: the unit's staff answer members about its work; its system administrator answers
# opinions about the system (C8.4).
HANDLER = {FeedbackTopic.UNIT: perms.FEEDBACK_HANDLE, FeedbackTopic.SYSTEM: perms.OPINION_HANDLE}


def feedback_list(*, actor, state: str = "", topic: str = FeedbackTopic.UNIT):
    """The feedback of ``topic`` standing at units where the actor may handle it."""
    rows = Feedback.objects.visible_to(actor, HANDLER[topic]).filter(topic=topic).select_related(
        "unit", "author__person")
    if state in FeedbackState.values:
        rows = rows.filter(state=state)
    return rows.order_by("-id")


def feedback_get(*, actor, pk, topic: str = FeedbackTopic.UNIT) -> Feedback:
    feedback = feedback_list(actor=actor, topic=topic).filter(pk=pk).first()
    if feedback is None:
        raise NotVisible("意见反馈不存在或不在您的管理范围内")
    return feedback


def _todos(actor, topic: str, kind: str, label: str, url: str, menu: str) -> list[Todo]:
    rows = feedback_list(actor=actor, state=FeedbackState.OPEN, topic=topic).filter(
        unit_id=actor.unit_id).order_by("due_at")[:50]
    return [Todo(kind, label, f"{f.author.person.real_name}：{f.content[:30]}",
                 url.format(pk=f.pk), f.due_at, f.unit.name, menu) for f in rows]


def feedback_todos(actor) -> list[Todo]:
    """Open feedback of the actor's own unit (the unit answers its own members)."""
    return _todos(actor, FeedbackTopic.UNIT, "community.feedback", "待答复意见反馈", "/community/feedback/{pk}/", "community:feedback")


def opinion_todos(actor) -> list[Todo]:
    """Opinions about the system standing at the administrator's own unit (sent there or passed up to it)."""
    return _todos(actor, FeedbackTopic.SYSTEM, "community.opinion", "待处理系统意见建议", "/community/opinions/{pk}/", "community:opinions")
