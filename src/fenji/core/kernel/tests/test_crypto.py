"""SM4-GCM tokens and the keyed SM3 blind index (kernel/crypto.py), without the database."""

import base64
import os
import stat

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from fenji.core.kernel import crypto

KEY_A = base64.b64encode(b"A" * 32).decode()
KEY_B = base64.b64encode(b"B" * 32).decode()
KEY_I = base64.b64encode(b"I" * 32).decode()


@pytest.fixture
def ring(tmp_path):
    return crypto.load_keyring(environ={}, key_file=tmp_path / "data.key")


def flip(token: str, position: int) -> str:
    header, _, body = token.partition(":")
    raw = bytearray(base64.b64decode(body))
    raw[position] ^= 0x01
    return f"{header}:{base64.b64encode(bytes(raw)).decode()}"


def test_round_trip_with_a_fresh_nonce_every_time(ring):
    first, second = ring.encrypt("13912345678"), ring.encrypt("13912345678")
    assert first != second  # a random 12-byte nonce per value
    assert first.startswith("v1:") and "13912345678" not in first
    assert ring.decrypt(first) == ring.decrypt(second) == "13912345678"
    assert ring.decrypt(ring.encrypt("32010219900101123X")) == "32010219900101123X"
    assert ring.decrypt(ring.encrypt("姓名")) == "姓名"


def test_the_token_is_sm4_gcm_nonce_ciphertext_tag(ring):
    token = ring.encrypt("13912345678")
    raw = base64.b64decode(token.split(":", 1)[1])
    assert len(raw) == 12 + 11 + 16
    nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
    decryptor = Cipher(algorithms.SM4(ring._data_keys[1]), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(b"v1")
    assert decryptor.update(body) + decryptor.finalize() == b"13912345678"


@pytest.mark.parametrize("position", [0, 12, 20, -1])  # nonce, ciphertext, ciphertext, tag
def test_tampering_raises_invalid_tag(ring, position):
    token = ring.encrypt("13912345678")
    with pytest.raises(InvalidTag, match="篡改"):
        ring.decrypt(flip(token, position))


def test_truncated_moved_or_plaintext_values_are_refused(ring):
    token = ring.encrypt("13912345678")
    with pytest.raises(crypto.DecryptionFailed):
        ring.decrypt(token[:10])
    with pytest.raises(crypto.DecryptionFailed, match="明文"):
        ring.decrypt("13912345678")
    with pytest.raises(crypto.UnknownKey, match="v7"):
        ring.decrypt("v7:" + token.split(":", 1)[1])
    two = crypto.KeyRing({1: b"A" * 32, 2: b"B" * 32}, b"I" * 32)
    moved = "v2:" + two.encrypt("13912345678", key_id=1).split(":", 1)[1]
    with pytest.raises(InvalidTag):  # the key id is bound as associated data
        two.decrypt(moved)


def test_blind_index_same_value_same_hash_and_keyed(ring):
    assert ring.blind_index("13912345678") == ring.blind_index("13912345678")
    assert ring.blind_index("13912345678") != ring.blind_index("13912345679")
    assert len(ring.blind_index("13912345678")) == 64
    other = crypto.KeyRing({1: b"A" * 32}, b"J" * 32)
    assert other.blind_index("13912345678") != ring.blind_index("13912345678")  # keyed: no dictionary attack
    # HMAC-SM3 under the index key derived with HKDF-SM3
    from cryptography.hazmat.primitives import hmac

    mac = hmac.HMAC(other._index_key, hashes.SM3())
    mac.update(b"13912345678")
    assert other.blind_index("13912345678") == mac.finalize().hex()


def test_the_blind_index_does_not_depend_on_the_data_keys():
    one = crypto.KeyRing({1: b"A" * 32}, b"I" * 32)
    two = crypto.KeyRing({1: b"A" * 32, 2: b"B" * 32}, b"I" * 32)
    assert one.blind_index("320102199001011234") == two.blind_index("320102199001011234")


def test_the_newest_key_encrypts_and_the_old_ones_still_decrypt():
    old = crypto.KeyRing({1: b"A" * 32}, b"I" * 32)
    token = old.encrypt("13912345678")
    rotated = crypto.KeyRing({1: b"A" * 32, 2: b"B" * 32}, b"I" * 32)
    assert rotated.encrypt("x").startswith("v2:")
    assert rotated.decrypt(token) == "13912345678"


def test_the_key_file_is_generated_once_private_and_never_overwritten(tmp_path):
    path = tmp_path / "var" / "data.key"
    first = crypto.load_keyring(environ={}, key_file=path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert "index:" in text and "\n1:" in text
    again = crypto.load_keyring(environ={}, key_file=path)
    assert path.read_text() == text
    assert again.decrypt(first.encrypt("13912345678")) == "13912345678"
    assert crypto.is_token(first.encrypt("x")) and not crypto.is_token("13912345678")


def test_keys_from_the_environment(tmp_path):
    single = crypto.load_keyring(environ={"FENJI_DATA_KEY": KEY_A}, key_file=tmp_path / "unused.key")
    assert single.newest_id == 1 and not (tmp_path / "unused.key").exists()
    assert single._index_key != single._data_keys[1]
    several = crypto.load_keyring(environ={"FENJI_DATA_KEYS": f"1:{KEY_A}, 2:{KEY_B}", "FENJI_INDEX_KEY": KEY_I})
    assert several.newest_id == 2
    assert several.decrypt(crypto.KeyRing({1: b"A" * 32}, b"I" * 32).encrypt("13912345678")) == "13912345678"
    with pytest.raises(crypto.KeyConfigError, match="FENJI_INDEX_KEY"):
        crypto.load_keyring(environ={"FENJI_DATA_KEYS": f"1:{KEY_A}"})
    with pytest.raises(crypto.KeyConfigError, match="32 字节"):
        crypto.load_keyring(environ={"FENJI_DATA_KEY": base64.b64encode(b"short").decode()})


def test_malformed_key_files_are_named(tmp_path):
    path = tmp_path / "data.key"
    path.write_text(f"index:{KEY_I}\n1:{KEY_A}\n1:{KEY_B}\n")
    with pytest.raises(crypto.KeyConfigError, match="第 3 行.*重复"):
        crypto.load_keyring(environ={}, key_file=path)
    path.write_text(f"1:{KEY_A}\n")
    with pytest.raises(crypto.KeyConfigError, match="index"):
        crypto.load_keyring(environ={}, key_file=path)
    path.write_text("# comment\nnonsense\n")
    with pytest.raises(crypto.KeyConfigError, match="第 2 行"):
        crypto.load_keyring(environ={}, key_file=path)


def test_the_process_reads_a_changed_key_file_again(settings, tmp_path, monkeypatch):
    for name in ("FENJI_DATA_KEYS", "FENJI_DATA_KEY", "FENJI_INDEX_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings.DATA_KEY_FILE = path = tmp_path / "data.key"
    token = crypto.encrypt("13912345678")
    masters, index = crypto.read_key_file(path)
    crypto.write_key_file(path, {**masters, 2: os.urandom(32)}, index)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert crypto.encrypt("x").startswith("v2:")  # picked up without a restart
    assert crypto.decrypt(token) == "13912345678"
    path.unlink()
    with pytest.raises(crypto.KeyConfigError, match="不存在"):  # a vanished key file is never replaced
        crypto.encrypt("x")


def test_reads_check_the_key_file_at_most_once_a_second(settings, tmp_path, monkeypatch):
    for name in ("FENJI_DATA_KEYS", "FENJI_DATA_KEY", "FENJI_INDEX_KEY"):
        monkeypatch.delenv(name, raising=False)
    now = [1000.0]
    monkeypatch.setattr(crypto, "_clock", lambda: now[0])
    stats = []
    real_stale = crypto._stale
    monkeypatch.setattr(crypto, "_stale", lambda ring: stats.append(ring) or real_stale(ring))
    settings.DATA_KEY_FILE = path = tmp_path / "data.key"
    token = crypto.encrypt("13912345678")  # loads the keys: v1 only

    stats.clear()
    for _ in range(20):  # a page of values read within the second: the key file is not looked at again
        assert crypto.decrypt(token) == "13912345678"
    assert stats == []

    # Another process rotates: a new data key 2 in the file.
    masters, index = crypto.read_key_file(path)
    crypto.write_key_file(path, {**masters, 2: os.urandom(32)}, index)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert crypto.keyring(checked_within=crypto.READ_CHECK_SECONDS).newest_id == 1  # not looked at yet
    now[0] += crypto.READ_CHECK_SECONDS
    assert crypto.keyring(checked_within=crypto.READ_CHECK_SECONDS).newest_id == 2  # picked up after the interval
    assert crypto.decrypt(token) == "13912345678"
    newer = crypto.encrypt("x")  # writes always check, and use the newest key
    assert newer.startswith("v2:") and crypto.decrypt(newer) == "x"

    path.unlink()  # the key file disappears
    assert crypto.decrypt(token) == "13912345678"  # within the second: the loaded keys still read
    now[0] += crypto.READ_CHECK_SECONDS
    for _ in range(2):  # then it is an error, on every read, never replaced by new keys
        with pytest.raises(crypto.KeyConfigError, match="不存在"):
            crypto.decrypt(token)
    assert not path.exists()
    with pytest.raises(crypto.KeyConfigError, match="不存在"):
        crypto.blind_index("13912345678")  # lookups check every time
