"""SM2 keys whose public key begins with 04 sign and verify like any other: gmssl's constructor used to
cut such keys short (``lstrip("04")``), so about one key in 256 could never sign a checkpoint or a seal."""

from fenji.core.audit import signing
from fenji.core.seals import stamps

# Found by drawing keys: the public key of this private key begins with "04a5…" (cut to "a5…", 126 digits).
STARTS_WITH_04 = "f2e3a759194c4265118aed77b984e83edde4db09a2bfc3dcdebaf2571ba6572b"
# Its public key begins with "0404…": cut to an odd number of digits, gmssl raised "Odd-length string".
STARTS_WITH_0404 = f"{0x133:064x}"


def test_public_keys_beginning_with_04_sign_and_verify():
    for private in (STARTS_WITH_04, STARTS_WITH_0404):
        public = signing.sm2_public_key(private)
        assert public.startswith("04") and len(public) == 128
        signature = signing.sm2_sign(private, public, b"data")
        assert signing.Sm2Signer.verify(public, b"data", signature)
        assert not signing.Sm2Signer.verify(public, b"datb", signature)
        assert stamps.sign(private, public, b"data") and stamps._verifies(public, b"data", signature)


def test_a_key_that_cannot_sign_is_drawn_again():
    good = signing.sm2_key_pair()[0]
    draws = iter(["0" * 64, good])  # zero is no key: its public point is undefined and signing fails
    private, public = signing.sm2_key_pair(draw=lambda: next(draws))
    assert private == good
    assert signing.Sm2Signer.verify(public, b"data", signing.sm2_sign(private, public, b"data"))
