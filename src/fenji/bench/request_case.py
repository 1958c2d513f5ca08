"""CPU per request in process, with the full middleware: the account list on the console and through the API,
and the identity step alone (docs/benchmarks.md, "Identity in one query").

On a loaded benchmark database (``fenji bench load tiny`` or larger)::

    fenji shell -c "from fenji.bench.request_case import main; main()"
"""

import statistics
import time
from functools import partial

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fenji.core.access import policy
from fenji.core.kernel.crypto import blind_index
from fenji.core.people.authentication import SESSION_LOGIN_AT
from fenji.core.people.models import Account
from fenji.core.people.signed_in import signed_in_account

from . import runner


def cpu_ms(fn, repeat: int, warmup: int = 20) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        samples.append(time.process_time() - start)
    return statistics.median(samples) * 1000


def queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def _identity(pk):
    return policy.actor_for(signed_in_account(pk))


def main(repeat: int = 300) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    levels = runner.pick_levels(None)
    actors = runner.prepare_actors(levels)
    for label, unit in levels:
        mobile = actors[label]["viewer_mobile"]
        account = Account.objects.unscoped(reason="bench").get(mobile_hash=blind_index(mobile))
        browser = Client()
        browser.force_login(account)
        session = browser.session
        session[SESSION_LOGIN_AT] = time.time()
        session.save()
        _, plain = runner.api_token(mobile)
        machine = Client(headers={"Authorization": f"Bearer {plain}"})
        page, api = f"/people/accounts/?unit={unit.pk}", f"/api/v1/accounts?unit={unit.pk}"
        assert browser.get(page).status_code == 200 and machine.get(api).status_code == 200
        console, machine_call = partial(browser.get, page), partial(machine.get, api)
        identity = partial(_identity, account.pk)
        print(f"{label}: console {cpu_ms(console, repeat):.2f} ms ({queries(console)} queries), "
              f"API {cpu_ms(machine_call, repeat):.2f} ms ({queries(machine_call)} queries), "
              f"identity {cpu_ms(identity, repeat * 5):.3f} ms")
