"""The ``fenji`` command: ``run`` serves with granian; every other word is a management command."""

import argparse
import os
import sys


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fenji.settings")
    import django

    django.setup()


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="fenji run", description="Serve fenji (granian WSGI, static files included)")
    parser.add_argument("--host", default=os.environ.get("FENJI_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("FENJI_PORT", "8000")))
    # Two processes × two threads by default (on 2+ CPUs): a request is ~30 ms of Python, and one process
    # is held to one core by the GIL — 1 × 4 queued four requests on one core (docs/benchmarks.md).
    # Threads default to 4 ÷ workers: the same 4 requests in flight, the same database connections.
    default_workers = 2 if (os.cpu_count() or 1) >= 2 else 1
    parser.add_argument("--workers", type=int, default=int(os.environ.get("FENJI_WORKERS", default_workers)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("FENJI_THREADS", 0)) or None)
    args = parser.parse_args(argv)
    args.threads = args.threads or max(1, 4 // max(args.workers, 1))
    _django()
    from django.conf import settings
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    command = [
        sys.executable, "-m", "granian", "--interface", "wsgi",
        "--host", args.host, "--port", str(args.port),
        "--workers", str(args.workers), "--blocking-threads", str(args.threads),
        "--backpressure", str(args.threads),
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
