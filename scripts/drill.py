"""`make drill`: the failover drill and the soak (issue 22), on loopback, in a temporary directory.

1. etcd on 127.0.0.1; two Patroni nodes managing PostgreSQL on 127.0.0.2 and 127.0.0.3 (same port, primary and a
   synchronous streaming replica); fenji (`fenji migrate`, the demo, `fenji run`, `fenji worker`) connected to
   both addresses with `target_session_attrs=read-write` (libpq multi-host, ADR 0025), so it follows the leader.
2. Failover: threads send API reads and writes (dispatches; every acknowledged id is kept), the primary's
   Patroni and postmaster are killed with SIGKILL, Patroni promotes the replica, fenji goes on; afterwards every
   acknowledged dispatch is in the database and `fenji audit verify` passes. The old primary then rejoins.
3. Soak: locust (scripts/drill_locustfile.py) headless for --minutes: list pages, API reads with a bearer
   token, logins, writes, uploads, dispatches; no 5xx, created rows reconcile with the audit log, and the
   resident memory of every process is sampled and printed (it must stay flat).

Run by scripts/drill.sh (which owns the directory and removes it); exits non-zero when a check fails.
"""

import argparse
import glob
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
PGBIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(re.findall(r"\d+", p)[-1]))[-1]
NODES = {"pg1": "127.0.0.2", "pg2": "127.0.0.3"}
PASSWORD = "Drill-pass-2026!"
WRITER = "13800000014"  # 钱进, 市级部门负责人（南京）: sends dispatches, uploads 公文 files; no second factor
READER = "13800000012"  # 刘洋, 市级工作人员（南京）
# The drill's own client address sends thousands of uploads: the per-address upload limit is raised for it.
RATE_LIMITS = {"upload": {"account": [1_000_000, 3600], "ip": [1_000_000, 3600]}}
failures: list[str] = []


def say(text: str = "") -> None:
    print(text, flush=True)


def check(ok: bool, text: str) -> None:
    say(("  ok    " if ok else "  FAIL  ") + text)
    if not ok:
        failures.append(text)


def free_port(*hosts: str) -> int:
    """A port free on every one of ``hosts``."""
    while True:
        with socket.socket() as s:
            s.bind((hosts[0], 0))
            port = s.getsockname()[1]
        try:
            for host in hosts[1:]:
                with socket.socket() as s:
                    s.bind((host, port))
            return port
        except OSError:
            continue


class Processes:
    """Every process the drill starts, its pid noted in DIR/pids for drill.sh's backstop."""

    def __init__(self, root: Path):
        self.root = root
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], *, env=None, as_postgres=False, cwd=None) -> subprocess.Popen:
        log = (self.root / f"{name}.log").open("ab")
        extra = {"user": "postgres", "group": "postgres", "extra_groups": []} if as_postgres else {}
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd or self.root,
                                   start_new_session=True, **extra)
        self.running[name] = process
        with (self.root / "pids").open("a") as pids:
            pids.write(f"{process.pid}\n")
        return process

    def kill(self, name: str, sig=signal.SIGTERM) -> None:
        process = self.running.pop(name, None)
        if process and process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop_all(self) -> None:
        for name in list(self.running)[::-1]:
            self.kill(name)
        (self.root / "pids").unlink(missing_ok=True)

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.root / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def http_json(url: str, timeout: float = 2.0):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, None
    except OSError:
        return None, None
    try:
        return status, json.loads(body or b"null")
    except ValueError:
        return status, None


def wait_for(what: str, test, timeout: float, procs: Processes, log: str = "") -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if test():
            return time.monotonic() - start
        time.sleep(0.25)
    raise SystemExit(f"drill: {what} did not happen within {timeout:.0f} s\n{procs.log_tail(log) if log else ''}")


class Cluster:
    """etcd + two Patroni nodes. ``rest`` and ``pg`` ports are the same on both node addresses."""

    def __init__(self, root: Path, procs: Processes):
        self.root, self.procs = root, procs
        self.etcd_port, self.peer_port = free_port("127.0.0.1"), free_port("127.0.0.1")
        self.pg_port = free_port(*NODES.values())
        self.rest_port = free_port(*NODES.values())

    def start_etcd(self) -> None:
        client, peer = f"http://127.0.0.1:{self.etcd_port}", f"http://127.0.0.1:{self.peer_port}"
        self.procs.start("etcd", [
            "etcd", "--name", "drill", "--data-dir", str(self.root / "etcd"), "--log-level", "warn",
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", f"drill={peer}", "--initial-cluster-state", "new"])
        wait_for("etcd answering", lambda: http_json(f"{client}/health")[0] == 200, 30, self.procs, "etcd")

    def config(self, name: str) -> Path:
        ip, home = NODES[name], self.root / name
        home.mkdir(exist_ok=True)
        os.chown(home, *_postgres_ids())
        config = {
            "scope": "fenji-drill", "namespace": "/fenji-drill/", "name": name,
            "log": {"level": "WARNING"},
            "restapi": {"listen": f"{ip}:{self.rest_port}", "connect_address": f"{ip}:{self.rest_port}"},
            "etcd3": {"hosts": [f"127.0.0.1:{self.etcd_port}"]},
            "bootstrap": {
                # ttl/loop_wait/retry_timeout: the leader key expires 20 s after the primary's Patroni last
                # renewed it (Patroni's minimum); synchronous_mode: a commit is acknowledged only once the
                # standby has it, so a failover loses no acknowledged write (ADR 0025)
                "dcs": {"ttl": 20, "loop_wait": 2, "retry_timeout": 5, "maximum_lag_on_failover": 1_048_576,
                        "synchronous_mode": True,
                        "postgresql": {"use_pg_rewind": True, "parameters": {
                            "wal_level": "replica", "hot_standby": "on", "wal_log_hints": "on",
                            "max_connections": 100, "max_wal_senders": 5, "max_replication_slots": 5,
                            "wal_keep_size": "256MB"}}},
                "initdb": [{"encoding": "UTF8"}, {"locale": "C.UTF-8"}],
                "pg_hba": ["local all all trust", "host all all 127.0.0.1/8 trust",
                           "host replication all 127.0.0.1/8 trust"],
            },
            "postgresql": {
                "listen": f"{ip}:{self.pg_port}", "connect_address": f"{ip}:{self.pg_port}",
                "data_dir": str(home / "data"), "bin_dir": PGBIN, "pgpass": str(home / "pgpass"),
                "authentication": {"superuser": {"username": "postgres", "password": "drill"},
                                   "replication": {"username": "replicator", "password": "drill"},
                                   "rewind": {"username": "postgres", "password": "drill"}},
                "parameters": {"unix_socket_directories": str(home)},
            },
        }
        path = home / "patroni.yml"
        path.write_text(json.dumps(config, indent=1))  # JSON is YAML
        return path

    def start_node(self, name: str) -> None:
        env = {"PATH": os.environ["PATH"], "HOME": str(self.root / name), "LANG": "C.UTF-8"}
        self.procs.start(name, ["patroni", str(self.config(name))], env=env, as_postgres=True)

    def rest(self, name: str, path: str):
        return http_json(f"http://{NODES[name]}:{self.rest_port}{path}")

    def leader(self) -> str | None:
        for name in NODES:
            if self.rest(name, "/primary")[0] == 200:
                return name
        return None

    def sync_standby_streaming(self) -> bool:
        leader = self.leader()
        if leader is None:
            return False
        status, body = self.rest(leader, "/cluster")
        return status == 200 and any(m.get("role") == "sync_standby" and m.get("state") in ("streaming", "running")
                                     for m in body.get("members", []))

    def postmaster_pid(self, name: str) -> int:
        return int((self.root / name / "data" / "postmaster.pid").read_text().split()[0])

    def postgres_pids(self, name: str) -> tuple[int, list[int]]:
        """The node's postmaster and its children (backends, walsender, checkpointer …)."""
        try:
            pid = self.postmaster_pid(name)
        except (OSError, ValueError, IndexError):
            return 0, []
        return pid, _children(pid)


def _postgres_ids() -> tuple[int, int]:
    import pwd

    entry = pwd.getpwnam("postgres")
    return entry.pw_uid, entry.pw_gid


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Fenji:
    def __init__(self, root: Path, cluster: Cluster, procs: Processes):
        self.root, self.procs = root, procs
        self.port = free_port("127.0.0.1")
        self.base = f"http://127.0.0.1:{self.port}"
        hosts = ",".join(NODES.values())
        self.url = (f"postgres://postgres@{hosts}:{cluster.pg_port}/fenji"
                    "?target_session_attrs=read-write&connect_timeout=3")
        (root / "var").mkdir(exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("FENJI_", "DJANGO_"))}
        self.env.update(FENJI_DATABASE_URL=self.url, FENJI_VAR_DIR=str(root / "var"), FENJI_SMS_BACKEND="file",
                        FENJI_ALLOWED_HOSTS="127.0.0.1", FENJI_LOG_LEVEL="ERROR",
                        FENJI_RATE_LIMITS=json.dumps(RATE_LIMITS))
        self.tokens: dict[str, str] = {}

    def command(self, *args: str, check_ok=True) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "fenji.cli", *args], env=self.env, cwd=self.root,
                              capture_output=True, text=True)
        if check_ok and done.returncode != 0:
            raise SystemExit(f"drill: fenji {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def setup(self) -> None:
        self.command("migrate", "--noinput", "-v0")
        self.command("calendar", "-v", "0", "seed")
        self.command("demo", "--password", PASSWORD)
        for mobile in (WRITER, READER):
            out = self.command("token", "create", "--account", mobile, "--name", "drill", "--days", "2").stdout
            self.tokens[mobile] = re.search(r"fj_[A-Za-z0-9_-]+", out).group(0)

    def start(self) -> None:
        self.procs.start("server", [sys.executable, "-m", "fenji.cli", "run", "--port", str(self.port),
                                    "--workers", "2"], env=self.env)
        self.start_worker()
        wait_for("fenji answering /healthz", lambda: http_json(f"{self.base}/healthz")[0] == 200, 90, self.procs,
                 "server")

    def start_worker(self) -> None:
        self.procs.start("worker", [sys.executable, "-m", "fenji.cli", "worker"], env=self.env)

    def api(self, mobile: str) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.tokens[mobile]}"
        return session

    def targets(self) -> list[int]:
        """Two units below the writer's unit: where the drill's dispatches go."""
        api = self.api(WRITER)
        unit = api.get(f"{self.base}/api/v1/me", timeout=10).json()["unit"]["id"]
        children = api.get(f"{self.base}/api/v1/units/{unit}/children", timeout=10).json()
        return [c["id"] for c in children[:2]]

    def shell(self, code: str) -> str:
        return self.command("shell", "-c", code).stdout

    def counts(self, ids: list[int]) -> dict:
        """Acknowledged dispatch ids present, and created rows beside their audit events."""
        (self.root / "acked.json").write_text(json.dumps(ids))
        code = f"""
import json
from fenji.core.dispatch.models import Dispatch
from fenji.core.files.models import Attachment
from fenji.core.audit.models import AuditEvent
ids = json.load(open({str(self.root / 'acked.json')!r}))
found = set(Dispatch.objects.unscoped(reason='drill').filter(pk__in=ids).values_list('pk', flat=True))
print(json.dumps({{
 'acked': len(ids), 'lost': sorted(set(ids) - found),
 'dispatches': Dispatch.objects.unscoped(reason='drill').count(),
 'dispatch_events': AuditEvent.objects.filter(action='dispatch.dispatch.send').count(),
 'attachments': Attachment.objects.unscoped(reason='drill').count(),
 'attachment_events': AuditEvent.objects.filter(action='files.attachment.upload').count(),
}}))
"""
        return json.loads(self.shell(code).strip().splitlines()[-1])

    def audit_verify(self) -> tuple[bool, str]:
        done = self.command("audit", "verify", check_ok=False)
        return done.returncode == 0, (done.stdout + done.stderr).strip().splitlines()[-1:]


def failover(cluster: Cluster, fenji: Fenji, *, threads: int = 8) -> None:
    say("\n== Failover drill ==")
    targets = fenji.targets()
    primary = cluster.leader()
    replica = next(n for n in NODES if n != primary)
    stop = threading.Event()
    lock = threading.Lock()
    results: list[tuple[float, str, str]] = []  # (time, read|write, status)
    acked: list[int] = []

    def load(index: int) -> None:
        writer, reader = fenji.api(WRITER), fenji.api(READER)
        n = 0
        while not stop.is_set():
            n += 1
            write = n % 3 == 0
            try:
                if write:
                    response = writer.post(f"{fenji.base}/api/v1/dispatch", timeout=15, json={
                        "kind": "notice", "title": f"演练通知 {index}-{n}", "body": "故障切换演练", "units": targets})
                else:
                    response = reader.get(f"{fenji.base}/api/v1/units/{targets[0]}/children", timeout=15)
                status = str(response.status_code)
                if write and response.status_code == 201:
                    with lock:
                        acked.append(response.json()["id"])
            except requests.RequestException as error:
                status = type(error).__name__
            with lock:
                results.append((time.monotonic(), "write" if write else "read", status))
            if not status.startswith("2"):
                time.sleep(0.2)

    workers = [threading.Thread(target=load, args=(i,), daemon=True) for i in range(threads)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    time.sleep(15)
    say(f"  killing the primary {primary} ({NODES[primary]}): Patroni and postmaster, SIGKILL")
    postmaster = cluster.postmaster_pid(primary)
    killed = time.monotonic()
    cluster.procs.running[primary].send_signal(signal.SIGKILL)
    os.kill(postmaster, signal.SIGKILL)
    cluster.procs.running.pop(primary).wait()
    promoted_after = wait_for(f"{replica} promoted", lambda: cluster.rest(replica, "/primary")[0] == 200, 90,
                              cluster.procs, replica)

    def writes_ok_after_kill() -> bool:
        with lock:
            return any(t > killed and kind == "write" and s == "201" for t, kind, s in results)

    wait_for("a write through fenji after the failover", writes_ok_after_kill, 60, cluster.procs, "server")
    time.sleep(15)
    stop.set()
    for worker in workers:
        worker.join(30)
    ended = time.monotonic()

    served = sum(1 for _, _, s in results if s.startswith("2"))
    errors: dict[str, int] = {}
    for _, _, s in results:
        if not s.startswith("2"):
            errors[s] = errors.get(s, 0) + 1
    last_ok_before = max((t for t, _, s in results if t <= killed and s.startswith("2")), default=killed)
    first_ok_after = min(t for t, kind, s in results if t > killed and s.startswith("2") and kind == "write")
    recovered = first_ok_after + 2  # requests already under way when the primary came back may still fail
    after_recovery = sum(1 for t, _, s in results if t > recovered and not s.startswith("2"))
    counts = fenji.counts(acked)
    verified, verify_line = fenji.audit_verify()
    say(f"  load: {threads} threads for {ended - started:.0f} s, reads and writes (dispatches) through the API")
    say(f"  requests served: {served} (of {len(results)}); errors by status: {errors or 'none'}")
    say(f"  Patroni promoted {replica} {promoted_after:.1f} s after the kill "
        f"(leader key TTL 20 s)")
    say(f"  failover time seen by clients (last answer before the kill to the first write after it): "
        f"{first_ok_after - last_ok_before:.1f} s")
    say(f"  acknowledged writes: {counts['acked']}; lost: {len(counts['lost'])}")
    check(not counts["lost"], f"every acknowledged write is present after the failover (lost: {counts['lost']})")
    check(cluster.leader() == replica, f"{replica} is the primary now")
    check(after_recovery == 0, f"fenji goes on after the failover: {after_recovery} errors once writes succeed again")
    check(verified, f"fenji audit verify passes: {' '.join(verify_line)}")
    worker = fenji.procs.running["worker"]
    worker_exit = worker.poll()
    if worker_exit is not None:  # said, not judged here: the worker's own fault tests are another matter
        last = fenji.procs.log_tail("worker", 1)
        say(f"  note: fenji worker exited (code {worker_exit}) when the primary went away ({last[-160:]}); "
            "restarted, as its service manager would (Restart=always, docs/deployment.md)")
        fenji.procs.running.pop("worker")
        fenji.start_worker()
    FIGURES["failover"] = {"worker_exited": worker_exit is not None, "errors_after_recovery": after_recovery, "served": served, "total": len(results), "errors": errors,
                           "promoted_s": round(promoted_after, 1), "client_gap_s": round(first_ok_after - last_ok_before, 1),
                           "acked": counts["acked"], "lost": len(counts["lost"]), "audit_verify": verified}

    say(f"  restarting {primary}: Patroni rewinds it and it rejoins as the synchronous replica")
    cluster.start_node(primary)
    try:
        rejoined = wait_for(f"{primary} streaming again", cluster.sync_standby_streaming, 120, cluster.procs, primary)
        say(f"  {primary} rejoined as synchronous standby {rejoined:.1f} s after its restart")
    except SystemExit as error:  # the soak still runs on the new primary alone; say so
        say(f"  note: {str(error).splitlines()[0]}")


FIGURES: dict = {}


def soak(cluster: Cluster, fenji: Fenji, *, minutes: float, users: int) -> None:
    say(f"\n== Soak: {users} simulated users for {minutes:g} min (locust, headless) ==")
    targets = fenji.targets()
    env = dict(fenji.env, DRILL_TOKEN_WRITER=fenji.tokens[WRITER], DRILL_TOKEN_READER=fenji.tokens[READER],
               DRILL_WRITER=WRITER, DRILL_READER=READER, DRILL_PASSWORD=PASSWORD,
               DRILL_TARGETS=",".join(map(str, targets)), DRILL_ACKED=str(fenji.root / "soak-acked.json"))
    before = fenji.counts([])
    server = fenji.procs.running["server"]
    samples: list[tuple[float, dict[str, float]]] = []
    stop = threading.Event()
    interval = max(5.0, minutes * 60 / 24)

    def sample() -> None:
        start = time.monotonic()
        while not stop.wait(0 if not samples else interval):
            row: dict[str, float] = {"granian": rss_mb(server.pid)}
            for i, pid in enumerate(sorted(_children(server.pid))):
                row[f"web{i + 1}"] = rss_mb(pid)
            row["worker"] = rss_mb(fenji.procs.running["worker"].pid)
            leader = cluster.leader()
            if leader:
                postmaster, children = cluster.postgres_pids(leader)
                row["pg main"] = rss_mb(postmaster)
                row["pg max child"] = max((rss_mb(c) for c in children), default=0.0)
            samples.append((time.monotonic() - start, row))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    locust = subprocess.run([
        sys.executable, "-m", "locust", "-f", str(HERE / "drill_locustfile.py"), "--headless",
        "-u", str(users), "-r", str(max(1, users // 10)), "-t", f"{int(minutes * 60)}s", "--host", fenji.base,
        "--csv", str(fenji.root / "soak"), "--only-summary", "--stop-timeout", "20", "--loglevel", "WARNING",
    ], env=env, cwd=fenji.root, capture_output=True, text=True)
    stop.set()
    sampler.join(10)
    elapsed = time.monotonic() - started
    (fenji.root / "locust.log").write_text(locust.stdout + locust.stderr)

    stats = _csv(fenji.root / "soak_stats.csv")
    total = next((r for r in stats if r["Name"] == "Aggregated"), None)
    if total is None:
        raise SystemExit("drill: locust produced no statistics\n" + locust.stdout[-3000:] + locust.stderr[-3000:])
    failures_by = {}
    for row in _csv(fenji.root / "soak_failures.csv"):
        failures_by[f"{row['Method']} {row['Name']}: {row['Error']}"] = int(row["Occurrences"])
    acked = json.loads((fenji.root / "soak-acked.json").read_text()) if (fenji.root / "soak-acked.json").exists() \
        else {"dispatches": [], "uploads": 0}
    after = fenji.counts(acked["dispatches"])
    served = int(total["Request Count"]) - int(total["Failure Count"])
    say(f"  requests: {total['Request Count']} in {elapsed:.0f} s ({float(total['Requests/s']):.1f}/s), "
        f"median {total['50%']} ms, 95% {total['95%']} ms, 99% {total['99%']} ms")
    say("  by request:")
    for row in stats:
        if row["Name"] != "Aggregated":
            say(f"    {row['Type']:<5} {row['Name']:<34} {row['Request Count']:>6}  failures {row['Failure Count']:>4}"
                f"  median {row['50%']:>5} ms  95% {row['95%']:>5} ms")
    say(f"  failures: {failures_by or 'none'}")
    server_errors = {k: v for k, v in failures_by.items() if re.search(r"\b5\d\d\b|ConnectionError|Timeout", k)}
    created = after["dispatches"] - before["dispatches"]
    events = after["dispatch_events"] - before["dispatch_events"]
    uploads = after["attachments"] - before["attachments"]
    upload_events = after["attachment_events"] - before["attachment_events"]
    say(f"  dispatches acknowledged {len(acked['dispatches'])}, created {created}, audited {events}; "
        f"files acknowledged {acked['uploads']}, stored {uploads}, audited {upload_events}")
    check(not server_errors, f"no 5xx and no dropped connection ({sum(server_errors.values())})")
    check(not after["lost"], f"every acknowledged dispatch is present (lost {len(after['lost'])})")
    check(created == events and after["dispatches"] == after["dispatch_events"],
          f"dispatch rows reconcile with the audit log ({after['dispatches']} rows, {after['dispatch_events']} events)")
    check(uploads == upload_events and uploads >= acked["uploads"],
          f"stored files reconcile with the audit log ({uploads} new files, {upload_events} events)")
    verified, verify_line = fenji.audit_verify()
    check(verified, f"fenji audit verify passes: {' '.join(verify_line)}")
    growth = _memory(samples)
    FIGURES["soak"] = {"minutes": minutes, "users": users, "requests": int(total["Request Count"]),
                       "served": served, "rps": float(total["Requests/s"]), "failures": failures_by,
                       "median_ms": total["50%"], "p95_ms": total["95%"], "dispatches": created,
                       "uploads": uploads, "memory_growth_mb": growth}


def _csv(path: Path) -> list[dict]:
    import csv

    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _memory(samples: list[tuple[float, dict[str, float]]]) -> dict[str, float]:
    """Print the RSS curve (MB) of every process; check it is flat: from the first sample after the warm-up
    (a quarter of the run) to the last, no process grows by more than 25 MB and 25 %."""
    if len(samples) < 3:
        say("  memory: too few samples")
        return {}
    names = list(dict.fromkeys(name for _, row in samples for name in row))
    say("  resident memory (MB) over the soak:")
    say("    " + f"{'t (s)':>6}" + "".join(f"{n:>13}" for n in names))
    for t, row in samples:
        say("    " + f"{t:>6.0f}" + "".join(f"{row.get(n, 0):>13.1f}" for n in names))
    warm = samples[max(1, len(samples) // 4)][1]
    last = samples[-1][1]
    growth = {n: round(last.get(n, 0) - warm.get(n, 0), 1) for n in names}
    for name in names:
        if name == "pg max child":
            continue  # a different backend each sample: shown, not judged
        grew = growth[name]
        flat = grew <= 25 or grew <= 0.25 * max(warm.get(name, 0), 1)
        check(flat, f"memory of {name} flat after the warm-up ({warm.get(name, 0):.0f} → {last.get(name, 0):.0f} MB)")
    return growth


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--users", type=int, default=40)
    args = parser.parse_args()
    root = Path(args.dir)
    # drill.sh's trap sends SIGTERM: stop what was started (the finally below) before it removes the directory
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    procs = Processes(root)
    began = time.monotonic()
    try:
        cluster = Cluster(root, procs)
        say(f"== Cluster: etcd 127.0.0.1:{cluster.etcd_port}; Patroni nodes pg1 {NODES['pg1']} and pg2 "
            f"{NODES['pg2']}, PostgreSQL port {cluster.pg_port} ({PGBIN}) ==")
        cluster.start_etcd()
        cluster.start_node("pg1")
        wait_for("pg1 leading", lambda: cluster.leader() == "pg1", 90, procs, "pg1")
        cluster.start_node("pg2")
        wait_for("pg2 streaming as synchronous standby", cluster.sync_standby_streaming, 120, procs, "pg2")
        subprocess.run([f"{PGBIN}/createdb", "-h", NODES["pg1"], "-p", str(cluster.pg_port), "-U", "postgres",
                        "fenji"], check=True)
        fenji = Fenji(root, cluster, procs)
        say(f"  fenji database: {fenji.url}")
        fenji.setup()
        fenji.start()
        say(f"  fenji serving on {fenji.base} (2 granian workers) with one fenji worker; "
            f"set up in {time.monotonic() - began:.0f} s")
        failover(cluster, fenji)
        soak(cluster, fenji, minutes=args.minutes, users=args.users)
    finally:
        procs.stop_all()
    say(f"\n== Drill {'passed' if not failures else 'FAILED'} in {(time.monotonic() - began) / 60:.1f} min ==")
    say("figures: " + json.dumps(FIGURES, ensure_ascii=False))
    for failure in failures:
        say(f"  FAIL  {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
