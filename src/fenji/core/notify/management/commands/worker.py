"""``fenji worker``: the one background process. It runs the due periodic jobs about once a minute
and, in between, works the database task queue with django-tasks-db's own worker in batch mode."""

import logging
import time

from django.core.management.base import CommandError
from django.db import close_old_connections
from django.db.utils import InterfaceError, OperationalError
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from fenji.core.kernel import outage
from fenji.core.kernel.commands import FenjiCommand
from fenji.core.notify import orphans, periodic

log = logging.getLogger("fenji.worker")


class Command(FenjiCommand):
    help = "后台工作进程：约每分钟运行到期的定时任务，其余时间处理数据库任务队列（短信等）"

    def add_arguments(self, parser):
        parser.add_argument("--tick-seconds", type=float, default=60.0,
                            help="多久检查一次到期的定时任务（秒，默认 60）")
        parser.add_argument("--interval", type=float, default=1.0, help="队列为空时多久再查一次（秒，默认 1）")
        parser.add_argument("--chunk", type=int, default=100,
                            help="每处理这么多个任务就检查一次定时任务（默认 100）")
        parser.add_argument("--queue-name", default="default", help="处理哪些队列，逗号分隔（默认 default）")
        parser.add_argument("--backend", default=DEFAULT_TASK_BACKEND_ALIAS, help="任务后端（默认 default）")
        parser.add_argument("--once", action="store_true",
                            help="运行一次到期的定时任务、处理完队列中的任务后退出（供 cron 与测试使用）")
        parser.add_argument("--worker-id", default="", help="本进程的标识（默认随机生成）")

    def handle(self, *args, tick_seconds, interval, chunk, queue_name, backend, once, worker_id, verbosity=1,
               **options):
        if tick_seconds <= 0 or interval < 0 or chunk <= 0:
            raise CommandError("--tick-seconds 与 --chunk 必须大于 0，--interval 不能小于 0")
        queue = isinstance(task_backends[backend], DatabaseBackend)
        worker = Worker(queue_names=queue_name.split(","), interval=0, batch=True, backend_name=backend,
                        startup_delay=False, max_tasks=None, worker_id=worker_id or get_random_string(32),
                        excluded_queue_names=[])
        self.verbosity = verbosity
        if verbosity > 1:  # -v 2: one line per task started and finished and per tick; -v 3: every queue poll
            for name in ("django_tasks", "fenji.worker", *(["django_tasks_db"] if verbosity > 2 else [])):
                logging.getLogger(name).setLevel(logging.INFO)
        if verbosity:
            what = f"队列 {queue_name}（后端 {backend}）" if queue else "不处理队列（任务在提交时即时运行）"
            self.stdout.write(f"fenji worker {worker.worker_id} 已启动：每 {tick_seconds:g} 秒检查定时任务；{what}。"
                              f"按 Ctrl+C 停止。")
        if not once:
            # Ctrl+C / SIGTERM: the worker finishes the task (or periodic job) under way, then stops.
            worker.configure_signals()
        heartbeat = orphans.Heartbeat(worker.worker_id) if queue else None
        if heartbeat:
            try:
                orphans.worker_beat(worker.worker_id)
            except (OperationalError, InterfaceError) as error:  # the loop waits the outage out
                log.warning("worker beat: database unavailable: %s", error)
            heartbeat.start()
        try:
            self._loop(worker, heartbeat, tick_seconds=tick_seconds, interval=interval, chunk=chunk, once=once)
        finally:
            if heartbeat:
                heartbeat.stop()
                try:
                    orphans.worker_gone(worker.worker_id)
                except (OperationalError, InterfaceError):
                    pass  # its beat ages out instead
        if not once:
            worker.reset_signals()

    def _loop(self, worker: Worker, heartbeat, *, tick_seconds: float, interval: float, chunk: int, once: bool):
        queue = heartbeat is not None
        next_tick = 0.0
        while worker.running:
            if time.monotonic() >= next_tick:
                next_tick = time.monotonic() + tick_seconds
                self._tick(worker, queue)
            try:
                drained = self._work(worker, chunk) if queue else True
            except (OperationalError, InterfaceError) as error:  # the database restarting or failing over
                log.warning("queue: database unavailable, retrying in a few seconds: %s", error)
                outage.discard_broken_connections()
                if once:
                    raise CommandError(f"数据库暂时无法连接，本次未处理完队列：{error}") from error
                time.sleep(min(outage.RETRY_AFTER, max(interval, 1.0)))
                continue
            if once and drained:
                break
            if drained and worker.running:
                time.sleep(max(0.0, min(interval if queue else tick_seconds, next_tick - time.monotonic())))

    def _tick(self, worker: Worker, queue: bool) -> None:
        worker.running_task = True  # a signal now waits for the periodic jobs to finish
        try:
            close_old_connections()
            if queue:
                orphans.orphaned_tasks_requeue()
            report = periodic.run_due()
            if self.verbosity > 1 or report.failed:
                log.log(logging.WARNING if report.failed else logging.INFO, "tick: %s", report.as_dict())
        except Exception:
            log.exception("tick failed")
        finally:
            close_old_connections()
            worker.running_task = False

    def _work(self, worker: Worker, chunk: int) -> bool:
        """Up to ``chunk`` queued tasks; True when the queue ran dry before that."""
        before = worker._run_tasks  # django-tasks-db's counter (pinned <0.14 in pyproject.toml)
        worker.max_tasks = before + chunk
        worker.run()
        return worker._run_tasks - before < chunk
