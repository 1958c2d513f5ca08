"""The per-row work of an import in worker processes (ADR 0028).

``import_rows`` (``run``) reads the file in its own process and hands each chunk of raw cells to a
``Stage``: it answers the chunks checked — ``parse_row`` for every row, then ``writer.compute(rows)`` (the
writer's per-row work that needs neither the database nor the other rows: the member import's SM4
ciphertexts and HMAC-SM3 blind indexes) — in the order they were read. Everything after that stays in the
importing process, in order: ``writer.prepare`` (lookups, duplicates within the chunk), the chunk's
transaction with ``writer.write`` (duplicates against the database, the insert), the error report, the
audit. So the rows written, the refusals and the report are the same whichever stage ran.

- ``Serial``: in the process itself (a small file, or a writer that has no per-row work to share);
- ``Pool``: ``multiprocessing`` workers forked from the importing process, at most ``2 × workers`` chunks
  in flight (memory stays flat: the reader waits for the writer). Forked, the workers inherit the spec,
  the writer and the process's key ring — no key travels through a pipe, and a worker asks
  ``crypto.keyring()`` as the process does, so a key file rotated mid-import is picked up. A worker never
  touches the database connection it inherited; only cells go to it and checked rows come back.

A writer opts in with ``parallel = True``; the pool starts once the file has
``settings.IMPORT_PARALLEL_ROWS`` rows (declared by the sheet, or read so far).
"""

import collections
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor

from django.conf import settings
from django.utils import translation

_STATE: dict = {}  # set in the importing process while the pool forks; read by _work in the workers
_LOCK = threading.Lock()


def worker_count() -> int:
    return settings.IMPORT_WORKERS or os.cpu_count() or 1


def wanted(writer, rows: int | None) -> bool:
    """Whether ``rows`` rows (declared, or read so far) are worth a pool for ``writer``."""
    return bool(getattr(writer, "parallel", False)) and rows is not None and rows >= settings.IMPORT_PARALLEL_ROWS


def _check(spec, writer, titles, items):
    from .run import parse_row  # run imports this module

    rows = [parse_row(spec, number, raw, titles) for number, raw in items]
    writer.compute(rows)
    return rows


def _start(language: str | None) -> None:
    if language:
        translation.activate(language)


def _work(items):
    """In a worker: the rows' values and reasons only (pickling ``Row`` objects costs more than checking them)."""
    rows = _check(_STATE["spec"], _STATE["writer"], _STATE["titles"], items)
    return [(row.values, [(error.column, error.reason) for error in row.errors]) for row in rows]


def _rows(items, checked, titles) -> list:
    from .run import Row, RowError

    return [Row(number, raw, values, [RowError(number, column, reason) for column, reason in errors], titles)
            for (number, raw), (values, errors) in zip(items, checked, strict=True)]


class Serial:
    """Each chunk checked in the process itself, at once."""

    def __init__(self, spec, writer, titles):
        self.spec, self.writer, self.titles = spec, writer, titles

    def feed(self, items) -> list:
        return [_check(self.spec, self.writer, self.titles, items)]

    def finish(self, items) -> list:
        return self.feed(items)

    def close(self) -> None:
        pass


class Pool(Serial):
    """Chunks checked by ``workers`` forked processes, answered in order, a bounded number in flight. A worker
    that dies (killed, out of memory) fails the import with ``BrokenProcessPool``; nothing hangs."""

    def __init__(self, spec, writer, titles, workers: int):
        super().__init__(spec, writer, titles)
        self.depth = 2 * workers
        self.pending: collections.deque = collections.deque()
        with _LOCK:  # the workers fork with this import's state (another thread may be importing too)
            _STATE.update(spec=spec, writer=writer, titles=titles)
            self.executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                                initializer=_start, initargs=(translation.get_language(),))
            try:
                self.executor.submit(int).result()  # a fork context starts every worker at the first task
            except BaseException:
                self.executor.shutdown(cancel_futures=True)
                raise
            finally:
                _STATE.clear()

    def feed(self, items, *, last: bool = False) -> list:
        self.pending.append((items, self.executor.submit(_work, items)))
        done = []
        while self.pending and (last or len(self.pending) > self.depth):
            sent, future = self.pending.popleft()
            done.append(_rows(sent, future.result(), self.titles))
        return done

    def finish(self, items) -> list:
        return self.feed(items, last=True)

    def close(self) -> None:
        self.pending.clear()
        self.executor.shutdown(wait=True, cancel_futures=True)
