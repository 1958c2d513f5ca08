from oauth2_provider.oauth2_validators import OAuth2Validator

from fenji.core.kernel.text import normalise_number

# The verified ID number of each provider user (by account id), as the card platform would know it.
ID_NUMBERS: dict[int, str] = {}
CLAIM = "id_number"


class Validator(OAuth2Validator):
    # Every claim goes into the ID token and the userinfo answer, whatever the scopes (the card platform's
    # contract with the relying party is fixed, not negotiated per scope).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        number = ID_NUMBERS.get(request.user.pk)
        return {CLAIM: normalise_number(number)} if number else {}
