"""Who is told about a rectification: the inspected unit's answerers when its 整改通知 arrives and when an
answer is returned, the inspecting unit's managers when an answer comes in, and both once a rectification
goes past its deadline (a periodic job, once per finding)."""

from django.utils import timezone

from fenji.core.notify.alerts import Alert, alert_send, rule_for
from fenji.core.people.holders import holders_by_unit

from . import permissions as perms
from .models import OPEN_FINDING_STATES, Finding, FindingState

BATCH = 500


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def notice_alert(inspection, target, findings) -> int:
    answerers = holders_by_unit(perms.RECTIFY, [target.unit_id]).get(target.unit_id, [])
    soonest = min((f.due_at for f in findings if f.due_at), default=None)
    alert = Alert(kind="supervision.notice", title=f"整改通知：{inspection.title}",
                  body=f"{inspection.unit.name}下发整改问题 {len(findings)} 个，最早须于 {_local(soonest)} 前答复整改情况",
                  link="/supervision/rectifications/")
    return alert_send(recipients=answerers, alert=alert,
                      dedupe_key=f"supervision.notice.{target.pk}.{target.notice_at.isoformat()}")


def answer_alert(finding: Finding) -> int:
    inspection = finding.inspection
    managers = holders_by_unit(perms.INSPECTION_MANAGE, [inspection.unit_id]).get(inspection.unit_id, [])
    alert = Alert(kind="supervision.answered", title=f"整改情况待验收：{finding.unit.name}",
                  body=f"{inspection.title}：{finding.item}", link=f"/supervision/rectifications/{finding.pk}/")
    return alert_send(recipients=managers, alert=alert,
                      dedupe_key=f"supervision.answered.{finding.pk}.{finding.answered_at.isoformat()}")


def decision_alert(finding: Finding) -> int:
    answerers = holders_by_unit(perms.RECTIFY, [finding.unit_id]).get(finding.unit_id, [])
    if finding.state == FindingState.ACCEPTED:
        title, body = f"整改已验收通过：{finding.item}", finding.inspection.title
    else:
        title, body = f"整改被退回：{finding.item}", f"退回理由：{finding.return_reason}；期限 {_local(finding.due_at)}"
    alert = Alert(kind="supervision.decided", title=title, body=body, link=f"/supervision/rectifications/{finding.pk}/")
    return alert_send(recipients=answerers, alert=alert,
                      dedupe_key=f"supervision.decided.{finding.pk}.{finding.decided_at.isoformat()}")


def overdue_alerts() -> int:
    """Rectifications not answered by their deadline: the inspected unit's answerers and the inspecting unit's
    managers are told once (the stamp ``overdue_alerted_at``)."""
    now = timezone.now()
    rows = list(Finding.objects.unscoped(reason="the periodic overdue check")
                .filter(state__in=OPEN_FINDING_STATES, due_at__lt=now, overdue_alerted_at__isnull=True)
                .select_related("inspection", "unit").order_by("due_at")[:BATCH])
    if not rows:
        return 0
    answerers = holders_by_unit(perms.RECTIFY, {f.unit_id for f in rows})
    managers = holders_by_unit(perms.INSPECTION_MANAGE, {f.inspection.unit_id for f in rows})
    rule = rule_for("supervision.overdue")
    sent = 0
    for finding in rows:
        alert = Alert(kind="supervision.overdue", title=f"整改已超期：{finding.unit.name}",
                      body=f"{finding.inspection.title}：{finding.item}，期限 {_local(finding.due_at)} 已过",
                      link=f"/supervision/rectifications/{finding.pk}/")
        people = [*answerers.get(finding.unit_id, []), *managers.get(finding.inspection.unit_id, [])]
        sent += alert_send(recipients=people, alert=alert, rule=rule,
                           dedupe_key=f"supervision.overdue.{finding.pk}.{finding.due_at.isoformat()}")
    Finding.objects.unscoped(reason="stamping the rectifications just reminded").filter(
        pk__in=[f.pk for f in rows]).update(overdue_alerted_at=now)
    return sent
