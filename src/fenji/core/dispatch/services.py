"""Sending down and handling what was sent: every write checks, writes and audits in one transaction.

``dispatch_send`` fans a dispatch out to its receiving units in ONE ``INSERT … SELECT`` over
``org_unit`` (PERFORMANCE.md: 6,491 per-unit rows in 13.5 ms), never a loop of inserts. The receiving
side (sign, read, reply) belongs to the accounts *of the receiving unit* holding
``dispatch.delivery.handle``; the review of replies (accept, return) and the reminders (催办) belong
to whoever may send from the sending unit.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.calendar.workdays import add_minutes, deadline, is_current
from fenji.core.kernel.errors import AccessDenied, DomainError, NotVisible
from fenji.core.kernel.paths import outermost, subtree_q
from fenji.core.notify.services import message_send
from fenji.core.org.kinds import kind_known, kind_label
from fenji.core.org.models import Unit, UnitStatus

from . import fanout
from . import permissions as perms
from .alerts import arrival_alert
from .elements import ElementError, elements_check
from .handlers import handlers_by_unit
from .models import Delivery, Dispatch, DispatchKind, DispatchRange, FeedbackKind, FileOpen, ReviewState

# Minutes to sign for, per kind (seed 001 §8: notices within 10 minutes); settings.DISPATCH_SIGN_MINUTES
# overrides single entries.
SIGN_MINUTES = {DispatchKind.NOTICE: 10, DispatchKind.MEETING: 10, DispatchKind.DOCUMENT: 30,
                DispatchKind.FEEDBACK: 60}
DEFAULT_REPLY_DAYS = 5
TITLE_MAX = 200
REASON_MAX = 500
FILES_MAX = 10


def sign_minutes(kind: str) -> int:
    overrides = getattr(settings, "DISPATCH_SIGN_MINUTES", None) or {}
    return int(overrides.get(str(kind), SIGN_MINUTES[kind]))


@dataclass
class Targets:
    """Where a dispatch goes: chosen units, whole subtrees (the root included), and optionally only
    the units of some kinds within those subtrees."""

    units: list = field(default_factory=list)  # Unit rows or ids
    subtrees: list = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # restricts the subtrees; empty = every kind

    def is_empty(self) -> bool:
        return not self.units and not self.subtrees


NO_SUCH_TARGET = "发送范围中的单位不存在或不在您的发文范围内（编号 {pk}）"


def _units(actor, values) -> list[Unit]:
    """The chosen units by id, each within the actor's sending scope. A missing id and a unit outside
    the scope get the same refusal, word for word (the id the user sent, never the unit's name), so
    the answer tells nothing about units outside the scope. Both are refusals (a 403 page, never a form
    error: the picker offers only units in scope), recorded as denials."""
    ids = [v.pk if isinstance(v, Unit) else int(v) for v in values]
    found = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    for pk in dict.fromkeys(ids):
        unit = found.get(pk)
        if unit is None:
            raise AccessDenied(NO_SUCH_TARGET.format(pk=pk), rule="no_such_target", action=perms.DISPATCH_SEND,
                               field="targets")
        if not policy.can(actor, perms.DISPATCH_SEND, unit.path):
            raise AccessDenied(NO_SUCH_TARGET.format(pk=pk), rule="out_of_scope", action=perms.DISPATCH_SEND,
                               field="targets")
        if unit.status != UnitStatus.ACTIVE:
            raise DomainError(f"“{unit.name}”已撤销，不能向其发文", field="targets")
    return [found[i] for i in dict.fromkeys(ids)]


def _target_q(actor, units: list[Unit], subtrees: list[Unit], kinds: list[str]) -> Q:
    q = Q(pk__in=[u.pk for u in units])
    for root in subtrees:
        part = subtree_q("path", root.path)
        if kinds:
            part &= Q(kind__in=kinds)
        q |= part
    # Belt and braces: a grant reaching one unit only must not let a subtree target spill past it.
    return q & policy.scope_q(actor, perms.DISPATCH_SEND, field="path")


def _ranges(actor, subtrees: list[Unit], kinds: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """The subtree targets cut to the actor's sending scope: ``(path, kind)`` ranges, and the paths of single
    units a unit-reach grant adds (a grant reaching one unit only must not let a subtree spill past it)."""
    if actor is policy.SYSTEM:
        roots, singles = [""], []
    else:
        roots = policy.scope_roots(actor, perms.DISPATCH_SEND)
        singles = policy.unit_reach_paths(actor, perms.DISPATCH_SEND)
    paths, loose = [], []
    for top in subtrees:
        if top.path.startswith(tuple(roots)):
            paths.append(top.path)
        else:
            paths += [root for root in roots if root.startswith(top.path)]
            loose += [path for path in singles if path.startswith(top.path)]
    paths = outermost(paths)
    return [(path, kind) for path in paths for kind in (kinds or [""])], list(dict.fromkeys(loose))


def _fan_out(actor, dispatch: Dispatch, units: list[Unit], subtrees: list[Unit], kinds: list[str]) -> int:
    """Store the ranges and write the rows due now; returns how many units receive ``dispatch``. Eager
    (``FENJI_DISPATCH_LAZY_FANOUT`` off): every row in ONE ``INSERT … SELECT`` over ``org_unit``. Lazy: rows
    only for the units chosen one by one and for those whose handlers are told of the arrival now; the
    rest stay pending (``fanout``, ADR 0027)."""
    ranges, loose = _ranges(actor, subtrees, kinds)
    DispatchRange.objects.bulk_create([DispatchRange(dispatch=dispatch, path=p, kind=k) for p, k in ranges])
    explicit = Q(pk__in=[u.pk for u in units]) | Q(path__in=loose, **({"kind__in": kinds} if kinds else {}))
    in_ranges = fanout.ranges_q(ranges)
    if not settings.FENJI_DISPATCH_LAZY_FANOUT:
        return fanout.insert_for_units(dispatch, fanout.receiving_units(dispatch, explicit | in_ranges))
    count = fanout.receiving_count(dispatch, ranges, explicit if units or loose else None)
    from fenji.core.people.models import Account

    told = (Account.objects.unscoped(reason="the handlers of the receiving units, told of the arrival")
            .filter(fanout.ranges_q(ranges, "unit_path", None), status="active",
                    pk__in=policy.live_grants().filter(role__in=policy.role_codes_with(perms.DELIVERY_HANDLE))
                    .values("account_id")).values("unit_id"))
    written = fanout.insert_for_units(dispatch, fanout.receiving_units(dispatch, explicit | (in_ranges & Q(pk__in=told))))
    if count > written:
        Dispatch.objects.unscoped(reason="the row just created").filter(pk=dispatch.pk).update(pending=True)
        dispatch.pending = True
    return count


def _describe(units, subtrees, kinds) -> dict:
    return {
        "units": [{"id": u.pk, "name": u.name} for u in units],
        "subtrees": [{"id": u.pk, "name": u.name} for u in subtrees],
        "kinds": [{"code": k, "name": kind_label(k)} for k in kinds],
    }


def _sending_unit(actor, unit) -> Unit:
    if unit is not None:
        return unit
    if actor.unit_id is None:
        raise DomainError("发文须由本单位账号办理")
    return Unit.objects.get(pk=actor.unit_id)


def document_elements(**values):
    """The 公文 elements checked (``elements.elements_check``), a refusal as a ``DomainError`` on its field."""
    try:
        return elements_check(**values)
    except ElementError as error:
        raise DomainError(error.message, field=error.field) from None


def document_file_kinds():
    from fenji.core.files.models import FileKind

    return {FileKind.PDF, FileKind.OFD, FileKind.DOCX}


DOCUMENT_FILE_LABEL = "PDF、OFD 或 Word（docx）"


def _document_files_check(uploads) -> None:
    """Every upload checked before any is stored: one refusal leaves nothing of the others behind."""
    from fenji.core.files.services import attachment_check

    for upload in uploads:
        attachment_check(upload=upload, kinds=document_file_kinds(), kinds_label=DOCUMENT_FILE_LABEL)


def document_file_store(*, actor, unit, upload):
    """One 公文 file stored for the sending ``unit`` through ``fenji.core.files`` (content checked against
    its extension, size limit, PDF/OFD/Word only): a refusal stores nothing."""
    from fenji.core.files.services import attachment_store

    return attachment_store(actor=actor, unit=unit, upload=upload, kinds=document_file_kinds(),
                            kinds_label=DOCUMENT_FILE_LABEL)


@service
def dispatch_files_store(*, actor, uploads, unit=None) -> list:
    """公文 files stored ahead of the send (the send form's confirmation step carries them over): all of
    them or, on the first refusal, none."""
    sender = _sending_unit(actor, unit)
    policy.require(actor, perms.DISPATCH_SEND, sender.path)
    uploads = list(uploads or ())
    if len(uploads) > FILES_MAX:
        raise DomainError(f"公文文件最多 {FILES_MAX} 个", field="files")
    _document_files_check(uploads)
    return [document_file_store(actor=actor, unit=sender, upload=upload) for upload in uploads]


def _document_files(actor, sender: Unit, files) -> list:
    """Uploads are stored now; attachments already stored (the send form stores them at its confirmation
    step) must be the actor's own uploads for the sending unit, of a 公文 kind."""
    from fenji.core.files.models import Attachment

    files = list(files or ())
    if len(files) > FILES_MAX:
        raise DomainError(f"公文文件最多 {FILES_MAX} 个", field="files")
    _document_files_check([item for item in files if not isinstance(item, Attachment | int)])
    stored = []
    for item in files:
        if isinstance(item, Attachment | int):
            pk = item.pk if isinstance(item, Attachment) else item
            found = (Attachment.objects.unscoped(reason="checked below: the actor's own upload for the sender")
                     .filter(pk=pk, unit_id=sender.pk, uploaded_by_id=actor.account_id,
                             kind__in=document_file_kinds()).first())
            if found is None:
                raise DomainError("公文文件不存在，请重新上传", field="files")
            stored.append(found)
        else:
            stored.append(document_file_store(actor=actor, unit=sender, upload=item))
    return list({a.pk: a for a in stored}.values())


@service
def dispatch_send(*, actor, kind: str, title: str, targets: Targets, body: str = "", doc_number: str = "",
                  feedback_kind: str = "", reply_days: int | None = None, sign_within_minutes: int | None = None,
                  doc_kind: str = "", urgency: str = "", signer: str = "", classification: str = "",
                  files=(), unit=None) -> Dispatch:
    """Send a notice, meeting notice, document or feedback item from ``unit`` (the actor's own unit by
    default) to ``targets``; every target must lie within the actor's sending scope. The 公文 elements
    (发文字号, 文种, 紧急程度, 签发人; 密级 always refused) are optional on every kind; ``files`` are
    uploads (stored here, checked) or the actor's attachments already stored for the sending unit."""
    sender = _sending_unit(actor, unit)
    policy.require(actor, perms.DISPATCH_SEND, sender.path)
    elements = document_elements(doc_number=doc_number, doc_kind=doc_kind, urgency=urgency, signer=signer,
                                 classification=classification)
    if kind not in DispatchKind.values:
        raise DomainError(f"未知的发文类别：{kind}", field="kind")
    title = (title or "").strip()
    if not title:
        raise DomainError("请填写标题", field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(f"标题不能超过 {TITLE_MAX} 个字", field="title")
    if kind == DispatchKind.FEEDBACK:
        if feedback_kind not in FeedbackKind.values:
            raise DomainError("请选择反馈件类型（承办、提案、督办或投诉）", field="feedback_kind")
        reply_days = DEFAULT_REPLY_DAYS if reply_days is None else int(reply_days)
        if not 1 <= reply_days <= 365:
            raise DomainError("答复时限应为 1 至 365 个工作日", field="reply_days")
    else:
        feedback_kind, reply_days = "", None
    minutes = sign_minutes(kind) if sign_within_minutes is None else int(sign_within_minutes)
    if not 1 <= minutes <= 60 * 24 * 30:
        raise DomainError("签收时限应为 1 分钟至 30 天", field="sign_within_minutes")
    if targets.is_empty():
        raise DomainError("请选择发送范围", field="targets")
    units, subtrees = _units(actor, targets.units), _units(actor, targets.subtrees)
    kinds = [k for k in dict.fromkeys(targets.kinds) if k]
    unknown = [k for k in kinds if not kind_known(k)]
    if unknown:
        raise DomainError(f"未知的单位类型：{unknown[0]}", field="targets")

    stored = _document_files(actor, sender, files)

    now = timezone.now()
    reply_due = deadline(now, reply_days, provisional_ok=True) if reply_days else None
    dispatch = Dispatch.objects.create(
        unit=sender, unit_path=sender.path, kind=kind, feedback_kind=feedback_kind, title=title,
        body=(body or "").strip(), doc_number=elements.doc_number, doc_kind=elements.doc_kind,
        urgency=elements.urgency, signer=elements.signer, sent_by_id=actor.account_id,
        sent_at=now, sign_within_minutes=minutes, reply_days=reply_days,
        targets=_describe(units, subtrees, kinds), sign_due_at=add_minutes(now, minutes),
        reply_due_at=reply_due.value if reply_due else None,
        reply_due_provisional=bool(reply_due and reply_due.provisional),
        calendar_version=reply_due.calendar_version if reply_due else "", unit_cutoff=fanout.unit_cutoff(),
    )
    if stored:  # through the link table: the attachments' own manager is fail-closed
        links = Dispatch.files.through.objects
        links.bulk_create([links.model(dispatch_id=dispatch.pk, attachment_id=a.pk) for a in stored])
    count = _fan_out(actor, dispatch, units, subtrees, kinds)
    if count == 0:
        raise DomainError("发送范围内没有可接收的单位（本单位、已撤销的单位不接收）", field="targets")
    Dispatch.objects.unscoped(reason="the row just created").filter(pk=dispatch.pk).update(delivery_count=count)
    dispatch.delivery_count = count
    audit_record(actor=actor, action=perms.DISPATCH_SEND, target=dispatch,
                 details={"kind": kind, "title": title, "deliveries": count, "targets": dispatch.targets,
                          "doc_number": elements.doc_number, "doc_kind": elements.doc_kind,
                          "files": [{"id": a.pk, "name": a.original_name, "sm3": a.sm3} for a in stored]})
    arrival_alert(dispatch)
    return dispatch


@dataclass
class SendPreview:
    """What a send would do: how many units receive it, and which of them have nobody who can sign."""

    count: int
    without_handler: list[str]

    @property
    def sentence(self) -> str:
        text = f"将发送至 {self.count} 个单位"
        if self.without_handler:
            names = "、".join(self.without_handler[:10]) + ("等" if len(self.without_handler) > 10 else "")
            text += f"，其中 {len(self.without_handler)} 个单位无人可签收（{names}）：请先为其开通收文人员，或仍然下发"
        return text + "。"


def dispatch_send_preview(*, actor, targets: Targets, unit=None) -> SendPreview:
    """The consequence a sender confirms before ``dispatch_send``: the same target rules, nothing written."""
    sender = _sending_unit(actor, unit)
    policy.require(actor, perms.DISPATCH_SEND, sender.path)
    if targets.is_empty():
        raise DomainError("请选择发送范围", field="targets")
    units, subtrees = _units(actor, targets.units), _units(actor, targets.subtrees)
    kinds = [k for k in dict.fromkeys(targets.kinds) if k]
    receiving = list(Unit.objects.filter(_target_q(actor, units, subtrees, kinds), status=UnitStatus.ACTIVE)
                     .exclude(pk=sender.pk).order_by("path").values_list("pk", "name"))
    handlers = handlers_by_unit([pk for pk, _ in receiving])
    return SendPreview(count=len(receiving), without_handler=[name for pk, name in receiving if not handlers.get(pk)])


# --- receiving ------------------------------------------------------------------------------------


def may_handle(actor, delivery: Delivery) -> bool:
    """An account of the receiving unit holding ``dispatch.delivery.handle`` there."""
    return (actor is not policy.SYSTEM and actor.unit_id == delivery.unit_id
            and policy.can(actor, perms.DELIVERY_HANDLE, delivery.unit_path))


def may_review(actor, delivery: Delivery) -> bool:
    """Whoever may send from the sending unit reviews the replies and urges the laggards."""
    return policy.can(actor, perms.DISPATCH_SEND, delivery.dispatch.unit_path)


def _require_handler(actor, delivery: Delivery) -> None:
    if may_handle(actor, delivery):
        return
    if may_review(actor, delivery) or policy.can(actor, perms.DELIVERY_HANDLE, delivery.unit_path):
        raise AccessDenied("只有收文单位本单位的经办人员可以签收、答复", rule="not_receiving_unit",
                                  action=perms.DELIVERY_HANDLE)
    raise NotVisible("收文不存在")


def _locked(delivery: Delivery) -> Delivery:
    return (Delivery.objects.unscoped(reason="a delivery the caller already found in scope")
            .select_for_update().select_related("dispatch").get(pk=delivery.pk))


@service
def delivery_sign(*, actor, delivery: Delivery) -> Delivery:
    """签收: the receiving unit acknowledges receipt; the time is kept against the deadline."""
    _require_handler(actor, delivery)
    delivery = _locked(delivery)
    if delivery.signed_at is not None:
        raise DomainError("该文件已签收")
    now = timezone.now()
    delivery.signed_at, delivery.signed_by_id = now, actor.account_id
    delivery.save(update_fields=["signed_at", "signed_by"])
    audit_record(actor=actor, action=perms.DELIVERY_HANDLE, target=delivery,
                 details={"op": "sign", "dispatch": delivery.dispatch_id, "on_time": now <= delivery.sign_due_at})
    return delivery


@service
def delivery_read(*, actor, delivery: Delivery) -> Delivery:
    """阅知: recorded once, the first time a handler of the receiving unit opens the signed document."""
    _require_handler(actor, delivery)
    delivery = _locked(delivery)
    if delivery.signed_at is None:
        raise DomainError("请先签收")
    if delivery.read_at is None:
        delivery.read_at, delivery.read_by_id = timezone.now(), actor.account_id
        delivery.save(update_fields=["read_at", "read_by"])
        audit_record(actor=actor, action=perms.DELIVERY_HANDLE, target=delivery,
                     details={"op": "read", "dispatch": delivery.dispatch_id})
    return delivery


@service
def dispatch_file_open(*, actor, delivery: Delivery, attachment) -> FileOpen | None:
    """A file of the dispatch opened (downloaded) through ``delivery``. A handler of the receiving unit
    must have signed first; the open is recorded per delivery, file and account (first and last time,
    count) and counts as reading the document. The sending side opens without a record."""
    if not may_handle(actor, delivery):
        if may_review(actor, delivery):
            return None
        _require_handler(actor, delivery)
    delivery = _locked(delivery)
    if delivery.signed_at is None:
        raise DomainError("请先签收，再查看公文文件")
    now = timezone.now()
    opened = (FileOpen.objects.unscoped(reason="the delivery's own open records").select_for_update()
              .filter(delivery=delivery, attachment_id=attachment.pk, account_id=actor.account_id).first())
    if opened is None:
        opened = FileOpen.objects.create(unit_id=delivery.unit_id, unit_path=delivery.unit_path, delivery=delivery,
                                         attachment_id=attachment.pk, account_id=actor.account_id,
                                         first_opened_at=now, last_opened_at=now)
    else:
        opened.last_opened_at, opened.times = now, opened.times + 1
        opened.save(update_fields=["last_opened_at", "times"])
    if delivery.read_at is None:
        delivery.read_at, delivery.read_by_id = now, actor.account_id
        delivery.save(update_fields=["read_at", "read_by"])
    audit_record(actor=actor, action=perms.DELIVERY_HANDLE, target=delivery,
                 details={"op": "open_file", "dispatch": delivery.dispatch_id, "file": attachment.pk,
                          "name": attachment.original_name, "times": opened.times})
    return opened


def _attachments_store(*, actor, delivery: Delivery, attachments) -> list:
    """Reply attachments are stored by ``fenji.core.files`` (content-checked, hashed, audited) for the
    receiving unit, inside the reply's transaction."""
    from fenji.core.files.services import attachment_store

    return [attachment_store(actor=actor, unit=delivery.unit, upload=upload) for upload in attachments or ()]


@service
def delivery_reply(*, actor, delivery: Delivery, text: str, attachments=()) -> Delivery:
    """答复 a feedback item (again after it was returned); the sender then accepts or returns it."""
    _require_handler(actor, delivery)
    delivery = _locked(delivery)
    if not delivery.dispatch.expects_reply:
        raise DomainError("该文件无需答复")
    if delivery.review_state not in (ReviewState.NONE, ReviewState.RETURNED):
        raise DomainError("已答复，等待发文单位审核" if delivery.review_state == ReviewState.PENDING
                          else "答复已通过审核，不能再修改")
    text = (text or "").strip()
    if not text:
        raise DomainError("请填写答复内容", field="text")
    stored = _attachments_store(actor=actor, delivery=delivery, attachments=attachments)
    now = timezone.now()
    if delivery.signed_at is None:  # answering is receiving too
        delivery.signed_at, delivery.signed_by_id = now, actor.account_id
    delivery.replied_at, delivery.replied_by_id, delivery.reply_text = now, actor.account_id, text
    delivery.review_state, delivery.reviewed_at, delivery.reviewed_by_id = ReviewState.PENDING, None, None
    delivery.save(update_fields=["signed_at", "signed_by", "replied_at", "replied_by", "reply_text",
                                 "review_state", "reviewed_at", "reviewed_by"])
    # A reply (again, after a return) is a whole new answer: its attachments replace the earlier ones.
    # Through the link table: the attachments' own manager is fail-closed (unit-owned rows).
    links = Delivery.reply_attachments.through.objects
    links.filter(delivery_id=delivery.pk).delete()
    links.bulk_create([links.model(delivery_id=delivery.pk, attachment_id=a.pk) for a in stored])
    audit_record(actor=actor, action=perms.DELIVERY_HANDLE, target=delivery, details={
        "op": "reply", "dispatch": delivery.dispatch_id, "attachments": len(stored),
        "on_time": delivery.reply_due_at is None or now <= delivery.reply_due_at})
    sender = delivery.dispatch.sent_by
    if sender is not None:
        message_send(recipient=sender, title=f"收到答复：{delivery.dispatch.title}",
                     body=f"{delivery.unit.name}已答复，请审核", link=f"/dispatch/deliveries/{delivery.pk}/",
                     kind="dispatch.reply", dedupe_key=f"dispatch.delivery.{delivery.pk}.reply.{now:%Y%m%d%H%M%S}")
    return delivery


def _review(actor, delivery: Delivery) -> Delivery:
    delivery = _locked(delivery)
    if not may_review(actor, delivery):
        if policy.can(actor, perms.DELIVERY_HANDLE, delivery.unit_path) or actor.holds(perms.DISPATCH_SEND):
            policy.require(actor, perms.DISPATCH_SEND, delivery.dispatch.unit_path)
        raise NotVisible("收文不存在")
    if delivery.review_state != ReviewState.PENDING:
        raise DomainError("该答复不在待审核状态，请刷新页面")
    return delivery


@service
def delivery_accept(*, actor, delivery: Delivery) -> Delivery:
    """审结: the sender accepts the reply."""
    delivery = _review(actor, delivery)
    delivery.review_state, delivery.reviewed_at, delivery.reviewed_by_id = (
        ReviewState.ACCEPTED, timezone.now(), actor.account_id)
    delivery.save(update_fields=["review_state", "reviewed_at", "reviewed_by"])
    audit_record(actor=actor, action=perms.DISPATCH_SEND, target=delivery,
                 details={"op": "accept", "dispatch": delivery.dispatch_id})
    return delivery


@service
def delivery_return(*, actor, delivery: Delivery, reason: str) -> Delivery:
    """退回重办: the receiving unit answers again (its reply deadline stays as it was)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写退回理由", field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(f"退回理由不能超过 {REASON_MAX} 个字", field="reason")
    delivery = _review(actor, delivery)
    delivery.review_state, delivery.return_reason = ReviewState.RETURNED, reason
    delivery.reviewed_at, delivery.reviewed_by_id = timezone.now(), actor.account_id
    delivery.save(update_fields=["review_state", "return_reason", "reviewed_at", "reviewed_by"])
    audit_record(actor=actor, action=perms.DISPATCH_SEND, target=delivery,
                 details={"op": "return", "dispatch": delivery.dispatch_id, "reason": reason})
    for account in handlers_by_unit([delivery.unit_id]).get(delivery.unit_id, []):
        message_send(recipient=account, title=f"答复被退回：{delivery.dispatch.title}", body=f"退回理由：{reason}",
                     link=f"/dispatch/deliveries/{delivery.pk}/", kind="dispatch.returned",
                     dedupe_key=f"dispatch.delivery.{delivery.pk}.returned.{delivery.reviewed_at:%Y%m%d%H%M%S}",
                     sms=True)
    return delivery


# --- deadlines after a calendar change --------------------------------------------------------------


def delivery_deadlines_refresh() -> int:
    """Recompute the reply deadline of every delivery still awaiting its reply whose deadline was
    computed with a calendar that has changed since (a provisional year confirmed, a day corrected).
    All deliveries of one dispatch share the sent time and the working days, so each stale dispatch
    is one computation and one UPDATE of its stale rows. Returns how many deliveries were updated.
    Run by the periodic reminder job (``reminders.send_due_reminders``)."""
    awaiting = (Delivery.objects.unscoped(reason="deadline bookkeeping")
                .filter(reply_due_at__isnull=False, review_state__in=[ReviewState.NONE, ReviewState.RETURNED]))
    stale = [version for version in awaiting.values_list("calendar_version", flat=True).distinct().order_by()
             if not is_current(version)]
    if not stale:
        return 0
    changed = 0
    dispatches = (awaiting.filter(calendar_version__in=stale)
                  .values_list("dispatch_id", "dispatch__sent_at", "dispatch__reply_days").distinct().order_by())
    for dispatch_id, sent_at, reply_days in dispatches:
        if not reply_days:
            continue
        due = deadline(sent_at, reply_days, provisional_ok=True)
        Dispatch.objects.unscoped(reason="deadline bookkeeping").filter(pk=dispatch_id).update(
            reply_due_at=due.value, reply_due_provisional=due.provisional, calendar_version=due.calendar_version)
        changed += awaiting.filter(dispatch_id=dispatch_id, calendar_version__in=stale).update(
            reply_due_at=due.value, reply_due_provisional=due.provisional, calendar_version=due.calendar_version)
    return changed


# --- 一键催办 -------------------------------------------------------------------------------------


def laggards_q(now=None) -> Q:
    """Deliveries still owing something: not signed, or (feedback) not answered / answer returned."""
    return Q(signed_at__isnull=True) | Q(reply_due_at__isnull=False,
                                         review_state__in=[ReviewState.NONE, ReviewState.RETURNED])


@service
def dispatch_urge(*, actor, dispatch: Dispatch) -> dict:
    """Remind (message + SMS) the handlers of every receiving unit still owing a signature or a reply.
    The laggards are selected and stamped set-based; a second click within the same minute sends
    nothing twice (dedupe key per delivery and minute)."""
    policy.require(actor, perms.DISPATCH_SEND, dispatch.unit_path)
    fanout.materialise(dispatch)  # reminding is receiving: every pending unit gets its row, one statement
    now = timezone.now()
    laggards = (Delivery.objects.unscoped(reason="the deliveries of a dispatch the actor may send from")
                .filter(laggards_q(), dispatch=dispatch))
    rows = list(laggards.values_list("pk", "unit_id", "signed_at"))
    handlers = handlers_by_unit([unit_id for _, unit_id, _ in rows])
    sent = 0
    for pk, unit_id, signed_at in rows:
        what = "签收" if signed_at is None else "答复"
        for account in handlers.get(unit_id, []):
            message = message_send(
                recipient=account, title=f"催办：请及时{what}《{dispatch.title}》",
                body=f"{dispatch.unit.name}催办，请尽快{what}", link=f"/dispatch/deliveries/{pk}/",
                kind="dispatch.urge", dedupe_key=f"dispatch.delivery.{pk}.urge.{now:%Y%m%d%H%M}", sms=True)
            sent += message is not None
    laggards.filter(pk__in=[pk for pk, _, _ in rows]).update(urged_at=now, urge_count=F("urge_count") + 1)
    without = sum(1 for _, unit_id, _ in rows if not handlers.get(unit_id))
    audit_record(actor=actor, action=perms.DISPATCH_SEND, target=dispatch,
                 details={"op": "urge", "deliveries": len(rows), "messages": sent, "units_without_handler": without})
    return {"deliveries": len(rows), "messages": sent, "units_without_handler": without}


# --- benchmark hook -------------------------------------------------------------------------------


def dispatch_fanout(*, actor, root=None, kinds=(), title: str = "性能测试通知", kind: str = DispatchKind.NOTICE,
                    unit=None) -> Dispatch:
    """For ``fenji bench``: send one dispatch from ``unit`` (the actor's own by default) to the whole
    subtree of ``root`` (the sending unit by default), optionally only to units of ``kinds``; returns the
    dispatch (``delivery_count`` = rows fanned out). Acts through the real service: checks, one
    ``INSERT … SELECT``, audit."""
    sender = _sending_unit(actor, unit)
    return dispatch_send(actor=actor, unit=sender, kind=kind, title=title,
                         targets=Targets(subtrees=[root or sender], kinds=list(kinds)))
