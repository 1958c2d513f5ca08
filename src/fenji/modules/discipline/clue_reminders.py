"""The clue-report reminder (design/domain/discipline.md P4, ``clue_deadlines``): once the report a 谈话函询 or an
初步核实 owes is due within the lead time of the alert kind ``discipline.clue_report_due`` (set on 提醒设置; three
days by default) or past, the clue's handlers are told, once per clue and due date (an extension's new date tells
them again). A periodic job of the module; the to-do list names the same clues. The message names the clue's number
only, never its subjects."""

import datetime

from django.utils import timezone

from fenji.core.notify.alerts import Alert, alert_send, rule_for

from .models import Clue, ClueHandler, ClueState, Recusal

KIND = "discipline.clue_report_due"


def clue_report_reminders(now: datetime.datetime | None = None) -> int:
    """Tell the handlers of the clues whose report is due within the lead time (or overdue); returns how many
    people were told (nobody twice for one clue and due date)."""
    now = now or timezone.now()
    rule = rule_for(KIND)
    horizon = timezone.localdate(now + rule.lead)
    rows = list(Clue.objects.unscoped(reason="the periodic reminder reads every report not yet in")
                .filter(state=ClueState.DISPOSED, report_due__lte=horizon, report__isnull=True)
                .order_by("report_due", "pk").only("pk", "number", "report_due", "disposal")[:2000])
    if not rows:
        return 0
    handlers: dict[int, list] = {}
    recused = set(Recusal.objects.unscoped(reason="those who recused are told nothing of the clue")
                  .filter(clue__in=[c.pk for c in rows]).values_list("clue_id", "account_id"))
    for row in ClueHandler.objects.filter(clue__in=[c.pk for c in rows]).select_related("account"):
        if (row.clue_id, row.account_id) not in recused:
            handlers.setdefault(row.clue_id, []).append(row.account)
    sent = 0
    for clue in rows:
        alert = Alert(kind=KIND, title=f"问题线索 {clue.number} 的{clue.get_disposal_display()}报告即将到期",
                      body=f"应于 {clue.report_due:%Y-%m-%d} 前提交", link=f"/discipline/clues/{clue.pk}/")
        sent += alert_send(recipients=handlers.get(clue.pk, []), alert=alert, rule=rule,
                           dedupe_key=f"{KIND}.{clue.pk}.{clue.report_due:%Y%m%d}")
    return sent
