"""The throwaway PostgreSQL cluster of ``make test``, for the tests marked ``cluster``.

``scripts/with-postgres.sh`` starts the cluster and says where it is (``FENJI_TEST_PG_DATA``, ``FENJI_TEST_PG_BIN``,
``FENJI_TEST_PG_PORT``). A test marked ``cluster`` restarts it, stops it or replicates it, so it has the cluster to
itself: ``scripts/test.sh`` runs those tests in one process after the PostgreSQL pass, with ``FENJI_TEST_CLUSTER=1``
(run them alone the same way: ``FENJI_TEST_CLUSTER=1 scripts/with-postgres.sh .venv/bin/pytest -m cluster``).
Elsewhere they are skipped (root ``conftest.py``).

initdb and pg_ctl refuse to run as root, so as root the cluster belongs to the postgres user and its commands run
as that user (``as_postgres``)."""

import os
import subprocess
from pathlib import Path


def data_dir() -> Path:
    return Path(os.environ["FENJI_TEST_PG_DATA"])


def port() -> int:
    return int(os.environ["FENJI_TEST_PG_PORT"])


def binary(name: str) -> str:
    return str(Path(os.environ["FENJI_TEST_PG_BIN"]) / name)


def as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def pg_ctl(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """``pg_ctl -D <data> …`` as the cluster's owner; raises if it fails."""
    return subprocess.run(as_postgres([binary("pg_ctl"), "-D", str(data_dir()), *args]), check=True,
                          capture_output=True, text=True, timeout=timeout)


def restart(*, mode: str = "fast") -> None:
    """``pg_ctl restart -m fast``: every connection is cut, the server is back when this returns. The server's
    output goes to the cluster's log, as at its start (else it would hold this process's pipes open)."""
    pg_ctl("restart", "-m", mode, "-w", "-l", str(data_dir().parent / "server.log"))


def owned_dir(path: Path) -> Path:
    """``path`` made (0700) and given to the cluster's owner, for a second data directory (a replica)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "postgres:", str(path)], check=True)
    return path
