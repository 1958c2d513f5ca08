"""Personal data at rest: SM4-GCM encryption and a keyed SM3 blind index (GB/T 39786 §8.4 d/e).

Encrypted values are stored as text ``v<key id>:<base64(nonce | ciphertext | tag)>`` with a random
12-byte nonce per value; the token header is bound as associated data, so a token cannot be moved
to another key id. Tampering, a wrong key or a truncated token raise ``DecryptionFailed`` (an
``InvalidTag``) naming the key id — never a silent garbage value.

Equality search and uniqueness use a blind index: ``HMAC-SM3(index key, value)`` in hex. The index
key is separate from the data keys and stable: rotating the data keys does not touch the hashes
(``fenji rotate_data_key``; ``--index`` replaces the index key and recomputes every hash).

Where the keys come from (never from the database), first match wins:

- ``FENJI_DATA_KEYS="1:<base64>,2:<base64>"`` plus ``FENJI_INDEX_KEY=<base64>``: several data keys,
  new values are written under the highest id;
- ``FENJI_DATA_KEY=<base64>``: one master key; data key 1 and the index key are both derived from it;
- the key file ``settings.DATA_KEY_FILE`` (default ``var/data.key``, ``FENJI_DATA_KEY_FILE``),
  generated once with mode 0600 when missing: lines ``index:<base64>`` and ``<id>:<base64>``.

Every key is 32 random bytes (base64); the SM4 key (16 bytes) and the HMAC-SM3 index key (32 bytes)
are derived from them with HKDF-SM3, one label per purpose. This module depends on ``cryptography``
only (Django is asked for nothing but the default key file location).
"""

import base64
import binascii
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12
TAG_BYTES = 16
MASTER_BYTES = 32
TOKEN_RE = re.compile(r"^v(\d{1,9}):([A-Za-z0-9+/=]+)$")
KEY_LINE_RE = re.compile(r"^(index|\d{1,9})\s*:\s*(\S+)$")
DATA_INFO = b"fenji/pii/sm4-gcm"
INDEX_INFO = b"fenji/pii/blind-index/hmac-sm3"

KEY_FILE_HEADER = """\
# fenji data keys (SM4-GCM for ID and mobile numbers, HMAC-SM3 blind index). Never in the database.
# Back this file up apart from the database backups: without it the personal data cannot be read.
# "index:" is the blind-index key; "<id>:" lines are data keys, new values use the highest id.
"""


class KeyConfigError(RuntimeError):
    """The keys are missing or malformed; the message says which setting or file line."""


class DecryptionFailed(InvalidTag):
    """A stored value does not authenticate: tampered, truncated, or encrypted under another key."""


class UnknownKey(DecryptionFailed):
    """A stored value names a key id that is not configured."""


def _hkdf(master: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SM3(), length=length, salt=None, info=info).derive(master)


def _decode_key(text: str, where: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyConfigError(f"{where}: 密钥不是有效的 base64") from None
    if len(raw) != MASTER_BYTES:
        raise KeyConfigError(f"{where}: 密钥应为 {MASTER_BYTES} 字节（base64 编码），实际 {len(raw)} 字节")
    return raw


def new_master_key() -> str:
    return base64.b64encode(secrets.token_bytes(MASTER_BYTES)).decode()


@dataclass
class KeyRing:
    """The configured keys: data keys by id (the highest encrypts) and the blind-index key."""

    masters: dict[int, bytes]
    index_master: bytes
    source: str = ""
    path: Path | None = None  # the key file, when the keys come from one
    mtime_ns: int | None = None
    _data_keys: dict[int, bytes] = field(default_factory=dict, repr=False)
    _index_key: bytes = field(default=b"", repr=False)
    # Prepared once (half the cost of an ``encrypt``, most of a ``blind_index``): the SM4 key objects and
    # an HMAC keyed with the index key that each blind index copies.
    _sm4: dict[int, algorithms.SM4] = field(default_factory=dict, repr=False)
    _index_mac: object = field(default=None, repr=False)

    def __post_init__(self):
        if not self.masters:
            raise KeyConfigError(f"{self.source}: 没有数据密钥")
        self._data_keys = {key_id: _hkdf(master, DATA_INFO, 16) for key_id, master in self.masters.items()}
        self._index_key = _hkdf(self.index_master, INDEX_INFO, 32)
        self._sm4 = {key_id: algorithms.SM4(key) for key_id, key in self._data_keys.items()}
        self._index_mac = crypto_hmac.HMAC(self._index_key, hashes.SM3())

    @property
    def newest_id(self) -> int:
        return max(self._data_keys)

    def encrypt(self, plaintext: str, *, key_id: int | None = None) -> str:
        key_id = self.newest_id if key_id is None else key_id
        header = f"v{key_id}"
        nonce = secrets.token_bytes(NONCE_BYTES)
        encryptor = Cipher(self._sm4[key_id], modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(header.encode())
        body = encryptor.update(plaintext.encode()) + encryptor.finalize()
        return f"{header}:{base64.b64encode(nonce + body + encryptor.tag).decode()}"

    def decrypt(self, token: str) -> str:
        key_id, raw = split_token(token)
        if key_id not in self._data_keys:
            raise UnknownKey(f"密文使用的密钥 v{key_id} 未配置（{self.source}）：请恢复该密钥后再读取")
        nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
        decryptor = Cipher(self._sm4[key_id], modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(f"v{key_id}".encode())
        try:
            return (decryptor.update(body) + decryptor.finalize()).decode()
        except (InvalidTag, UnicodeDecodeError):
            raise DecryptionFailed(f"密文校验失败（密钥 v{key_id}）：数据被篡改，或不是用当前密钥加密的") from None

    def blind_index(self, value: str) -> str:
        mac = self._index_mac.copy()
        mac.update(value.strip().encode())
        return mac.finalize().hex()


def split_token(token: str) -> tuple[int, bytes]:
    """The key id and the raw bytes of a stored token, or ``DecryptionFailed`` if it is not one."""
    match = TOKEN_RE.match(token or "")
    if match is None:
        raise DecryptionFailed("不是加密字段的密文格式（v<密钥编号>:<base64>）：该列可能被直接写入了明文")
    try:
        raw = base64.b64decode(match[2], validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionFailed(f"密文不是有效的 base64（密钥 v{match[1]}）：数据被篡改") from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionFailed(f"密文长度不足（密钥 v{match[1]}）：数据被截断或篡改")
    return int(match[1]), raw


def key_id_of(token: str) -> int:
    return split_token(token)[0]


def is_token(value) -> bool:
    return isinstance(value, str) and TOKEN_RE.match(value) is not None


# --- key sources ---------------------------------------------------------------------------------


def parse_key_file(text: str, where: str) -> tuple[dict[int, bytes], bytes | None]:
    masters: dict[int, bytes] = {}
    index = None
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = KEY_LINE_RE.match(line)
        if match is None:
            raise KeyConfigError(f"{where} 第 {number} 行：应为 “index:<base64>” 或 “<编号>:<base64>”")
        key = _decode_key(match[2], f"{where} 第 {number} 行")
        if match[1] == "index":
            index = key
        elif int(match[1]) in masters:
            raise KeyConfigError(f"{where} 第 {number} 行：密钥编号 {match[1]} 重复")
        else:
            masters[int(match[1])] = key
    return masters, index


def format_key_file(masters: dict[int, bytes], index: bytes) -> str:
    lines = [f"index:{base64.b64encode(index).decode()}"]
    lines += [f"{key_id}:{base64.b64encode(masters[key_id]).decode()}" for key_id in sorted(masters)]
    return KEY_FILE_HEADER + "\n".join(lines) + "\n"


def _write_new(path: Path, content: str) -> bool:
    """Create ``path`` with ``content`` (mode 0600) atomically; False if another process was first."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # fails if the file exists: the first writer wins, whole
        except FileExistsError:
            return False
        return True
    finally:
        temporary.unlink(missing_ok=True)


def write_key_file(path: Path, masters: dict[int, bytes], index: bytes) -> None:
    """Replace the key file atomically, keeping mode 0600 (used by key rotation)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(format_key_file(masters, index))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def read_key_file(path: Path, *, create: bool = True) -> tuple[dict[int, bytes], bytes]:
    if not path.exists():
        if not create:
            raise KeyConfigError(f"密钥文件 {path} 不存在")
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_new(path, format_key_file({1: secrets.token_bytes(MASTER_BYTES)}, secrets.token_bytes(MASTER_BYTES)))
    masters, index = parse_key_file(path.read_text(), str(path))
    if index is None:
        raise KeyConfigError(f"{path}: 缺少 “index:” 行（盲索引密钥）")
    return masters, index


def env_configured(environ=os.environ) -> bool:
    return bool(environ.get("FENJI_DATA_KEYS") or environ.get("FENJI_DATA_KEY"))


def load_keyring(*, environ=os.environ, key_file: Path | None = None, create: bool = True) -> KeyRing:
    """The key ring from the environment, or from the key file (created on first use)."""
    if environ.get("FENJI_DATA_KEYS"):
        masters, _ = parse_key_file(re.sub(r"[,;\s]+", "\n", environ["FENJI_DATA_KEYS"]), "FENJI_DATA_KEYS")
        if not environ.get("FENJI_INDEX_KEY"):
            raise KeyConfigError("设置了 FENJI_DATA_KEYS 时须同时设置 FENJI_INDEX_KEY（盲索引密钥）")
        return KeyRing(masters, _decode_key(environ["FENJI_INDEX_KEY"], "FENJI_INDEX_KEY"), "FENJI_DATA_KEYS")
    if environ.get("FENJI_DATA_KEY"):
        master = _decode_key(environ["FENJI_DATA_KEY"], "FENJI_DATA_KEY")
        index = _decode_key(environ["FENJI_INDEX_KEY"], "FENJI_INDEX_KEY") if environ.get("FENJI_INDEX_KEY") \
            else _hkdf(master, b"fenji/pii/index-master", MASTER_BYTES)
        return KeyRing({1: master}, index, "FENJI_DATA_KEY")
    path = key_file or default_key_file()
    masters, index = read_key_file(path, create=create)
    return KeyRing(masters, index, str(path), path=path, mtime_ns=path.stat().st_mtime_ns)


def default_key_file() -> Path:
    from django.conf import settings

    return Path(settings.DATA_KEY_FILE)


# --- the process-wide key ring -------------------------------------------------------------------

# Reading a value may use keys checked against the key file up to this long ago (a monotonic clock,
# ``_clock``, replaceable in tests): a list page decrypts a value per row and need not stat() the file
# for each. Writing and looking up (``encrypt``, ``blind_index``) always check: a value encrypted, or a
# blind index computed, under keys a rotation has just replaced would be stored for good.
READ_CHECK_SECONDS = 1.0
_clock = time.monotonic

_lock = threading.Lock()
_ring: KeyRing | None = None
_checked_at = float("-inf")  # when (``_clock``) ``_ring`` was last found to match its key file


def _stale(ring: KeyRing) -> bool:
    """A key file changed since it was read (``fenji rotate_data_key`` in another process)."""
    if ring.path is None:
        return False
    try:
        return ring.path.stat().st_mtime_ns != ring.mtime_ns
    except FileNotFoundError:
        return True


def keyring(*, checked_within: float = 0.0) -> KeyRing:
    """The process's keys, read once and read again when the key file changes.

    The key file is checked on every call, or with ``checked_within`` only when the last check that
    found it unchanged is older than that many seconds. The key file is created only when no keys were
    loaded yet: a key file that disappears later is an error (``KeyConfigError``), never silently
    replaced by new keys — and it stays one on every call until the file is back.
    """
    global _ring, _checked_at
    ring = _ring
    if ring is not None and ring.path is not None:
        now = _clock()
        if not checked_within or now - _checked_at >= checked_within:
            if _stale(ring):
                ring = None
            else:
                _checked_at = now
    if ring is None:
        with _lock:
            if _ring is None:
                _ring = load_keyring()
            elif _stale(_ring):
                _ring = load_keyring(key_file=_ring.path, create=False)
            _checked_at = _clock()
            ring = _ring
    return ring


def reset() -> None:
    """Forget the loaded keys: the next use reads them again (after a rotation, or in tests)."""
    global _ring
    with _lock:
        _ring = None


def encrypt(plaintext: str) -> str:
    return keyring().encrypt(plaintext)


def decrypt(token: str) -> str:
    ring = keyring(checked_within=READ_CHECK_SECONDS)
    try:
        return ring.decrypt(token)
    except UnknownKey:
        # Another process may have rotated the keys since this one loaded them: read them once more.
        reset()
        return keyring().decrypt(token)


def blind_index(value: str) -> str:
    return keyring().blind_index(value)

