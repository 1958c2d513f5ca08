"""The throwaway PostgreSQL cluster of ``make test``, for the tests marked ``cluster``.

``scripts/with-postgres.sh`` starts the cluster and says where it is (``FENJI_TEST_PG_DATA``, ``FENJI_TEST_PG_BIN``,
``FENJI_TEST_PG_PORT``). A test marked ``cluster`` restarts it, stops it or replicates it, so it has the cluster to
itself: ``scripts/test.sh`` runs those tests in one process after the PostgreSQL pass, with ``FENJI_TEST_CLUSTER=1``
(run them alone the same way: ``FENJI_TEST_CLUSTER=1 scripts/with-postgres.sh .venv/bin/pytest -m cluster``).
Elsewhere they are skipped (root ``conftest.py``).

initdb and pg_ctl refuse to run as root, so as root the cluster belongs to the postgres user and its commands run
as that user (``as_postgres``)."""

import os
import shutil
import subprocess
import time
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


def _wait_ready(port: int, timeout: float = 15) -> None:
    """Wait until a server on ``port`` accepts connections (pg_isready answers at once when nothing listens)."""
    deadline = time.monotonic() + timeout
    while subprocess.run([binary("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port), "-t", "2"],
                         timeout=10).returncode != 0:
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing answers on port {port}")
        time.sleep(0.1)


def start_replica(path: Path, replica_port: int) -> Path:
    """A streaming replica of the cluster: ``pg_basebackup -R`` into ``path`` (made with ``owned_dir``), started
    on ``replica_port`` (loopback). Stop it with ``stop_replica``. The test database has the same name there."""
    data = owned_dir(path) / "data"
    subprocess.run(as_postgres([binary("pg_basebackup"), "-h", "127.0.0.1", "-p", str(port()), "-U", "postgres",
                                "-D", str(data), "-R", "-X", "stream", "-c", "fast"]),
                   check=True, capture_output=True, text=True, timeout=60)
    subprocess.run(as_postgres([binary("pg_ctl"), "-D", str(data), "-l", str(path / "replica.log"), "-w", "-o",
                                f"-p {replica_port} -k {path} -c listen_addresses=127.0.0.1 -c hot_standby=on",
                                "start"]), check=True, capture_output=True, text=True, timeout=60)
    _wait_ready(replica_port)
    return data


def stop_replica(data: Path, *, mode: str = "immediate") -> None:
    """Stop the replica of ``start_replica`` (``immediate``: as if its host had gone); no error if it is down."""
    subprocess.run(as_postgres([binary("pg_ctl"), "-D", str(data), "-m", mode, "-w", "stop"]),
                   capture_output=True, text=True, timeout=60)


def start_pgbouncer(path: Path, listen_port: int) -> subprocess.Popen:
    """pgbouncer in transaction pooling mode on ``listen_port`` (loopback) in front of the cluster, with its
    configuration in ``path`` (made with ``owned_dir``). It refuses to run as root: it runs as the cluster's
    owner. ``terminate()`` it when done."""
    owned_dir(path)
    (path / "users.txt").write_text('"postgres" ""\n')
    (path / "pgbouncer.ini").write_text(
        f"[databases]\n* = host=127.0.0.1 port={port()}\n\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {listen_port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {path / 'users.txt'}\npool_mode = transaction\n"
        "max_client_conn = 200\ndefault_pool_size = 4\nignore_startup_parameters = extra_float_digits,options\n"
        f"logfile = {path / 'pgbouncer.log'}\n")
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "postgres:", str(path)], check=True)
    process = subprocess.Popen(as_postgres([shutil.which("pgbouncer") or "/usr/sbin/pgbouncer", str(path / "pgbouncer.ini")]),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_ready(listen_port)
    return process
