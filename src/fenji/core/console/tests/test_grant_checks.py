"""The grant list offers 撤销 exactly when the revoke service would accept it (one rule:
``access.services.grant_revoke_check``), and a refused revoke answers with a refusal page."""

import re

from django.db import transaction

from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.access.roles import ACCOUNT_ADMIN, AUDITOR, SECURITY_ADMIN, STAFF, SYSTEM_ADMIN
from fenji.core.access.services import grant_create, grant_revoke
from fenji.core.audit.models import AuditEvent
from fenji.core.kernel.errors import DomainError, Refusal
from fenji.testing import actor, make_account

LIST = "/access/grants/"


class Undo(Exception):
    pass


def service_accepts(account, grant) -> bool:
    """Whether ``grant_revoke`` goes through for ``account``; whatever it wrote is rolled back."""
    try:
        with transaction.atomic():
            grant_revoke(actor=actor(account), grant=grant, reason="核对")
            raise Undo
    except Undo:
        return True
    except (DomainError, Refusal):
        return False


def mine(account) -> Grant:
    return Grant.objects.unscoped(reason="test").get(account=account)


def offered(client) -> set[int]:
    page = client.get(LIST, {"revoked": "on"}).content.decode()
    return {int(pk) for pk in re.findall(r'href="/access/grants/(\d+)/revoke/"', page)}


def test_the_revoke_button_shows_exactly_when_the_service_accepts(tree, login):
    city_security = make_account(tree.city, name="南京保密员", role=SECURITY_ADMIN)
    county_security = make_account(tree.county, name="玄武保密员", role=SECURITY_ADMIN)
    for unit, role in ((tree.city, SYSTEM_ADMIN), (tree.county, AUDITOR), (tree.county, ACCOUNT_ADMIN),
                       (tree.town, STAFF), (tree.other_town, STAFF), (tree.sibling_city, SYSTEM_ADMIN)):
        grant_create(actor=policy.SYSTEM, account=make_account(unit, name=f"{unit.name}{role.label}"),
                     role=role.code, unit=unit)
    revoked = Grant.objects.unscoped(reason="test").get(role=STAFF.code, unit=tree.town)
    grant_revoke(actor=policy.SYSTEM, grant=revoked, reason="调离")
    for account in (city_security, county_security):
        shown = offered(login(account))
        listed = Grant.objects.visible_to(actor(account), "access.grant.view")
        accepted = {g.pk for g in listed if service_accepts(account, g)}
        assert shown == accepted, account.person.real_name
        assert shown  # each may take back something, and not everything listed:
        assert revoked.pk not in shown and mine(account).pk not in shown
    assert not AuditEvent.objects.filter(action="access.grant.revoke", actor_id=city_security.pk,
                                         outcome="success").exists()  # the probes left nothing behind


def test_a_refused_revoke_answers_403_not_a_form_error(tree, login):
    security = make_account(tree.city, name="南京保密员", role=SECURITY_ADMIN)
    own = mine(security)
    response = login(security).post(f"/access/grants/{own.pk}/revoke/", {"reason": "试试"})
    assert response.status_code == 403
    assert "不能撤销自己的授权" in response.content.decode()
    assert Grant.objects.unscoped(reason="test").get(pk=own.pk).revoked_at is None
    assert AuditEvent.objects.filter(outcome="denied", details__rule="self_revoke", actor_id=security.pk).count() == 1
