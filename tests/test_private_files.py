"""The database, its WAL and shared-memory files and its backups are readable by fenji's account only.

The SQLite file was created -rw-r--r-- and held live session keys (issue 12, finding 4): any local account
could copy a key and replay it as a cookie. var/ is now 0700, those files 0600, for a new installation and
for one whose files were made before this rule.
"""

import json
import os
import sqlite3
import stat
import subprocess
import sys

import pytest

pytestmark = pytest.mark.own_sqlite

# Runs inside `fenji shell`: writes through Django's connection (SQLite in WAL mode), reports the modes
# while the connection is open (the -wal and -shm files exist only then), then takes a backup.
PROBE = """
import json, os, stat
from pathlib import Path
from django.conf import settings
from django.core.management import call_command
from django.db import connection
connection.cursor().execute("PRAGMA user_version = 7")
db = Path(settings.DATABASES["default"]["NAME"])
paths = [settings.VAR_DIR, db, Path(f"{db}-wal"), Path(f"{db}-shm"), settings.VAR_DIR / "secret_key"]
call_command("backup", verbosity=0)
paths += sorted((settings.VAR_DIR / "backups").iterdir())
print(json.dumps({p.name: oct(stat.S_IMODE(os.stat(p).st_mode)) for p in paths}))
"""


def run_fenji(args, cwd, **env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FENJI_", "DJANGO_"))} | env_extra
    return subprocess.run([sys.executable, "-m", "fenji.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("installation", ["new", "made before the rule"])
def test_var_the_database_wal_and_backups_are_private(tmp_path, installation):
    var = tmp_path / "var"
    if installation != "new":  # the state the attack found: var/ 0755, the database -rw-r--r--
        var.mkdir(mode=0o755)
        var.chmod(0o755)
        database = sqlite3.connect(var / "fenji.sqlite3")
        database.execute("CREATE TABLE earlier (x)")
        database.close()
        (var / "fenji.sqlite3").chmod(0o644)

    # A new installation names its data directory; one made earlier is found as var/ of the current directory.
    named = {"FENJI_VAR_DIR": str(var)} if installation == "new" else {}
    result = run_fenji(["shell", "-c", PROBE], tmp_path, **named)
    assert result.returncode == 0, result.stderr
    modes = json.loads(result.stdout.strip().splitlines()[-1])

    backups = [name for name in modes if name.startswith("fenji-")]
    assert any(name.endswith(".sqlite3") for name in backups) and any(name.endswith(".json") for name in backups)
    assert modes == {"var": "0o700", "fenji.sqlite3": "0o600", "fenji.sqlite3-wal": "0o600",
                     "fenji.sqlite3-shm": "0o600", "secret_key": "0o600", **{name: "0o600" for name in backups}}
    assert stat.S_IMODE((var / "backups").stat().st_mode) == 0o700
