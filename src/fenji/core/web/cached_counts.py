"""A list page's statistics (how many rows by state, overdue…), reused while the data has not changed.

The statistics group every row in the reader's scope: at a province's root that is hundreds of thousands of rows,
while the page itself reads 20 through its index (ADR 0029). Paging through the list, or coming back to it, asks
the same question again; the answer is kept per reader, statistic, filters and day, and per state of the data.

Every write goes through a service that records an audit event, so the newest successful event (its sequence
number and hash, read from the newest end of the sequence's index) names the state of the data: any write, here or
in another process, gives the next request a new key. Refusals are events too but change nothing, so they are not
counted. What only the clock changes is kept at most ``COUNTS_SECONDS``, as the menu's to-do counts
(``nav.todo_summary``, which reads the same state).
"""

import hashlib
import threading
import time

from django.utils import timezone

from fenji.core.kernel import fastpage, modules

COUNTS_SECONDS = 30
KEPT_MAX = 2_000  # kept values per process
_kept: dict[tuple, tuple[float, object]] = {}  # key → (monotonic time it expires, value)
_lock = threading.Lock()


def _newest_ok_sql(connection) -> str:
    from fenji.core.audit.models import AuditEvent

    qn, meta = connection.ops.quote_name, AuditEvent._meta
    return (f"SELECT {qn(meta.get_field('seq').column)}, {qn(meta.get_field('hash').column)} FROM {qn(meta.db_table)}"
            f" WHERE {qn(meta.get_field('outcome').column)} = %s ORDER BY {qn(meta.get_field('seq').column)} DESC LIMIT 1")


def data_state(actor) -> str:
    """The newest successful audit event as ``"seq.hash-prefix"``: read once per request (kept on the request's
    actor), "0." before any."""
    from fenji.core.audit.models import AuditEvent, Outcome

    state = getattr(actor, "_fenji_data_state", None)
    if state is not None:
        return state
    # one precompiled statement (kernel.fastpage): this runs on every console page, and building the ORM's query
    # cost more than reading the row at the newest end of the sequence's index
    sql, connection = fastpage.compiled(AuditEvent, "web.data_state", _newest_ok_sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, [Outcome.OK.value])
        seq, digest = cursor.fetchone() or (0, "")
    state = f"{seq}.{digest[:16]}"
    try:
        actor._fenji_data_state = state
    except AttributeError:  # a frozen or slotted actor: read again next time
        pass
    return state


def reader_key(actor) -> str:
    """What a value kept for ``actor`` depends on besides its own arguments: the account, its live grants (one that
    expires narrows the scope without an audit event; hashed, so that a key stays short), the state of the data
    and the declarations. Shared by the lists' statistics and the menu's to-do summary."""
    grants = ",".join(str(pk) for pk in sorted(g.grant_id for g in getattr(actor, "grants", ())))
    digest = hashlib.sha256(grants.encode()).hexdigest()[:16]
    return f"{actor.account_id}.{digest}.{data_state(actor)}.{modules.version()}"


def cached_counts(actor, what: str, filters: tuple, compute):
    """``compute()`` (the statistics named ``what`` of the rows ``filters`` choose in ``actor``'s scope), or what
    it returned for the same reader, filters and day while the data has not changed since, for at most
    ``COUNTS_SECONDS``. The reader's scope is theirs alone: a grant given or revoked is an audit event too, and the
    key names the reader's live grants, so one that expires is not a kept value's any more.

    Kept in this process as computed (its labels lazy, translated when shown), not in Django's cache: that would
    pickle them, and unpickling a lazy label builds its class again (~0.5 ms a page, profiled). The value is shared
    by the requests that find it: callers only read it."""
    if getattr(actor, "account_id", None) is None:
        return compute()
    key = (what, reader_key(actor), filters, timezone.localdate())
    now = time.monotonic()
    found = _kept.get(key)
    if found is not None and found[0] > now:
        return found[1]
    value = compute()
    with _lock:
        if len(_kept) >= KEPT_MAX:  # old states' entries are never asked for again: start afresh
            _kept.clear()
        _kept[key] = (now + COUNTS_SECONDS, value)
    return value


def forget() -> None:
    """Drop every kept value (tests: what one test's pages kept is not seen by the next)."""
    with _lock:
        _kept.clear()
