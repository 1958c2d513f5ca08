"""Scoped reads: what my unit sent, what my unit received, one dispatch's tracking, one delivery, and the
bulletin (通报) ranking receiving units by timeliness. Outside the actor's reach answers ``NotVisible``
(404), exactly like a missing row."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.pagination import Page, keyset_page
from fenji.core.kernel.paths import subtree_q

from . import fanout
from . import permissions as perms
from .models import Delivery, Dispatch, FileOpen, ReviewState
from .tracking import TrackingList, pending_bulletin

STATUSES = {
    "signed": "已签收",
    "unsigned": "未签收",
    "overdue": "超期未签收",
    "late": "超期签收",
    "replied": "已答复",
    "unreplied": "未答复",
    "pending": "待审核",
    "accepted": "已通过",
    "returned": "已退回",
}


def delivery_status_q(status: str, now=None) -> Q:
    now = now or timezone.now()
    return {
        "signed": Q(signed_at__isnull=False),
        "unsigned": Q(signed_at__isnull=True),
        "overdue": Q(signed_at__isnull=True, sign_due_at__lt=now),
        "late": Q(signed_at__gt=F("sign_due_at")),
        "replied": Q(replied_at__isnull=False),
        "unreplied": Q(reply_due_at__isnull=False, replied_at__isnull=True),
        "pending": Q(review_state=ReviewState.PENDING),
        "accepted": Q(review_state=ReviewState.ACCEPTED),
        "returned": Q(review_state=ReviewState.RETURNED),
    }.get(status, Q())


# --- sent -----------------------------------------------------------------------------------------


def dispatch_list(*, actor):
    """Dispatches sent from units where the actor may send (its own unit, and those below it)."""
    return (Dispatch.objects.visible_to(actor, perms.DISPATCH_SEND)
            .select_related("unit", "sent_by__person").order_by("-id"))


def dispatch_sent_counts(dispatch_ids: list[int]) -> dict[int, dict]:
    """Signed / overdue unsigned / replied per dispatch, for a page of dispatches already in scope:
    one grouped query."""
    now = timezone.now()
    rows = (Delivery.objects.unscoped(reason="counts for the dispatches listed").filter(dispatch_id__in=dispatch_ids)
            .values("dispatch_id").annotate(rows=Count("id"), signed=Count("id", filter=Q(signed_at__isnull=False)),
                                            overdue=Count("id", filter=Q(signed_at__isnull=True, sign_due_at__lt=now)),
                                            replied=Count("id", filter=Q(replied_at__isnull=False)))
            .order_by())
    found = {row["dispatch_id"]: row for row in rows}
    for dispatch in Dispatch.objects.unscoped(reason="the dispatches listed").filter(pk__in=dispatch_ids, pending=True):
        row = found.setdefault(dispatch.pk, {"dispatch_id": dispatch.pk, "rows": 0, "signed": 0, "overdue": 0,
                                             "replied": 0})
        if dispatch.sign_due_at < now:  # the units without a row yet owe their signature
            row["overdue"] += fanout.lazy_count(dispatch, row["rows"])
    return found


def dispatch_get(*, actor, pk, action: str = perms.DISPATCH_SEND) -> Dispatch:
    dispatch = (Dispatch.objects.unscoped(reason="visibility decided below").select_related("unit", "sent_by__person")
                .filter(pk=pk).first())
    if dispatch is None or not policy.can(actor, action, dispatch.unit_path):
        raise NotVisible("发文不存在", target_type=Dispatch._meta.label_lower, target_id=pk,
                         exists=dispatch is not None)
    return dispatch


def dispatch_tracking_counts(dispatch: Dispatch, now=None) -> dict:
    """Every status count of one dispatch's deliveries from ONE query (conditional aggregates)."""
    now = now or timezone.now()
    names = ("signed", "unsigned", "overdue", "late", "replied", "unreplied", "pending", "accepted", "returned")
    counts = (Delivery.objects.unscoped(reason="the deliveries of a dispatch already shown to the actor")
              .filter(dispatch=dispatch)
              .aggregate(total=Count("id"), read=Count("id", filter=Q(read_at__isnull=False)),
                         opened=Count("id", filter=Q(Exists(FileOpen.objects.unscoped(reason="counted per delivery")
                                                            .filter(delivery_id=OuterRef("pk"))))),
                         **{name: Count("id", filter=delivery_status_q(name, now)) for name in names}))
    lazy = fanout.lazy_count(dispatch, counts["total"])
    if lazy:  # the units without a row yet: received, nothing signed, read or answered
        counts["total"] += lazy
        counts["unsigned"] += lazy
        if dispatch.sign_due_at < now:
            counts["overdue"] += lazy
        if dispatch.reply_due_at is not None:
            counts["unreplied"] += lazy
    return counts


def delivery_list_for_dispatch(dispatch: Dispatch, *, status: str = "", within=None) -> TrackingList:
    """The deliveries of a dispatch: its rows and its pending units merged by ``unit_path`` (``tracking``),
    read without writing a row."""
    return TrackingList(dispatch, status=status, within=within, statuses=STATUSES)


def delivery_page(rows, *, after: str = "", size: int = 20, page: int | None = None) -> Page:
    if isinstance(rows, TrackingList):
        return rows.page(after=after, size=size, page=page)
    return keyset_page(rows, after=after, size=size, page=page)


# --- received -------------------------------------------------------------------------------------


def delivery_list_inbox(*, actor, status: str = ""):
    """What was sent to the actor's own unit, newest first (handlers of that unit only)."""
    if actor.unit_id is None or not policy.can(actor, perms.DELIVERY_HANDLE, actor.unit_path):
        return Delivery.objects.unscoped(reason="no inbox: matches nothing").none()
    from fenji.core.org.models import Unit

    fanout.materialise_for_unit(Unit.objects.filter(pk=actor.unit_id).first())  # opening is receiving
    rows = (Delivery.objects.visible_to(actor, perms.DELIVERY_HANDLE).filter(unit_id=actor.unit_id)
            .select_related("dispatch", "dispatch__unit"))
    if status in STATUSES:
        rows = rows.filter(delivery_status_q(status))
    return rows.order_by("-id")


def delivery_inbox_counts(*, actor) -> dict:
    return delivery_list_inbox(actor=actor).order_by().aggregate(
        total=Count("id"), unsigned=Count("id", filter=delivery_status_q("unsigned")),
        overdue=Count("id", filter=delivery_status_q("overdue")),
        unreplied=Count("id", filter=delivery_status_q("unreplied")))


def delivery_get(*, actor, pk) -> Delivery:
    """One delivery, for a handler of the receiving unit or for whoever may send from the sending unit."""
    delivery = (Delivery.objects.unscoped(reason="visibility decided below")
                .select_related("unit", "dispatch", "dispatch__unit", "dispatch__sent_by__person",
                                "signed_by__person", "read_by__person", "replied_by__person",
                                "reviewed_by__person")
                .filter(pk=pk).first())
    if delivery is None:
        raise NotVisible("收文不存在", target_type=Delivery._meta.label_lower, target_id=pk, exists=False)
    if actor.unit_id == delivery.unit_id and policy.can(actor, perms.DELIVERY_HANDLE, delivery.unit_path):
        return delivery
    if policy.can(actor, perms.DISPATCH_SEND, delivery.dispatch.unit_path):
        return delivery
    raise NotVisible("收文不存在", target_type=Delivery._meta.label_lower, target_id=pk, exists=True)


def delivery_reply_attachments(delivery: Delivery) -> list:
    """The attachments of a delivery's reply, reached through the delivery already shown to the actor."""
    from fenji.core.files.selectors import attachment_list_unchecked

    ids = list(Delivery.reply_attachments.through.objects.filter(delivery_id=delivery.pk)
               .order_by("id").values_list("attachment_id", flat=True))
    return attachment_list_unchecked(ids) if ids else []


def delivery_reply_attachment(delivery: Delivery, attachment_pk: int):
    """One attachment of the reply of ``delivery`` (already shown to the actor); any other id answers
    ``NotVisible``, exactly like a missing attachment."""
    from fenji.core.files.selectors import attachment_list_unchecked

    linked = (Delivery.reply_attachments.through.objects
              .filter(delivery_id=delivery.pk, attachment_id=attachment_pk).exists())
    found = attachment_list_unchecked([attachment_pk]) if linked else []
    if not found:
        raise NotVisible("附件不存在")
    return found[0]


# --- 公文文件 ---------------------------------------------------------------------------------------


def dispatch_files(dispatch: Dispatch) -> list:
    """The files of a dispatch (already shown to the actor), in the order they were attached."""
    from fenji.core.files.selectors import attachment_list_unchecked

    ids = list(Dispatch.files.through.objects.filter(dispatch_id=dispatch.pk).order_by("id")
               .values_list("attachment_id", flat=True))
    return attachment_list_unchecked(ids) if ids else []


def dispatch_file(dispatch: Dispatch, attachment_pk: int):
    """One file of ``dispatch`` (already shown to the actor); any other id answers ``NotVisible``,
    exactly like a missing file."""
    from fenji.core.files.selectors import attachment_list_unchecked

    linked = Dispatch.files.through.objects.filter(dispatch_id=dispatch.pk, attachment_id=attachment_pk).exists()
    found = attachment_list_unchecked([attachment_pk]) if linked else []
    if not found:
        raise NotVisible("文件不存在")
    return found[0]


def delivery_file_opens(delivery_ids) -> dict[int, list[FileOpen]]:
    """Who opened the files, per delivery (deliveries already shown to the actor), first opener first:
    one query for a page of deliveries."""
    rows = (FileOpen.objects.unscoped(reason="the opens of deliveries already shown to the actor")
            .filter(delivery_id__in=list(delivery_ids)).select_related("account__person", "attachment")
            .order_by("delivery_id", "first_opened_at", "id"))
    opens: dict[int, list[FileOpen]] = {}
    for row in rows:
        opens.setdefault(row.delivery_id, []).append(row)
    return opens


# --- 通报 ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulletinRow:
    """One receiving unit's line. The rates count only what has fallen due: a delivery counts for
    signing once signed or past its signing deadline (``signs_due``), for answering once answered or
    past its reply deadline (``replies_due``); nothing due yet gives ``None`` (shown as "—")."""

    unit_id: int
    unit_name: str
    unit_path: str
    received: int
    signs_due: int
    signed_on_time: int
    replies_due: int
    replied_on_time: int
    overdue: int
    rank: int = 0

    @property
    def sign_rate(self) -> float | None:
        return None if self.signs_due == 0 else self.signed_on_time / self.signs_due

    @property
    def reply_rate(self) -> float | None:
        return None if self.replies_due == 0 else self.replied_on_time / self.replies_due


def _period(start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tz)
    return since, until


def dispatch_bulletin(*, actor, root_path: str, start: datetime.date, end: datetime.date,
                      now=None) -> list[BulletinRow]:
    """Per receiving unit in ``root_path``'s subtree, for what was sent in [start, end] from units within
    the actor's sending scope: on-time signing and reply counts against what has fallen due, and the
    deliveries overdue in either; one grouped query, ranked best first (signing rate, then reply rate,
    then fewest overdue)."""
    if not policy.can(actor, perms.DISPATCH_SEND, root_path):
        raise NotVisible("单位不存在或不在您的管理范围内")
    now = now or timezone.now()
    since, until = _period(start, end)
    sent = (Dispatch.objects.unscoped(reason="ranked below within the actor's scope")
            .filter(policy.scope_q(actor, perms.DISPATCH_SEND), sent_at__gte=since, sent_at__lt=until))
    pending = pending_bulletin(sent, now=now, within_q=subtree_q("path", root_path)
                               & policy.scope_q(actor, perms.DISPATCH_SEND, field="path"))
    sign_late = Q(signed_at__gt=F("sign_due_at")) | Q(signed_at__isnull=True, sign_due_at__lt=now)
    reply_late = (Q(replied_at__gt=F("reply_due_at"))
                  | Q(reply_due_at__lt=now, review_state__in=[ReviewState.NONE, ReviewState.RETURNED]))
    sign_due = Q(signed_at__isnull=False) | Q(sign_due_at__lt=now)
    reply_due = Q(reply_due_at__isnull=False) & (Q(reply_due_at__lt=now) | Q(replied_at__isnull=False))
    rows = (Delivery.objects.visible_to(actor, perms.DISPATCH_SEND).filter(subtree_q("unit_path", root_path))
            .filter(policy.scope_q(actor, perms.DISPATCH_SEND, field="dispatch__unit_path"))
            .filter(dispatch__sent_at__gte=since, dispatch__sent_at__lt=until)
            .values("unit_id", "unit__name", "unit_path")
            .annotate(received=Count("id"),
                      signs_due=Count("id", filter=sign_due),
                      signed_on_time=Count("id", filter=Q(signed_at__lte=F("sign_due_at"))),
                      replies_due=Count("id", filter=reply_due),
                      replied_on_time=Count("id", filter=Q(review_state__in=[ReviewState.PENDING,
                                                                             ReviewState.ACCEPTED],
                                                           replied_at__lte=F("reply_due_at"))),
                      overdue=Count("id", filter=sign_late | reply_late))
            .order_by("unit_path"))
    merged = {r["unit_id"]: dict(r) for r in rows}
    for unit_id, extra in pending.items():  # the units without a row yet (ADR 0027), added, not written
        row = merged.setdefault(unit_id, {**extra, "received": 0, "signs_due": 0, "replies_due": 0, "overdue": 0})
        for key in ("received", "signs_due", "replies_due", "overdue"):
            row[key] += extra[key]
    rows = sorted(merged.values(), key=lambda r: r["unit_path"])
    table = [BulletinRow(unit_id=r["unit_id"], unit_name=r["unit__name"], unit_path=r["unit_path"],
                         received=r["received"], signs_due=r["signs_due"], signed_on_time=r["signed_on_time"],
                         replies_due=r["replies_due"], replied_on_time=r["replied_on_time"], overdue=r["overdue"])
             for r in rows]

    def key(row: BulletinRow):
        return (-(row.sign_rate or 0), -(row.reply_rate if row.reply_rate is not None else 1), row.overdue,
                row.unit_path)

    ranked = sorted(table, key=key)
    result, previous, rank = [], None, 0
    for index, row in enumerate(ranked, start=1):
        score = key(row)[:3]
        if score != previous:
            rank, previous = index, score
        result.append(BulletinRow(**{**row.__dict__, "rank": rank}))
    return result
