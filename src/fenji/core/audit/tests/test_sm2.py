"""SM2 signs with Tongsuo; gmssl (the implementation fenji signed with before, pure Python) stays as an
independent check: each verifies the other's signatures, in fenji's stored formats (x||y public key,
r||s signature, SM3 with the default user id), so every seal and checkpoint signed before still verifies."""

import pytest
from gmssl import sm2 as gmssl_sm2

from fenji.core.audit import signing
from fenji.core.seals import stamps

# The public key of this private key begins with "04a5…" (gmssl's constructor once cut it to "a5…").
STARTS_WITH_04 = "f2e3a759194c4265118aed77b984e83edde4db09a2bfc3dcdebaf2571ba6572b"
STARTS_WITH_0404 = f"{0x133:064x}"


def _gmssl(private: str, public: str) -> gmssl_sm2.CryptSM2:
    crypt = gmssl_sm2.CryptSM2(private_key=private, public_key="")
    crypt.public_key = public  # as given: the constructor strips every leading 0 and 4
    return crypt


def test_signatures_cross_verify_between_tongsuo_and_gmssl():
    keys = [signing.sm2_key_pair() for _ in range(3)]
    keys += [(p, signing.sm2_public_key(p)) for p in (STARTS_WITH_04, STARTS_WITH_0404)]
    for index, (private, public) in enumerate(keys):
        data = f"检查点 {index}".encode()
        assert public == _gmssl(private, "")._kg(int(private, 16), gmssl_sm2.default_ecc_table["g"])
        ours = signing.sm2_sign(private, public, data)
        assert len(ours) == 128 and _gmssl("", public).verify_with_sm3(ours, data)
        # gmssl with a fixed nonce: deterministic, so this test cannot flake on gmssl's rare failures
        theirs = _gmssl(private, public).sign_with_sm3(data, f"{0x5EED + index:064x}")
        assert signing.Sm2Signer.verify(public, data, theirs) and stamps._verifies(public, data, theirs)
        assert not signing.sm2_verify(public, data + b".", theirs)
        assert not signing.sm2_verify(public, data, ours[:64] + theirs[64:])


def test_a_signature_stored_by_the_old_implementation_still_verifies():
    public = signing.sm2_public_key(STARTS_WITH_04)
    stored = _gmssl(STARTS_WITH_04, public).sign_with_sm3(b"fenji", f"{12345:064x}")
    assert signing.sm2_verify(public, b"fenji", stored)
    assert stamps.sign(STARTS_WITH_04, public, b"fenji") != stored  # Tongsuo draws its own nonce


@pytest.mark.parametrize("signature", ["", "zz" * 64, "0" * 128, "f" * 128, "ab" * 63])
def test_malformed_signatures_and_keys_are_invalid_not_errors(signature):
    public = signing.sm2_public_key(STARTS_WITH_04)
    assert not signing.sm2_verify(public, b"data", signature)
    assert not signing.sm2_verify("1" * 128, b"data", signing.sm2_sign(STARTS_WITH_04, public, b"data"))


def test_keys_out_of_range_or_mismatched_are_refused():
    n_minus_1 = f"{signing.N - 1:064x}"  # Tongsuo would never return from signing with it
    for private in ("0" * 64, n_minus_1, f"{signing.N:064x}", "xyz"):
        with pytest.raises(signing.Sm2KeyError):
            signing.sm2_sign(private, "", b"data")
    other = signing.sm2_key_pair()[1]
    with pytest.raises(signing.Sm2KeyError):
        signing.sm2_sign(STARTS_WITH_04, other, b"data")
