"""The hash chain over audit events: SM3(canonical fields of the event ‖ previous hash).

Appends lock the one ``ChainHead`` row, so events are chained in commit order with a gapless
``seq``. ``verify_chain`` re-walks the events and names the first broken link; editing any field
of any event, deleting one, or reordering breaks it from that event on.
"""

import datetime
import json
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import AuditEvent, ChainHead

GENESIS = "0" * 64
RETENTION_DAYS = 180  # 网络安全法: logs kept at least six months
HASHED_FIELDS = ("seq", "at", "actor_id", "actor_label", "actor_unit_path", "action", "target_type", "target_id",
                 "target_unit_path", "client_ip", "request_id", "channel", "outcome", "details")


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def _canonical(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return value


def event_hash(fields: dict, prev_hash: str) -> str:
    body = json.dumps({name: _canonical(fields[name]) for name in HASHED_FIELDS}, sort_keys=True,
                      ensure_ascii=False, separators=(",", ":"), default=str)
    return sm3_hex(f"{body}|{prev_hash}".encode())


def _lock_head() -> ChainHead:
    try:
        with transaction.atomic():
            return ChainHead.objects.select_for_update().get_or_create(pk=1)[0]
    except IntegrityError:  # two first appends raced to create the head: the loser reads it
        return ChainHead.objects.select_for_update().get(pk=1)


def append(fields: dict) -> AuditEvent:
    """Chain and insert one event; must run inside the transaction of the change it records."""
    if not connection.in_atomic_block:
        with transaction.atomic():
            return append(fields)
    head = _lock_head()
    fields = {**fields, "seq": head.seq + 1}
    digest = event_hash(fields, head.hash)
    event = AuditEvent.objects.create(prev_hash=head.hash, hash=digest, **fields)
    ChainHead.objects.filter(pk=1).update(seq=event.seq, hash=digest)
    return event


@dataclass
class Verdict:
    ok: bool
    events: int
    last_seq: int
    last_hash: str
    first_broken: int | None = None
    reason: str = ""

    def describe(self) -> str:
        if self.ok:
            return f"审计链完整：共 {self.events} 条事件，最后序号 {self.last_seq}，哈希 {self.last_hash}"
        return f"审计链在序号 {self.first_broken} 处断开：{self.reason}"


def verify_chain(batch: int = 5000) -> Verdict:
    """Re-walk every event in seq order; the first event whose link or content does not match fails."""
    head = ChainHead.objects.filter(pk=1).first()
    previous_hash, previous_seq, count = None, None, 0
    last_seq = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch):
        fields = {name: getattr(event, name) for name in HASHED_FIELDS}
        if previous_seq is not None and event.seq != previous_seq + 1:
            return Verdict(False, count, previous_seq, previous_hash, previous_seq + 1, "事件缺失（序号不连续）")
        if previous_hash is not None and event.prev_hash != previous_hash:
            return Verdict(False, count, previous_seq, previous_hash, event.seq, "与前一事件的链接不符")
        if event_hash(fields, event.prev_hash) != event.hash:
            return Verdict(False, count, previous_seq or 0, previous_hash or GENESIS, event.seq, "事件内容被改动")
        if previous_hash is None and event.seq == 1 and event.prev_hash != GENESIS:
            return Verdict(False, count, 0, GENESIS, 1, "首个事件的链接不符")
        previous_hash, previous_seq, count = event.hash, event.seq, count + 1
        last_seq = event.seq
    if head is not None and head.seq != last_seq:
        return Verdict(False, count, last_seq, previous_hash or GENESIS, last_seq + 1,
                       f"链尾记录为序号 {head.seq}，但只找到序号 {last_seq}（末尾事件缺失）")
    return Verdict(True, count, last_seq, previous_hash or GENESIS)


def purge_before(cutoff: datetime.datetime) -> int:
    """Remove events older than ``cutoff`` — never younger than the retention period. Returns the count."""
    floor = timezone.now() - datetime.timedelta(days=RETENTION_DAYS)
    if cutoff > floor:
        raise ValueError(f"审计日志至少保留 {RETENTION_DAYS} 天，只能清理 {floor:%Y-%m-%d} 之前的事件")
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL fenji.audit_purge = 'on'")
        table = AuditEvent._meta.db_table
        cursor.execute(f"DELETE FROM {table} WHERE at < %s", [cutoff])  # noqa: S608 (table name is ours)
        return cursor.rowcount
