import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fenji.core.access.models import Grant
from fenji.core.access.policy import SYSTEM
from fenji.core.org.models import Unit
from fenji.core.org.selectors import unit_subtree_stats
from fenji.core.people.models import Account

ROOT = Path(__file__).resolve().parents[1]


def test_demo_builds_the_province_and_is_idempotent(db, capsys):
    call_command("demo", password="Demo#2026pass")
    first = (Unit.objects.count(), Account.objects.unscoped(reason="test").count(), Grant.objects.unscoped(reason="test").count())
    call_command("demo", password="Demo#2026pass")
    assert (Unit.objects.count(), Account.objects.unscoped(reason="test").count(), Grant.objects.unscoped(reason="test").count()) == first
    assert first[0] == 1346  # 江苏省: 1 + 13 cities + 95 counties + 1237 towns
    out = capsys.readouterr().out
    assert "13800000001" in out and "Demo#2026pass" in out
    admin = Account.objects.unscoped(reason="test").get(mobile="13800000001")
    assert admin.check_password("Demo#2026pass") and not admin.must_change_password
    assert Account.objects.unscoped(reason="test").filter(kind="member").exists() and Account.objects.unscoped(reason="test").filter(kind="elder").exists()
    # The dashboard counts exist at once (the rollup snapshot), not only after the worker's first run.
    province = Unit.objects.get(parent=None)
    stats = unit_subtree_stats(actor=SYSTEM, unit=province)
    assert stats["as_of"] is not None and stats["units"] == 1345


def test_createadmin_makes_a_normal_account_bound_to_the_root(db, capsys):
    with pytest.raises(CommandError, match="根单位"):
        call_command("createadmin", name="平台管理员", mobile="13700000001", id_number="11010519491231002X")
    call_command("createadmin", name="平台管理员", mobile="13700000001", id_number="11010519491231002X",
                 unit_name="某省")
    admin = Account.objects.unscoped(reason="test").get(mobile="13700000001")
    assert admin.unit.parent_id is None and admin.must_change_password
    assert Grant.objects.unscoped(reason="test").filter(account=admin, role="system_admin", unit=admin.unit).exists()
    assert "初始密码" in capsys.readouterr().out


def run_fenji(args, env_extra, cwd):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FENJI_", "DJANGO_"))}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "fenji.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.own_sqlite
def test_settings_default_to_sqlite_wal_and_a_generated_key_in_var(tmp_path):
    (tmp_path / "var").mkdir()  # a directory that already holds fenji's data (or a checkout) is used as it is
    result = run_fenji(["shell", "-c", "from django.conf import settings; from django.db import connection; "
                                       "c = connection.cursor(); c.execute('PRAGMA journal_mode'); "
                                       "print(settings.DEBUG, settings.DATABASES['default']['NAME'], c.fetchone()[0])"],
                       {}, tmp_path)
    assert result.returncode == 0, result.stderr
    debug, name, mode = result.stdout.strip().splitlines()[-1].split()
    assert debug == "False" and name == str(tmp_path / "var" / "fenji.sqlite3") and mode == "wal"
    key = (tmp_path / "var" / "secret_key")
    assert key.exists() and oct(key.stat().st_mode)[-3:] == "600"


@pytest.mark.own_sqlite
def test_deploy_check_passes_behind_tls(tmp_path):
    result = run_fenji(["check", "--deploy", "--fail-level", "WARNING"],
                       {"FENJI_HTTPS": "1", "FENJI_SECRET_KEY": "x" * 60 + "-deploy-check-key-!@#",
                        "FENJI_VAR_DIR": str(tmp_path / "data")}, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.own_sqlite
@pytest.mark.parametrize("args", [["run", "--port", "0"], ["migrate", "--noinput"], ["demo"]])
def test_fenji_elsewhere_refuses_rather_than_start_an_empty_database_with_new_keys(tmp_path, args):
    result = run_fenji(args, {}, tmp_path)
    assert result.returncode == 2
    assert "FENJI_VAR_DIR" in result.stderr and "找不到数据目录" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # no var/, no database, no key


@pytest.mark.own_sqlite
def test_fenji_elsewhere_finds_its_data_through_fenji_var_dir(tmp_path):
    data, elsewhere = tmp_path / "data", tmp_path / "elsewhere"
    elsewhere.mkdir()
    # one small app's migrations: enough to make the database and the key (the whole schema takes ~20 s)
    first = run_fenji(["migrate", "contenttypes", "--noinput", "-v0"], {"FENJI_VAR_DIR": str(data)}, elsewhere)
    assert first.returncode == 0, first.stderr
    key = (data / "secret_key").read_text()
    again = run_fenji(["shell", "-c", "from django.conf import settings; print(settings.DATABASES['default']['NAME'])"],
                      {"FENJI_VAR_DIR": str(data)}, elsewhere)
    assert again.stdout.strip().splitlines()[-1] == str(data / "fenji.sqlite3")
    assert (data / "secret_key").read_text() == key and list(elsewhere.iterdir()) == []


UNKNOWN = "未知的配置方案 FENJI_PROFILE='nope'，可选：default、discipline、labor、league、office、veterans"


@pytest.mark.own_sqlite
@pytest.mark.parametrize("args", [["run", "--port", "0"], ["demo"], ["migrate", "--noinput"]])
def test_an_unknown_profile_stops_fenji_first_with_the_valid_names(tmp_path, args):
    result = run_fenji(args, {"FENJI_PROFILE": "nope", "FENJI_VAR_DIR": str(tmp_path)}, tmp_path)
    assert result.returncode == 2
    assert UNKNOWN in result.stderr and "kernel.E002" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "fenji.sqlite3").exists()


@pytest.mark.own_sqlite
def test_make_run_stops_at_an_unknown_profile_before_anything_else(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FENJI_", "DJANGO_"))}
    result = subprocess.run(["make", "--no-print-directory", "run", "PROFILE=nope", f"FENJI_VAR_DIR={tmp_path}"],
                            cwd=ROOT, env={**env, "FENJI_VAR_DIR": str(tmp_path)}, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0 and UNKNOWN in result.stderr
    assert "fenji migrate" in result.stdout and "fenji demo" not in result.stdout  # the first command stopped it
    assert list(tmp_path.glob("*.sqlite3")) == []


@pytest.mark.own_sqlite
def test_make_run_keeps_each_profile_in_its_own_database():
    def dry_run(*args):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FENJI_", "DJANGO_"))}
        return subprocess.run(["make", "--no-print-directory", "-n", "run", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60).stdout.splitlines()

    commands = [line for line in dry_run("PROFILE=league") if "bin/fenji " in line]
    assert len(commands) == 5  # migrate, calendar, demo, worker, run
    assert all("FENJI_PROFILE='league'" in c and f"{ROOT}/var/fenji-league.sqlite3" in c for c in commands)
    default = [line for line in dry_run() if "bin/fenji " in line]
    assert all("FENJI_PROFILE='default'" in c and "FENJI_DATABASE_URL" not in c for c in default)


def test_demo_builds_the_active_profiles_demo_and_prints_its_logins(db, settings, capsys):
    settings.FENJI_PROFILE = "office"
    call_command("demo", password="Demo#2026pass")
    out = capsys.readouterr().out
    assert "新华区政务办公专网" in out and "13820000001" in out and "动态口令密钥" in out
    assert Unit.objects.get(parent=None).name == "新华区人民政府"
    assert Unit.objects.get(code="XH-GXJ").kind_label == "街道"


def test_createadmin_gives_the_root_the_profiles_top_kind(db, settings, capsys):
    settings.FENJI_PROFILE = "discipline"
    call_command("createadmin", name="平台管理员", mobile="13700000002", id_number="11010519491231002X",
                 unit_name="某县纪委监委")
    root = Unit.objects.get(parent=None)
    assert (root.kind, root.kind_label) == ("disc_commission", "纪委监委")


@pytest.mark.own_sqlite
def test_a_fenji_command_stops_at_data_keys_that_do_not_load(tmp_path):
    """fenji's own commands run the checks about what they touch (the data keys, kernel.E001) and skip the URL
    checks that build the whole API: a bad key is still refused before the command does anything."""
    result = run_fenji(["tally"], {"FENJI_VAR_DIR": str(tmp_path), "FENJI_DATA_KEY": "不是密钥"}, tmp_path)
    assert result.returncode != 0
    assert "个人信息加密密钥无法加载" in result.stderr and "kernel.E001" in result.stderr
    assert "Traceback" not in result.stderr
