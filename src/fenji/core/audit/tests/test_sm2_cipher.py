"""SM2 encryption with Tongsuo, cross-checked with gmssl (an independent, pure-Python implementation): each decrypts
what the other encrypted, Tongsuo's GM/T 0009 DER and gmssl's raw C1C3C2 being the same numbers; a wrong key, an
altered byte or a malformed key is refused, never a wrong plaintext."""

import pytest

from fenji.core.audit.signing import Sm2KeyError, sm2_key_pair, sm2_public_key
from fenji.core.audit.sm2_cipher import Sm2CipherError, sm2_decrypt, sm2_encrypt
from fenji.core.audit.tests.test_sm2 import STARTS_WITH_04, _gmssl

TEXT = "信访人：李某；电话：13700001111".encode()


def _der_length(data: bytes, at: int) -> tuple[int, int]:
    first = data[at]
    if first < 0x80:
        return first, at + 1
    count = first & 0x7F
    return int.from_bytes(data[at + 1:at + 1 + count], "big"), at + 1 + count


def _der_items(data: bytes) -> list[bytes]:
    assert data[0] == 0x30
    length, at = _der_length(data, 1)
    items, end = [], at + length
    while at < end:
        length, start = _der_length(data, at + 1)
        items.append(data[start:start + length])
        at = start + length
    return items


def der_to_raw(der: bytes) -> bytes:
    x, y, c3, c2 = _der_items(der)
    return int.from_bytes(x, "big").to_bytes(32, "big") + int.from_bytes(y, "big").to_bytes(32, "big") + c3 + c2


def _der(tag: int, body: bytes) -> bytes:
    size = len(body)
    head = bytes([size]) if size < 0x80 else bytes([0x80 | ((size.bit_length() + 7) // 8)]) + size.to_bytes(
        (size.bit_length() + 7) // 8, "big")
    return bytes([tag]) + head + body


def raw_to_der(raw: bytes) -> bytes:
    def integer(value: bytes) -> bytes:
        value = value.lstrip(b"\0") or b"\0"
        return _der(0x02, b"\0" + value if value[0] & 0x80 else value)
    return _der(0x30, integer(raw[:32]) + integer(raw[32:64]) + _der(0x04, raw[64:96]) + _der(0x04, raw[96:]))


def test_tongsuo_and_gmssl_read_each_others_ciphertexts():
    # One public key begins with "04", which gmssl's constructor would cut: a random draw met it 1 run in ~80.
    keys = [sm2_key_pair() for _ in range(3)] + [(STARTS_WITH_04, sm2_public_key(STARTS_WITH_04))]
    for private, public in keys:
        ours = sm2_encrypt(public, TEXT)
        assert ours != sm2_encrypt(public, TEXT)  # a fresh k every time
        gm = _gmssl(private, public)
        gm.mode = 1  # C1C3C2
        assert gm.decrypt(der_to_raw(ours)) == TEXT
        assert sm2_decrypt(private, raw_to_der(gm.encrypt(TEXT))) == TEXT
        assert sm2_decrypt(private, ours) == TEXT


def test_a_wrong_key_an_altered_byte_or_a_bad_key_is_refused():
    private, public = sm2_key_pair()
    other, _ = sm2_key_pair()
    sealed = sm2_encrypt(public, TEXT)
    with pytest.raises(Sm2CipherError):
        sm2_decrypt(other, sealed)
    altered = bytearray(sealed)
    altered[-1] ^= 1
    with pytest.raises(Sm2CipherError):
        sm2_decrypt(private, bytes(altered))
    with pytest.raises(Sm2KeyError):
        sm2_encrypt("00" * 64, TEXT)  # not a point of the curve
    with pytest.raises(Sm2KeyError):
        sm2_encrypt("xyz", TEXT)
    with pytest.raises(Sm2CipherError):
        sm2_encrypt(public, b"")
