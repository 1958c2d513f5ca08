"""SM2 keys are drawn until gmssl can sign with them: a stored key that cannot sign would break every
later checkpoint or seal made with it."""

from fenji.core.audit import signing

# Found by drawing keys: gmssl's signatures with this private key never verify, whatever the nonce.
UNSIGNABLE = "f2e3a759194c4265118aed77b984e83edde4db09a2bfc3dcdebaf2571ba6572b"


def test_a_key_gmssl_cannot_sign_with_is_drawn_again():
    public = signing.sm2_public_key(UNSIGNABLE)
    assert not any(signing.Sm2Signer.verify(public, b"data", signing.sm2.CryptSM2(
        private_key=UNSIGNABLE, public_key=public).sign_with_sm3(b"data", signing._random_scalar()))
        for _ in range(3))
    good = signing.sm2_key_pair()[0]  # a key known to sign
    draws = iter([UNSIGNABLE, good])
    private, public = signing.sm2_key_pair(draw=lambda: next(draws))
    assert private == good
    assert signing.Sm2Signer.verify(public, b"data", signing.sm2_sign(private, public, b"data"))
