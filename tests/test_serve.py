"""``fenji run`` as served: idle keep-alive connections and slow clients do not starve it (issue 12, finding 2).

granian's backpressure counts open connections per worker. It was set to the thread count (2 on each of
2 workers), so 3 idle keep-alive sockets delayed a fresh request by 30 s and 4 made it time out.
"""

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection

IDLE_CONNECTIONS = 50
SLOW_CLIENTS = 3
TIMEOUT = 1.0  # seconds: the bound for /healthz on loopback, not a benchmark
ANSWER_WITHIN = 5.0  # every try must be answered; the best of them within TIMEOUT (a loaded CI may pause one)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(tmp_path) -> str:
    """The migrated test database, reachable from another process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":  # the test database lives in memory: copy it into a file
        path = tmp_path / "served.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings.get("PASSWORD") else "")
    return f"postgres://{auth}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


def get(port: int, path: str, *, timeout: float, keep_alive: bool = False) -> tuple[socket.socket, bytes]:
    """Send one complete request; return the socket and the response head read within ``timeout``."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.settimeout(timeout)
    connection_header = b"keep-alive" if keep_alive else b"close"
    sock.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: " + connection_header
                 + b"\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            break
        head += chunk
    return sock, head


@pytest.fixture
def server(transactional_db, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FENJI_", "DJANGO_"))}
    env.update(FENJI_DATABASE_URL=database_url(tmp_path), FENJI_VAR_DIR=str(tmp_path / "var"),
               FENJI_ALLOWED_HOSTS="127.0.0.1")
    log = tmp_path / "server.log"
    for attempt in range(3):  # the free port may be taken by another process before granian binds it
        port = free_port()
        process = subprocess.Popen([sys.executable, "-m", "fenji.cli", "run", "--port", str(port)], cwd=tmp_path,
                                   env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
        time.sleep(1)
        if process.poll() is None or attempt == 2:
            break
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the server did not answer /healthz:\n" + log.read_text()
            try:
                sock, head = get(port, "/healthz", timeout=2)
                sock.close()
                if head.startswith(b"HTTP/1.1 200"):
                    break
            except OSError:
                pass
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_idle_keep_alive_connections_and_slow_bodies_do_not_starve_the_server(server):
    port = server
    idle = []
    slow = []
    stop = threading.Event()
    try:
        # 50 clients that each made one request, kept the connection open and went quiet.
        for _ in range(IDLE_CONNECTIONS):
            sock, head = get(port, "/healthz", timeout=5, keep_alive=True)
            idle.append(sock)
            assert head.startswith(b"HTTP/1.1 200"), head
        # Slow clients: a complete set of headers announcing a body that then arrives a byte at a time. The
        # CSRF cookie is well formed, so Django reads the body (for csrfmiddlewaretoken) and waits for it.
        for _ in range(SLOW_CLIENTS):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: csrftoken=" + b"a" * 32
                         + b"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000"
                         + b"\r\n\r\nmobile=1")
            slow.append(sock)

        def dribble():
            while not stop.wait(0.1):
                for sock in slow:
                    try:
                        sock.sendall(b"3")
                    except OSError:
                        pass

        threading.Thread(target=dribble, daemon=True).start()
        time.sleep(0.3)  # the slow requests have reached the application and wait for their bodies

        took = []
        for _ in range(3):
            started = time.monotonic()
            sock, head = get(port, "/healthz", timeout=ANSWER_WITHIN)  # raises TimeoutError past the bound
            took.append(time.monotonic() - started)
            sock.close()
            assert head.startswith(b"HTTP/1.1 200"), head
        assert min(took) < TIMEOUT, took
    finally:
        stop.set()
        for sock in idle + slow:
            sock.close()
