"""Alerts: an in-app message to many people at once when something arrives, falls due or goes overdue,
and an SMS for the kinds whose rule says so.

Each kind of alert has a rule (``AlertRule``, set by the top-level system administrator on the console's
提醒设置): whether an SMS goes with the message and, for a kind that warns before a deadline, how long
before it. The migration that brought the rules seeded them with the defaults below, as the deployment's
``FENJI_ALERT_SMS`` chose when it was set; a kind without a row follows the same defaults.

Each alert has a dedupe key per recipient, so an alert raised again (a periodic job's next tick, a retried
task) reaches nobody twice. Written set-based: one query for the rule, one for who already has the alert,
one insert for the rest, whatever the number of recipients.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel import modules

from .models import AlertRule, Message
from .services import _check_link, sms_text
from .tasks import sms_enqueue

LEAD_MAX_MINUTES = 30 * 24 * 60  # a due-soon alert at most thirty days ahead


@dataclass(frozen=True)
class Kind:
    """A kind of alert and its defaults: its label, whether an SMS goes with it, and for a due-soon kind
    how many minutes before the deadline it comes (None: the kind has no lead time)."""

    label: str
    sms: bool
    lead_minutes: int | None = None


KINDS = {
    "dispatch.arrived": Kind(_("公文送达"), True),
    "dispatch.arrived_on_duty": Kind(_("公文送达（值班人员）"), True),
    "dispatch.sign_due": Kind(_("签收即将到期"), False, 5),
    "dispatch.sign_overdue": Kind(_("签收超期"), True),
    "dispatch.sender_overdue": Kind(_("下级单位签收超期（发文方）"), False),
    "dispatch.reply_due": Kind(_("答复即将到期"), True, 24 * 60),
    "dispatch.reply_overdue": Kind(_("答复超期"), True),
    "dispatch.sender_reply_overdue": Kind(_("下级单位答复超期（发文方）"), False),
    "workflow.arrived": Kind(_("申请待审批"), False),
    "workflow.reminder": Kind(_("审批即将到期"), True, 24 * 60),
    "workflow.overdue": Kind(_("审批已超期"), True),
    "submissions.arrived": Kind(_("上报材料待处理"), False),
    "tickets.arrived": Kind(_("群众诉求待签收"), False),
    "tickets.overdue": Kind(_("群众诉求超期"), True),
    "supervision.notice": Kind(_("整改通知送达"), True),
    "supervision.answered": Kind(_("整改情况待验收"), False),
    "supervision.decided": Kind(_("整改验收结果"), False),
    "supervision.overdue": Kind(_("整改超期"), True),
}


def kinds() -> dict[str, Kind]:
    """Every kind of alert raised under the active profile: the core's (``KINDS``), then the live modules'
    (``Module.alert_kinds``) in their declaration order."""
    every = dict(KINDS)
    for _module, kind in modules.live_alert_kinds():
        every.setdefault(kind.code, Kind(kind.label, kind.sms, kind.lead_minutes))
    return every


def declared(kind: str) -> Kind | None:
    """The declaration of one kind: the core's at once, a live module's by a walk of the live declarations."""
    found = KINDS.get(kind)
    if found is None:
        found = next((Kind(k.label, k.sms, k.lead_minutes) for _m, k in modules.live_alert_kinds() if k.code == kind),
                     None)
    return found


@dataclass(frozen=True)
class Rule:
    kind: str
    sms: bool
    lead_minutes: int | None = None

    @property
    def label(self):
        found = declared(self.kind)
        return found.label if found else self.kind

    @property
    def has_lead(self) -> bool:
        found = declared(self.kind)
        return found is not None and found.lead_minutes is not None

    @property
    def lead(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.lead_minutes or 0)


def default_sms(kind: str) -> bool:
    """The SMS default of ``kind``: ``FENJI_ALERT_SMS`` (kinds, comma-separated; "none" for no SMS at all)
    when set, else the kind's own."""
    chosen = getattr(settings, "FENJI_ALERT_SMS", None)
    if chosen is not None:
        return kind in chosen
    found = declared(kind)
    return found.sms if found else False


def default_rule(kind: str) -> Rule:
    found = declared(kind)
    return Rule(kind, default_sms(kind), found.lead_minutes if found else None)


def _from_row(kind: str, row) -> Rule:
    if row is None:
        return default_rule(kind)
    found = declared(kind)
    lead = None
    if found is not None and found.lead_minutes is not None:
        lead = row.lead_minutes if row.lead_minutes is not None else found.lead_minutes
    return Rule(kind, row.sms, lead)


def rules() -> dict[str, Rule]:
    """Every kind's rule, in the order of ``kinds()`` (one query)."""
    every = kinds()
    rows = {row.kind: row for row in AlertRule.objects.filter(kind__in=list(every))}
    return {kind: _from_row(kind, rows.get(kind)) for kind in every}


def rule_for(kind: str) -> Rule:
    """One kind's rule (one query): read once per job or per event, never per recipient."""
    return _from_row(kind, AlertRule.objects.filter(kind=kind).first())


def rule_write(*, kind: str, sms: bool, lead_minutes: int | None) -> tuple[Rule, Rule]:
    """Store the rule of ``kind``; returns (before, after). Checks only the values: the console's service
    checks the right and writes the audit event, in its transaction."""
    found = declared(kind)
    if found is None:
        raise LookupError(kind)
    if found.lead_minutes is None:
        lead_minutes = None
    before = rule_for(kind)
    AlertRule.objects.update_or_create(kind=kind, defaults={"sms": bool(sms), "lead_minutes": lead_minutes})
    return before, rule_for(kind)


@dataclass
class Alert:
    kind: str
    title: str
    body: str = ""
    link: str = ""


def alert_send(*, recipients, alert: Alert, dedupe_key: str, rule: Rule | None = None) -> int:
    """Give ``alert`` to every recipient (active accounts) who has not had ``dedupe_key`` yet; returns how many
    got it. ``rule`` is the kind's rule when the caller already read it (a loop over many events of one
    kind reads it once); else it is read here. Safe inside the caller's transaction: the SMS leave once it
    commits."""
    recipients = {r.pk: r for r in recipients if getattr(r, "is_active", True)}
    if not recipients:
        return 0
    link = _check_link(alert.link)
    title = alert.title[:200]
    had = set(Message.objects.filter(recipient_id__in=list(recipients), dedupe_key=dedupe_key)
              .values_list("recipient_id", flat=True))
    fresh = [Message(recipient_id=pk, kind=alert.kind, title=title, body=alert.body, link=link, dedupe_key=dedupe_key)
             for pk in recipients if pk not in had]
    if not fresh:
        return 0
    Message.objects.bulk_create(fresh, ignore_conflicts=True)  # a racing worker's row wins; nothing twice
    if (rule or rule_for(alert.kind)).sms:
        for message in fresh:
            mobile = getattr(recipients[message.recipient_id], "mobile", "")
            if mobile:
                sms_enqueue(mobile=mobile, text=sms_text(message))
    return len(fresh)
