"""Periodic jobs: each runs at most once per interval, failures are contained, ``fenji tick`` runs them."""

import datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command

from fenji.core.notify import periodic
from fenji.core.notify.models import TickRun
from fenji.core.notify.tasks import tick

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def registry(monkeypatch):
    """A registry holding only the jobs a test registers (the modules' declared jobs left out)."""
    monkeypatch.setattr(periodic, "_jobs", {})
    declared = periodic.jobs
    monkeypatch.setattr(periodic, "jobs", lambda *, live_only=True: [
        job for job in declared(live_only=live_only) if not job.module])
    return periodic


@pytest.fixture
def calls(registry):
    ran = []

    def make(name):
        def job():
            ran.append(name)
        job.__qualname__ = f"job_{name}"
        return job

    registry.register("every_minute", make("every_minute"), every_seconds=60)
    registry.register("every_five", make("every_five"), every_seconds=300)
    return ran


def test_jobs_run_when_due_and_not_before(db, calls):
    with time_machine.travel(T0, tick=False) as clock:
        report = periodic.run_due()
        assert report.ran == ["every_five", "every_minute"] and calls == ["every_five", "every_minute"]
        clock.shift(30)
        assert periodic.run_due().not_due == ["every_five", "every_minute"]
        clock.move_to(T0 + MINUTE)
        assert periodic.run_due().ran == ["every_minute"]
        clock.move_to(T0 + 4 * MINUTE + datetime.timedelta(seconds=59.5))  # a tick half a second early
        assert periodic.run_due().ran == ["every_five", "every_minute"]
    assert calls.count("every_minute") == 3 and calls.count("every_five") == 2
    assert TickRun.objects.get(name="every_five").last_run_at == T0 + 4 * MINUTE + datetime.timedelta(seconds=59.5)


def test_run_all_ignores_the_intervals(db, calls):
    with time_machine.travel(T0, tick=False):
        periodic.run_due()
        assert periodic.run_due(run_all=True).ran == ["every_five", "every_minute"]
        assert periodic.run_due(run_all=True, names=["every_five"]).ran == ["every_five"]
    assert calls.count("every_five") == 3


def test_a_failing_job_is_logged_and_does_not_stop_the_others(db, registry, caplog):
    ran = []

    def broken():
        raise RuntimeError("gateway down")

    registry.register("a_broken", broken, every_seconds=60)
    registry.register("b_fine", lambda: ran.append("fine"), every_seconds=60)
    with time_machine.travel(T0, tick=False) as clock:
        report = periodic.run_due()
        assert report.failed == ["a_broken"] and report.ran == ["b_fine"] and ran == ["fine"]
        assert "periodic job a_broken failed" in caplog.text
        assert periodic.run_due().not_due == ["a_broken", "b_fine"]  # waits for its next interval
        clock.shift(60)
        assert periodic.run_due().failed == ["a_broken"]


def test_register_refuses_a_clash_and_bad_intervals(registry):
    def one():
        pass

    def two():
        pass

    registry.register("job", one, every_seconds=60)
    registry.register("job", one, every_seconds=60)  # the same again: fine (AppConfig.ready may run twice)
    with pytest.raises(ValueError, match="already registered"):
        registry.register("job", two, every_seconds=60)
    with pytest.raises(ValueError, match="positive"):
        registry.register("other", two, every_seconds=0)


def test_the_platform_registers_its_own_housekeeping():
    assert "notify.prune_task_results" in {job.name for job in periodic.jobs()}


def test_the_tick_task_runs_the_due_jobs(db, calls):
    with time_machine.travel(T0, tick=False):
        result = tick.enqueue()
    assert result.return_value == {"ran": ["every_five", "every_minute"], "failed": [], "not_due": []}


def test_fenji_tick(db, calls, capsys):
    with time_machine.travel(T0, tick=False) as clock:
        call_command("tick")
        assert "已运行 2 个，失败 0 个，未到时间 0 个" in capsys.readouterr().out
        clock.shift(10)
        call_command("tick")
        assert "已运行 0 个，失败 0 个，未到时间 2 个" in capsys.readouterr().out
        call_command("tick", "--all", "every_five")
        assert "已运行 1 个" in capsys.readouterr().out
        call_command("tick", "--list")
        assert "every_five\t每 300 秒" in capsys.readouterr().out
    with pytest.raises(CommandError, match="没有这个定时任务：nope"):
        call_command("tick", "nope")


def test_fenji_tick_fails_when_a_job_fails(db, registry):
    registry.register("broken", lambda: 1 / 0, every_seconds=60)
    with pytest.raises(CommandError, match="运行失败"):
        call_command("tick", verbosity=0)
