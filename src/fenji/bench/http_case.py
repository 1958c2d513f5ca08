"""The benchmark's HTTP case: a real ``fenji run`` server on the loaded database, the account list asked for by
browsers (session cookie) and by machine clients (bearer token) from several threads, with the server's CPU and its
largest worker's memory (split from ``runner``)."""

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from contextlib import suppress
from pathlib import Path

from django.conf import settings
from django.db import connection

from fenji.core.access import policy
from fenji.core.api.services import token_revoke

from .runner import STAFF_PASSWORD, api_token, skipped, summarize


def database_url() -> str | None:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(db["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            return None
        return f"sqlite:///{Path(name).resolve()}"
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, url: str, log: Path):
        self.port = free_port()
        # The product's settings, not those of a test run that started the bench (tests/settings.py adds apps).
        env = dict(os.environ, FENJI_DATABASE_URL=url, FENJI_VAR_DIR=str(settings.VAR_DIR),
                   FENJI_DATA_KEY_FILE=str(settings.DATA_KEY_FILE), FENJI_ALLOWED_HOSTS="127.0.0.1",
                   DJANGO_SETTINGS_MODULE="fenji.settings")
        fenji = Path(sys.executable).with_name("fenji")
        command = [str(fenji)] if fenji.exists() else [sys.executable, "-m", "fenji.cli"]
        self.log = log
        self.process = subprocess.Popen([*command, "run", "--host", "127.0.0.1", "--port", str(self.port)],
                                        env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited ({self.process.returncode}): {self.log.read_text()[-400:]}")
            with suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError("server did not answer /healthz in time")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def process_tree_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) used so far by ``pid`` and its live descendants (Linux ``/proc``), or
    ``None`` elsewhere. The server's CPU per request does not depend on what else the machine runs,
    unlike latency and throughput on a shared host."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    stats: dict[int, tuple[int, float]] = {}
    try:
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with suppress(OSError), open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rpartition(")")[2].split()
                    stats[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    except OSError:
        return None
    if pid not in stats:
        return None
    tree, total, changed = {pid}, 0.0, True
    while changed:
        changed = False
        for child, (parent, _) in stats.items():
            if parent in tree and child not in tree:
                tree.add(child)
                changed = True
    for member in tree:
        total += stats[member][1]
    return total


def largest_worker_rss_mb(pid: int) -> float | None:
    """Resident memory of the largest process in ``pid``'s tree (the granian workers), in MB (Linux)."""
    parents: dict[int, int] = {}
    with suppress(OSError):
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with suppress(OSError), open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rpartition(")")[2].split()[1])
    tree, changed = {pid}, True
    while changed:
        grown = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= grown
        changed = bool(grown)
    largest = None
    for member in tree:
        with suppress(OSError), open(f"/proc/{member}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    kb = int(line.split()[1])
                    largest = max(largest or 0, kb / 1024)
    return round(largest, 1) if largest is not None else None


def _cookies(response, jar: dict) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]


def login(port: int, mobile: str) -> str:
    jar: dict = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login/")
    response = conn.getresponse()
    body = response.read().decode()
    _cookies(response, jar)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if not token:
        raise RuntimeError(f"no CSRF token on the login page (HTTP {response.status})")
    form = f"csrfmiddlewaretoken={token.group(1)}&mobile={mobile}&password={STAFF_PASSWORD.replace('#', '%23')}"
    conn.request("POST", "/login/", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())})
    response = conn.getresponse()
    response.read()
    _cookies(response, jar)
    if response.status != 302 or "sessionid" not in jar:
        raise RuntimeError(f"login failed (HTTP {response.status})")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def hammer(port: int, headers: dict, path: str, *, threads: int, requests: int, server_pid: int | None = None,
           budget: float = 60.0) -> dict:
    """``requests`` GETs of ``path`` from ``threads`` clients — fewer once ``budget`` seconds are spent (each
    client sends at least 3), so that a list taking seconds per request (SQLite's exact counts at the province's
    root) does not hold the run for an hour."""
    per_thread = max(1, requests // threads)
    samples: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = 0.0  # set when the clients start, after the warm-up

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], []
        for _ in range(per_thread):
            if len(mine) >= 3 and time.perf_counter() > deadline:
                break
            start = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            if response.status != 200:
                bad.append(str(response.status))
        conn.close()
        with lock:
            samples.extend(mine)
            errors.extend(bad)

    warm_until = time.perf_counter() + budget / 3
    hammer_warm = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(10):
        hammer_warm.request("GET", path, headers=headers)
        hammer_warm.getresponse().read()
        if time.perf_counter() > warm_until:
            break
    hammer_warm.close()
    deadline = time.perf_counter() + budget
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    cpu_before = process_tree_cpu(server_pid) if server_pid else None
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - start
    cpu_after = process_tree_cpu(server_pid) if server_pid else None
    if errors:
        return skipped(f"{len(errors)} of {len(samples)} responses were not 200 (first: {errors[0]})")
    result = summarize(samples)
    result.update(rps=round(len(samples) / wall, 1), threads=threads)
    if cpu_before is not None and cpu_after is not None:
        result["server_cpu_ms"] = round((cpu_after - cpu_before) / len(samples) * 1000, 2)
    if server_pid:
        result["server_rss_mb"] = largest_worker_rss_mb(server_pid)
    return result


def case_http(levels, actors, *, threads: int, requests: int) -> dict:
    """Per level: ``http``, the console list as a browser asks for it (session cookie), and ``http_api``,
    the same list from the JSON API as a machine client asks for it (bearer token), on one server."""
    url = database_url()
    if url is None:
        return {label: both(skipped("in-memory SQLite cannot be shared with a server process")) for label, _ in levels}
    if not connection.get_autocommit() or connection.in_atomic_block:
        return {label: both(skipped("data is inside an open transaction: a server process would not see it"))
                for label, _ in levels}
    log = Path(settings.VAR_DIR) / "bench-server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    server = None
    try:
        server = Server(url, log)
        server.wait()
        results = {}
        for label, unit in levels:
            results[label] = {}
            try:
                cookie = login(server.port, actors[label]["viewer_mobile"])
                results[label]["http"] = hammer(server.port, {"Cookie": cookie}, f"/people/accounts/?unit={unit.pk}",
                                                threads=threads, requests=requests, server_pid=server.process.pid)
            except Exception as error:  # one level failing must not hide the others
                results[label]["http"] = skipped(f"{type(error).__name__}: {error}")
            token = None
            try:
                token, plain = api_token(actors[label]["viewer_mobile"])
                results[label]["http_api"] = hammer(
                    server.port, {"Authorization": f"Bearer {plain}", "Accept": "application/json"},
                    f"/api/v1/accounts?unit={unit.pk}", threads=threads, requests=requests,
                    server_pid=server.process.pid)
            except Exception as error:
                results[label]["http_api"] = skipped(f"{type(error).__name__}: {error}")
            finally:
                if token is not None:
                    token_revoke(actor=policy.SYSTEM, token=token)
        return results
    except Exception as error:
        return {label: both(skipped(f"server: {type(error).__name__}: {error}")) for label, _ in levels}
    finally:
        if server is not None:
            server.stop()


def both(result: dict) -> dict:
    return {"http": result, "http_api": result}
