"""Reads of list and statistics pages on a PostgreSQL streaming replica (issue 22, ADR 0024).

``FENJI_REPLICA_URLS`` adds the aliases ``replica1``, ``replica2``, … (``settings.REPLICA_DATABASES``). A view
opts in with ``@replica_reads``; while it runs, ``ReplicaRouter`` sends its reads to a replica, except:

- identity, sessions, grants, roles, tokens and second factors (``PRIMARY_ONLY_APPS``): what decides who the
  caller is and what they may do is read on the primary only, and the decorator loads the caller before the
  view runs (a revoked grant must hold on the very next request, ADR 0019);
- inside a transaction (``in_atomic_block``): a service reads what it is about to write;
- for a caller who wrote within ``READ_YOUR_WRITES_SECONDS`` (``wrote_at`` of the account, set on the primary
  by ``people.middleware.ReadYourWritesMiddleware``): they see their own change on the next page;
- when the replica cannot be reached or lags more than ``REPLICA_MAX_LAG_SECONDS``: the primary answers, a
  warning is logged, and the replica is left alone for ``REPLICA_RETRY_SECONDS``.

Writes always go to ``default``, and migrations run only there.
"""

import functools
import logging
import random
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, empty

log = logging.getLogger("fenji.replicas")

PRIMARY = "default"
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "contenttypes", "people", "access", "api", "mfa", "axes",
                               "django_tasks_database"})
# The account list and the people in it are list reads like any other: the signed-in account itself was loaded
# on the primary before the view ran (``_load_caller``), so these two may come from a replica.
REPLICA_OK_MODELS = frozenset({"people.account", "people.person"})

_reading: ContextVar[str | None] = ContextVar("fenji_replica", default=None)
_down_until: dict[str, float] = {}


def replicas() -> list[str]:
    return list(getattr(settings, "REPLICA_DATABASES", ()))


def _lag_ok(alias: str) -> bool:
    bound = getattr(settings, "REPLICA_MAX_LAG_SECONDS", 0)
    if not bound or connections[alias].vendor != "postgresql":
        return True
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), "
                       "COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)")
        recovering, lag = cursor.fetchone()
    # an idle primary replays nothing: no lag worth refusing when the replica has all WAL it was sent
    return not recovering or lag <= bound or _caught_up(alias)


def _caught_up(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()")
        return bool(cursor.fetchone()[0])


def mark_down(alias: str, error: object) -> None:
    _down_until[alias] = time.monotonic() + getattr(settings, "REPLICA_RETRY_SECONDS", 30)
    log.warning("replica %s unusable, reading from the primary for %ss: %s", alias,
                getattr(settings, "REPLICA_RETRY_SECONDS", 30), str(error).strip().splitlines()[0] if str(error) else
                error.__class__.__name__)
    try:
        connections[alias].close()
    except DatabaseError:
        pass


def pick_replica() -> str | None:
    """A replica that answers now, or None (the primary reads)."""
    now = time.monotonic()
    candidates = [a for a in replicas() if _down_until.get(a, 0) <= now]
    random.shuffle(candidates)
    for alias in candidates:
        try:
            connections[alias].ensure_connection()
            if _lag_ok(alias):
                return alias
            mark_down(alias, "replay lag above FENJI_REPLICA_MAX_LAG_SECONDS")
        except DatabaseError as error:
            mark_down(alias, error)
    return None


def wrote_recently(user) -> bool:
    wrote_at = getattr(user, "wrote_at", None)
    window = getattr(settings, "READ_YOUR_WRITES_SECONDS", 10)
    return wrote_at is not None and (timezone.now() - wrote_at).total_seconds() < window


def _load_caller(request) -> None:
    """Load the signed-in account and its grants now, on the primary, before any read may go elsewhere."""
    for name in ("user", "actor"):
        value = getattr(request, name, None)
        if isinstance(value, SimpleLazyObject) and value._wrapped is empty:
            value._setup()


def replica_reads(view):
    """Let this view's reads go to a replica (list and statistics pages, and their API reads). A replica that
    fails during the view is marked down and the view runs again on the primary (it only reads)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not replicas() or request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        _load_caller(request)
        if wrote_recently(getattr(request, "user", None)):
            return view(request, *args, **kwargs)
        alias = pick_replica()
        if alias is None:
            return view(request, *args, **kwargs)
        token = _reading.set(alias)
        try:
            return view(request, *args, **kwargs)
        except DatabaseError as error:
            replica = connections[alias]
            if replica.connection is not None and replica.is_usable():
                raise  # the replica answers: a real error, not an outage
            mark_down(alias, error)
        finally:
            _reading.reset(token)
        return view(request, *args, **kwargs)

    wrapper.replica_reads = True
    return wrapper


class ReplicaRouter:
    """``DATABASE_ROUTERS``: reads of a ``@replica_reads`` view to its replica; all else to the primary."""

    def db_for_read(self, model, **hints):
        alias = _reading.get()
        if alias is None or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        meta = model._meta
        if meta.app_label in PRIMARY_ONLY_APPS and meta.label_lower not in REPLICA_OK_MODELS:
            return PRIMARY
        return alias

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas hold the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
