"""Alerts: an in-app message to many people at once when something arrives, falls due or goes overdue, and
an SMS for the kinds the deployment chooses (``FENJI_ALERT_SMS``).

Each alert has a kind (``"dispatch.arrived"``) and a dedupe key per recipient, so an alert raised again (a
periodic job's next tick, a retried task) reaches nobody twice. Written set-based: one query for who already
has it, one insert for the rest, whatever the number of recipients.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Message
from .services import _check_link, sms_text
from .tasks import sms_enqueue

# The kinds of alert, their label (shown in the settings docs and the inbox) and whether an SMS goes with
# them unless ``FENJI_ALERT_SMS`` says otherwise.
KINDS = {
    "dispatch.arrived": (_("公文送达"), True),
    "dispatch.sign_overdue": (_("签收超期"), True),
    "dispatch.reply_due": (_("答复即将到期"), True),
    "dispatch.sender_overdue": (_("下级单位签收超期（发文方）"), False),
    "workflow.arrived": (_("申请待审批"), False),
    "workflow.reminder": (_("审批即将到期"), True),
    "workflow.overdue": (_("审批已超期"), True),
    "submissions.arrived": (_("上报材料待处理"), False),
}


def sms_for(kind: str) -> bool:
    """Whether alerts of ``kind`` also go by SMS: ``FENJI_ALERT_SMS`` (kinds, comma-separated; "none" for no
    SMS at all) when set, else the kind's default."""
    chosen = getattr(settings, "FENJI_ALERT_SMS", None)
    if chosen is not None:
        return kind in chosen
    return KINDS.get(kind, ("", False))[1]


@dataclass
class Alert:
    kind: str
    title: str
    body: str = ""
    link: str = ""


def alert_send(*, recipients, alert: Alert, dedupe_key: str) -> int:
    """Give ``alert`` to every recipient (active accounts) who has not had ``dedupe_key`` yet; returns how many
    got it. Safe inside the caller's transaction: the SMS leave once it commits."""
    recipients = {r.pk: r for r in recipients if getattr(r, "is_active", True)}
    if not recipients:
        return 0
    link = _check_link(alert.link)
    title = alert.title[:200]
    had = set(Message.objects.filter(recipient_id__in=list(recipients), dedupe_key=dedupe_key)
              .values_list("recipient_id", flat=True))
    fresh = [Message(recipient_id=pk, kind=alert.kind, title=title, body=alert.body, link=link, dedupe_key=dedupe_key)
             for pk in recipients if pk not in had]
    Message.objects.bulk_create(fresh, ignore_conflicts=True)  # a racing worker's row wins; nothing twice
    if sms_for(alert.kind):
        for message in fresh:
            mobile = getattr(recipients[message.recipient_id], "mobile", "")
            if mobile:
                sms_enqueue(mobile=mobile, text=sms_text(message))
    return len(fresh)
