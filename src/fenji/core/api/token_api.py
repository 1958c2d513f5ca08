"""``/api/v1/tokens``: an account's own personal API tokens (list, create, revoke)."""

from ninja import Router
from ninja.responses import Status

from fenji.core.access.permissions import TOKEN_MANAGE
from fenji.core.kernel.errors import AccessDenied
from fenji.core.mfa import services as mfa

from . import selectors, services
from .routes import api_route
from .schemas import ERRORS, TokenCreated, TokenIn, TokenOut

router = Router(tags=["接口令牌"])


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, summary="我的接口令牌")
@api_route()
def token_list(request):
    return list(selectors.token_list_for_account(account=request.user))


@router.post("/tokens", response={201: TokenCreated, **ERRORS}, summary="创建接口令牌（完整令牌只返回这一次）")
@api_route()
def token_create(request, payload: TokenIn):
    if request.api_auth != "session":
        # A leaked token must not be able to mint its own successors: new tokens need the person, signed in.
        raise AccessDenied("只能在登录状态下创建接口令牌，不能用令牌创建令牌", rule="token_via_token",
                           action=TOKEN_MANAGE)
    # An administrator's session always passed the second factor (people.authentication, mfa.middleware);
    # the service checks it again, so a token is never stronger than the login that made it.
    token, plain = services.token_create(actor=request.actor, account=request.user, name=payload.name,
                                         days=payload.days,
                                         second_factor=request.session.get(mfa.SESSION_SECOND_FACTOR, ""))
    return Status(201, {"token": plain, "info": token})


@router.post("/tokens/{int:id}/revoke", response={200: TokenOut, **ERRORS}, summary="撤销接口令牌")
@api_route()
def token_revoke(request, id: int):
    token = selectors.token_get(actor=request.actor, pk=id)
    return services.token_revoke(actor=request.actor, token=token)
