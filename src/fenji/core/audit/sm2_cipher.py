"""SM2 public-key encryption (GB/T 32918.4) with Tongsuo, in the keys' stored formats of ``signing`` (a private key
is 64 hex digits, a public key x||y in 128): what one side encrypts to another's public key, only the holder of the
private key reads — the discipline module's petitioner block in a package bound for the internal network.

The ciphertext is GM/T 0009's DER ``SEQUENCE {x, y, C3 (the SM3 hash), C2 (the ciphertext)}`` as Tongsuo writes it
(``EVP_PKEY_encrypt`` on an SM2 key), which the other standard implementations read. Short texts only (a
petitioner's name and phone): a longer payload would be wrapped in a symmetric key instead."""

import re

from tongsuopy.backends.tongsuo.backend import backend
from tongsuopy.crypto.asymciphers import ec

from .signing import Sm2KeyError, _private

_HEX128 = re.compile(r"[0-9a-fA-F]{128}")
MAX_PLAINTEXT = 4096


class Sm2CipherError(RuntimeError):
    """The text could not be encrypted to that key, or the ciphertext is not one this key opens."""


def _public(public_key: str):
    if not isinstance(public_key, str) or not _HEX128.fullmatch(public_key):
        raise Sm2KeyError("SM2 加密失败：公钥应为 128 位十六进制（x||y）")
    try:
        return ec.EllipticCurvePublicNumbers(int(public_key[:64], 16), int(public_key[64:], 16),
                                             ec.SM2()).public_key()
    except ValueError:
        raise Sm2KeyError("SM2 加密失败：公钥不在 SM2 曲线上") from None


def _run(pkey, init, operate, data: bytes) -> bytes:
    ffi, lib = backend._ffi, backend._lib
    context = lib.EVP_PKEY_CTX_new(pkey, ffi.NULL)
    if context == ffi.NULL:
        raise Sm2CipherError("SM2 运算失败")
    try:
        size = ffi.new("size_t *")
        if init(context) != 1 or operate(context, ffi.NULL, size, data, len(data)) != 1:
            raise Sm2CipherError("SM2 运算失败")
        out = ffi.new("unsigned char[]", size[0])
        if operate(context, out, size, data, len(data)) != 1:
            raise Sm2CipherError("SM2 密文无效或不是用该公钥加密的")
        return bytes(ffi.buffer(out, size[0]))
    finally:
        lib.EVP_PKEY_CTX_free(context)
        backend._consume_errors()


def sm2_encrypt(public_key: str, plaintext: bytes) -> bytes:
    """``plaintext`` encrypted to ``public_key`` (x||y hex): GM/T 0009 DER, a fresh random k each time."""
    if not plaintext or len(plaintext) > MAX_PLAINTEXT:
        raise Sm2CipherError(f"SM2 加密的内容应为 1 至 {MAX_PLAINTEXT} 字节")
    lib = backend._lib
    return _run(_public(public_key)._evp_pkey, lib.EVP_PKEY_encrypt_init, lib.EVP_PKEY_encrypt, plaintext)


def sm2_decrypt(private_key: str, ciphertext: bytes) -> bytes:
    """What ``sm2_encrypt`` encrypted to this private key's public key; ``Sm2CipherError`` for anything else."""
    if not ciphertext:
        raise Sm2CipherError("SM2 密文为空")
    lib = backend._lib
    return _run(_private(private_key)._evp_pkey, lib.EVP_PKEY_decrypt_init, lib.EVP_PKEY_decrypt, ciphertext)
