"""The token format: ``fj_<prefix>_<secret>``. The prefix finds the row; the SHA-256 of the whole token
is what is stored and compared (in constant time). The plain token exists only in the creator's hands."""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

PREFIX_LENGTH = 8
TOKEN_RE = re.compile(r"^fj_(?P<prefix>[0-9a-f]{8})_(?P<secret>[A-Za-z0-9_-]{32,128})$")


@dataclass(frozen=True)
class NewToken:
    plain: str
    prefix: str
    hash: str


def digest(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def generate() -> NewToken:
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    plain = f"fj_{prefix}_{secrets.token_urlsafe(32)}"
    return NewToken(plain=plain, prefix=prefix, hash=digest(plain))


def prefix_of(plain: str) -> str | None:
    """The lookup prefix of a well-formed token, or None for anything else."""
    match = TOKEN_RE.match(plain or "")
    return match["prefix"] if match else None


def matches(plain: str, stored_hash: str) -> bool:
    return hmac.compare_digest(digest(plain), stored_hash)
