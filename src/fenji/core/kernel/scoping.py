"""Fail-closed data access for unit-owned tables.

The default manager of every ``OrgOwned`` model hands out querysets that refuse to run until the
code has said whose view they are: ``.visible_to(actor, action)`` (filtered by the actor's grants)
or ``.unscoped(reason="…")`` (greppable, for the platform's own bookkeeping). Forgetting both raises
``UnscopedQuery`` instead of silently returning every row — the dvadmin3 ``?show_all=1`` class of bug.
Django's internals (saving, deleting, forward relations) use the plain ``_base_manager``.

``kernel.models.OrgOwned`` declares ``objects = ScopedManager()`` once; every concrete subclass
inherits it and declares no manager of its own. The kernel knows nothing of grants: an actor
describes its own reach (``Actor.scope_q`` in ``access.policy``), so there is no import back up.
"""

from django.db import models


class UnscopedQuery(RuntimeError):
    pass


class ScopedQuerySet(models.QuerySet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._scope_declared = False

    def _clone(self):
        clone = super()._clone()
        clone._scope_declared = self._scope_declared
        return clone

    def visible_to(self, actor, action: str, *, field: str = "unit_path"):
        """The rows ``actor`` may ``action``: ``actor.scope_q`` matches nothing without a grant."""
        queryset = self.filter(actor.scope_q(action, field))
        queryset._scope_declared = True
        return queryset

    def unscoped(self, *, reason: str):
        if not reason or not reason.strip():
            raise ValueError("unscoped() needs a reason")
        queryset = self._chain()
        queryset._scope_declared = True
        return queryset

    def _require_scope(self):
        if not self._scope_declared:
            raise UnscopedQuery(
                f"{self.model.__name__} is unit-owned: query it with .visible_to(actor, action) "
                f"or .unscoped(reason=...)"
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._require_scope()
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._require_scope()
        return super().iterator(*args, **kwargs)

    def count(self):
        self._require_scope()
        return super().count()

    def exists(self):
        self._require_scope()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._require_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._require_scope()
        return super().update(**kwargs)

    def delete(self):
        self._require_scope()
        return super().delete()


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass
