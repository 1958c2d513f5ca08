"""Where SMS go by default: messages carry initial passwords, so production (FENJI_DEBUG off) never
prints them to standard output (it writes the owner-only outbox file); the demo prints them."""

import os
import stat
import subprocess
import sys
from pathlib import Path

from fenji.core.notify.sms import read_outbox, sms_send

ROOT = Path(__file__).resolve().parents[5]
TEXT = "【分级平台】您好，登录账号：13900000001，初始密码：Xy7#kq29Lm。"
SEND = ("from fenji.core.notify.sms import sms_send, read_outbox; "
        f"sms_send(mobile='13900000001', text='{TEXT}'); print('outbox', len(read_outbox()))")


def send_in_a_fresh_process(tmp_path, **env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FENJI_", "DJANGO_"))}
    env.update({"FENJI_VAR_DIR": str(tmp_path / "var"), **env_extra})
    result = subprocess.run([sys.executable, "-m", "fenji.cli", "shell", "-c", SEND], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def test_production_writes_initial_passwords_to_an_owner_only_file_not_to_standard_output(tmp_path):
    result = send_in_a_fresh_process(tmp_path)  # FENJI_DEBUG and FENJI_SMS_BACKEND unset
    assert "初始密码" not in result.stdout + result.stderr
    outbox = tmp_path / "var" / "sms-outbox.jsonl"
    assert "outbox 1" in result.stdout and TEXT in outbox.read_text(encoding="utf-8")
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o600


def test_the_demo_and_debug_print_the_messages(tmp_path):
    assert TEXT in send_in_a_fresh_process(tmp_path, FENJI_DEBUG="1").stdout
    assert TEXT in send_in_a_fresh_process(tmp_path, FENJI_SMS_BACKEND="console").stdout
    # `make run` (the demo the README describes) chooses the console backend explicitly.
    run = (ROOT / "Makefile").read_text().split("\nrun:", 1)[1].split("\ntest:", 1)[0]
    assert run.count("FENJI_SMS_BACKEND=console $(BIN)/fenji") == 2


def test_an_outbox_left_readable_by_others_is_closed_at_the_next_message(settings, tmp_path):
    settings.SMS_FILE = outbox = tmp_path / "outbox.jsonl"
    outbox.write_text("")
    outbox.chmod(0o644)
    sms_send(mobile="13900000002", text="测试")
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o600
    assert [m.text for m in read_outbox()] == ["测试"]
