"""The ``fenji`` command: ``run`` serves with granian; every other word is a management command."""

import argparse
import os
import sys


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fenji.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:  # the settings refused (no data directory): say why, no traceback
        print(f"fenji: {error}", file=sys.stderr, flush=True)
        sys.exit(2)
    _profile_check()


def _profile_check():
    """An unknown FENJI_PROFILE stops every ``fenji`` command first, ``run`` included (which skips
    Django's system checks), with the system check's message (kernel.E002) naming the valid profiles."""
    from fenji.core.kernel.checks import profile_exists

    for error in profile_exists():
        print(f"fenji: {error.msg}（{error.id}）\n{error.hint}", file=sys.stderr, flush=True)
        sys.exit(2)


# What keeps idle and slow clients from starving the server (issue 12, finding 2). granian's backpressure
# counts open connections per worker, idle keep-alive ones included, not requests: it was once set to the
# thread count, and four idle keep-alive sockets then stopped the server from accepting anything.
# Threads per worker (--threads, FENJI_THREADS): 8 whatever the CPU count, so that a few clients holding a
# thread while their body dribbles in (a server exposed without nginx) leave others free; on PostgreSQL each
# thread may keep a database connection (CONN_MAX_AGE), so 2 workers hold at most 16.
THREADS = 8
CONNECTIONS = 256  # open connections per worker; more wait in the listen backlog (1024)
HEADER_READ_TIMEOUT_MS = 10_000  # a request's headers must arrive within this; also closes idle keep-alive
CONNECTION_LIMITS = [
    "--backpressure", str(CONNECTIONS),
    "--http1-keep-alive", "--http1-header-read-timeout", str(HEADER_READ_TIMEOUT_MS),
    "--http", "1",  # browsers and nginx speak HTTP/1.1 here; no cleartext HTTP/2 (h2c) to defend as well
]


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="fenji run", description="Serve fenji (granian WSGI, static files included)")
    parser.add_argument("--host", default=os.environ.get("FENJI_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("FENJI_PORT", "8000")))
    # Two processes on 2+ CPUs: a request is ~30 ms of Python and one process is held to one core by the
    # GIL (docs/benchmarks.md). Threads are per process and bound how many requests run Python at once;
    # one that waits for a slow client's body holds its thread, so there are enough of them that a handful
    # of slow clients leave the others free. Behind nginx, bodies arrive whole (request buffering).
    default_workers = 2 if (os.cpu_count() or 1) >= 2 else 1
    parser.add_argument("--workers", type=int, default=int(os.environ.get("FENJI_WORKERS", default_workers)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("FENJI_THREADS", 0)) or THREADS)
    args = parser.parse_args(argv)
    _django()
    from django.conf import settings
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    command = [
        sys.executable, "-m", "granian", "--interface", "wsgi",
        "--host", args.host, "--port", str(args.port),
        "--workers", str(args.workers), "--blocking-threads", str(args.threads),
        *CONNECTION_LIMITS,
        "--static-path-route", settings.STATIC_URL.rstrip("/"),
        "--static-path-mount", str(settings.STATIC_ROOT),
        "fenji.wsgi:application",
    ]
    print(f"fenji: serving on http://{args.host}:{args.port}/ (Ctrl+C to stop)", flush=True)
    os.execv(sys.executable, command)
    return 0  # not reached


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "run":
        return run(argv[1:])
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["fenji", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
