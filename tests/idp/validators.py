from oauth2_provider.oauth2_validators import OAuth2Validator

from fenji.core.kernel.text import normalise_number

# The verified ID number of each provider user (by account id), as the card platform would know it.
ID_NUMBERS: dict[int, str] = {}
CLAIM = "id_number"
# Provider users whose ID token leaves the number out: the relying party must ask userinfo for it.
USERINFO_ONLY: set[int] = set()


class Validator(OAuth2Validator):
    # Every claim goes into the ID token and the userinfo answer, whatever the scopes (the card platform's
    # contract with the relying party is fixed, not negotiated per scope).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        number = ID_NUMBERS.get(request.user.pk)
        return {CLAIM: normalise_number(number)} if number else {}

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        if request.user.pk in USERINFO_ONLY:
            claims.pop(CLAIM, None)
        return claims, expiration_time
