"""The shared tree, the accounts on it, and signing in.

    江苏省 (province) ── 南京市 (city A) ── 玄武区 (county) ── 新街口街道 / 梅园新村街道 (towns)
                     └─ 苏州市 (city B, the sibling subtree)
"""

import time

import time_machine
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.services import grant_create
from fenji.core.org.models import UnitKind
from fenji.core.org.services import unit_create

PASSWORD = "Fenji#2026test"


class Tree:
    def __init__(self):
        system = policy.SYSTEM
        self.province = unit_create(actor=system, parent=None, name="江苏省", kind=UnitKind.PROVINCE, code="320000")
        self.city = unit_create(actor=system, parent=self.province, name="南京市", kind=UnitKind.CITY, code="320100")
        self.sibling_city = unit_create(actor=system, parent=self.province, name="苏州市", kind=UnitKind.CITY,
                                        code="320500")
        self.county = unit_create(actor=system, parent=self.city, name="玄武区", kind=UnitKind.COUNTY, code="320102")
        self.town = unit_create(actor=system, parent=self.county, name="新街口街道", kind=UnitKind.TOWN,
                                code="320102003")
        self.other_town = unit_create(actor=system, parent=self.county, name="梅园新村街道", kind=UnitKind.TOWN,
                                      code="320102002")

    def refresh(self):
        for unit in (self.province, self.city, self.sibling_city, self.county, self.town, self.other_town):
            unit.refresh_from_db()


_serial = iter(range(1, 10**6))


def make_account(unit, *, name="测试人员", kind="staff", role=None, mobile=None, password=PASSWORD):
    """An account with a valid ID number; ``role`` adds a subtree grant at its unit."""
    from fenji.core.people.bootstrap import bootstrap_account
    from fenji.core.people.identity import check_char

    n = next(_serial)
    first17 = f"320102199001{n % 28 + 1:02d}{n % 1000:03d}"
    account = bootstrap_account(unit=unit, real_name=name, mobile=mobile or f"139{n:08d}", kind=kind,
                    id_number=first17 + check_char(first17), title="", password=password, must_change=False)
    if role is not None:
        grant_create(actor=policy.SYSTEM, account=account, role=role.code, unit=unit)
    return account


def actor(account):
    return policy.actor_for(account)


VERIFY_PAGES = ("/login/verify/", "/m/login/verify/")


def second_factor_code(account, *, margin: float = 0.0) -> str:
    """The TOTP ``account``'s authenticator shows now (enrolling a confirmed device first if it has none).

    The replay guard is reset, so the same administrator can sign in twice within one 30-second step;
    with ``margin`` (browser tests, whose server runs in another thread) the code stays valid at least
    that many seconds.
    """
    from fenji.core.mfa import services as mfa
    from fenji.core.mfa.models import TotpDevice

    if not mfa.has_confirmed_device(account):
        mfa.device_enrol(account)
    TotpDevice.objects.filter(account_id=account.pk).update(last_used_step=None)
    if margin and mfa.seconds_left_in_step() < margin:
        time.sleep(mfa.seconds_left_in_step() + 0.05)
    return mfa.current_code(account)


def complete_second_factor(client, account, response):
    """After a password POST: when it led to the TOTP page, pass it (time frozen, so the step cannot turn)."""
    location = response["Location"]
    if location not in VERIFY_PAGES:
        return response
    data = {}
    if "csrftoken" in client.cookies:  # a Client(enforce_csrf_checks=True) posts the form's token
        data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    with time_machine.travel(timezone.now(), tick=False):
        response = client.post(location, {**data, "code": second_factor_code(account)})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def sign_in(client, account, *, path="/login/", password=PASSWORD):
    """Sign ``client`` in as ``account`` through the real login page (and the TOTP page for administrators)."""
    response = client.post(path, {"mobile": account.mobile, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    complete_second_factor(client, account, response)
    return client
