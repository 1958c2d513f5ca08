"""Signed checkpoints of the chain: what ``fenji audit checkpoint`` writes and ``verify --checkpoint`` checks."""

import json

from django.utils import timezone

from .chain import verify_chain
from .models import AuditEvent, Checkpoint
from .signing import get_signer


def statement(seq: int, digest: str, at: str) -> bytes:
    return json.dumps({"seq": seq, "hash": digest, "at": at}, sort_keys=True).encode()


def checkpoint_create() -> Checkpoint:
    """Sign the current end of the chain, after verifying it (a broken chain is never certified)."""
    verdict = verify_chain()
    if not verdict.ok:
        raise ValueError(verdict.describe())
    signer = get_signer()
    at = timezone.now().isoformat()
    return Checkpoint.objects.create(
        seq=verdict.last_seq, hash=verdict.last_hash, at=at, signer=signer.name,
        public_key=signer.public_key(), signature=signer.sign(statement(verdict.last_seq, verdict.last_hash, at)),
    )


def checkpoint_export(checkpoint: Checkpoint) -> dict:
    return {"seq": checkpoint.seq, "hash": checkpoint.hash, "at": checkpoint.at.isoformat()
            if hasattr(checkpoint.at, "isoformat") else checkpoint.at, "signer": checkpoint.signer,
            "public_key": checkpoint.public_key, "signature": checkpoint.signature}


def checkpoint_check(document: dict) -> str:
    """An exported checkpoint against the live chain: the signature verifies and the event at its seq
    still has its hash. Returns "" when it holds, else the reason in Chinese."""
    signer = get_signer()
    if not signer.verify(document["public_key"], statement(document["seq"], document["hash"], document["at"]),
                         document["signature"]):
        return "检查点签名无效"
    event = AuditEvent.objects.filter(seq=document["seq"]).first()
    if event is None:
        return f"检查点序号 {document['seq']} 的事件已不存在"
    if event.hash != document["hash"]:
        return f"序号 {document['seq']} 的事件哈希与检查点不符"
    return ""
