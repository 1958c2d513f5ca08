"""Refusal counts are shared by every worker process: concurrent notes lose no count, and the minute's
events are written once however many processes flush."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection, connections
from django.utils import timezone

from fenji.core.audit import refusals
from fenji.core.audit.models import AuditEvent, RefusalCount
from fenji.core.audit.services import PLATFORM


def _in_threads(function, n: int):
    def run(i):
        try:
            function(i)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need a server")
@pytest.mark.django_db(transaction=True)
def test_concurrent_refusals_are_counted_once_each_and_flushed_once():
    start = refusals.minute_of(timezone.now()) + datetime.timedelta(minutes=1, seconds=5)
    with time_machine.travel(start, tick=False) as clock:
        _in_threads(lambda i: [refusals.note(key="test:ip:10.0.0.1", action="test.refusal", actor=PLATFORM,
                                             reason=f"worker{i}") for _ in range(20)], 6)
        assert RefusalCount.objects.get(key="test:ip:10.0.0.1").count == 120
        assert AuditEvent.objects.filter(action="test.refusal").count() == 1
        clock.shift(60)
        _in_threads(lambda i: refusals.flush(), 4)
    written = list(AuditEvent.objects.filter(action="test.refusal").order_by("seq"))
    assert [e.details["count"] for e in written] == [1, 119]
    assert sum(written[1].details["reasons"].values()) == 119
    assert not RefusalCount.objects.exists()


def test_a_note_counts_in_the_current_minute_only(db):
    start = refusals.minute_of(timezone.now()) + datetime.timedelta(minutes=1, seconds=50)
    with time_machine.travel(start, tick=False) as clock:
        assert [refusals.note(key="k", action="test.refusal", actor=PLATFORM) for _ in range(3)] == [1, 2, 3]
        assert refusals.count("k") == 3 and refusals.retry_after() == 10
        clock.shift(15)
        assert refusals.count("k") == 0
        assert refusals.note(key="k", action="test.refusal", actor=PLATFORM) == 1
    counts = list(AuditEvent.objects.filter(action="test.refusal").values_list("details__count", flat=True))
    assert counts == [1, 2, 1]
