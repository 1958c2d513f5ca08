"""Token services with ``access.token.manage``: no built-in role holds it yet, so an actor holding it
is built by hand here — the services and the selector must honour it within its subtree only."""

import dataclasses

import pytest

from fenji.core.access import policy
from fenji.core.access.permissions import TOKEN_MANAGE
from fenji.core.access.registry import Duty
from fenji.core.access.roles import Role
from fenji.core.api import selectors, services
from fenji.core.api.models import ApiToken
from fenji.core.audit.models import AuditEvent, Outcome
from fenji.core.kernel.errors import AccessDenied, DomainError, NotVisible
from fenji.testing import make_account

TOKEN_KEEPER = Role("token_keeper", "令牌管理员", Duty.SECURITY, frozenset({TOKEN_MANAGE}))


def keeper_at(account, unit) -> policy.Actor:
    actor = policy.actor_for(account)
    keeper = policy.GrantFact(grant_id=0, role=TOKEN_KEEPER, unit_path=unit.path, reach="subtree")
    return dataclasses.replace(actor, grants=[*actor.grants, keeper])


def test_token_manage_reaches_the_subtree_only(tree):
    keeper = keeper_at(make_account(tree.city, name="南京令牌管理员"), tree.city)
    inside = make_account(tree.town, name="南京职员")
    outside = make_account(tree.sibling_city, name="苏州职员")
    token, plain = services.token_create(actor=keeper, account=inside, name="代建")
    assert token.account_id == inside.pk and plain.startswith("fj_")
    with pytest.raises(AccessDenied) as refused:
        services.token_create(actor=keeper, account=outside, name="越权")
    assert refused.value.rule == "out_of_scope"
    assert AuditEvent.objects.filter(outcome=Outcome.DENIED, action=TOKEN_MANAGE).count() == 1
    assert selectors.token_get(actor=keeper, pk=token.pk) == token
    theirs, _ = services.token_create(actor=policy.SYSTEM, account=outside, name="苏州的")
    with pytest.raises(NotVisible):
        selectors.token_get(actor=keeper, pk=theirs.pk)
    services.token_revoke(actor=keeper, token=token)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_token_input_is_checked(tree):
    account = make_account(tree.town)
    for kwargs, field in (({"name": " "}, "name"), ({"name": "x" * 51}, "name"), ({"name": "x", "days": 0}, "days"),
                          ({"name": "x", "days": 3651}, "days")):
        with pytest.raises(DomainError) as error:
            services.token_create(actor=policy.SYSTEM, account=account, **kwargs)
        assert error.value.field == field
    assert not ApiToken.objects.exists()
