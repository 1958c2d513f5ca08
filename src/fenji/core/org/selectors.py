"""Scoped reads of the tree: every function takes the actor and returns only what it may see."""

import datetime

from django.db.models import Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from fenji.core.access import policy
from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.paths import SEGMENT_WIDTH, ancestor_paths

from . import permissions as perms
from .models import TallyRun, Unit, UnitStatus, UnitTally
from .tally import UNITS, tallied_models, tally_key


def _tally(key: str) -> Coalesce:
    """The unit's count under ``key`` in the rollup snapshot (one probe of the unique (unit, key) index), or 0."""
    row = UnitTally.objects.filter(unit=OuterRef("pk"), key=key).values("subtree")[:1]
    return Coalesce(Subquery(row), 0, output_field=IntegerField())


def _latest_run() -> Subquery:
    return Subquery(TallyRun.objects.order_by("-pk").values("started_at")[:1])


def tally_as_of() -> datetime.datetime | None:
    """When the rollup snapshot counted the rows (``None`` before the first rebuild)."""
    return TallyRun.objects.order_by("-pk").values_list("started_at", flat=True).first()


def unit_list(*, actor, action: str = perms.UNIT_VIEW):
    return policy.scope(actor, action, Unit.objects.all(), field="path")


def unit_own(*, actor) -> Unit:
    """The actor's own unit (where it belongs, whatever its grants)."""
    return Unit.objects.get(pk=actor.unit_id)


def unit_get(*, actor, pk, action: str = perms.UNIT_VIEW) -> Unit:
    """The unit, or ``NotVisible`` both when it does not exist and when it is out of scope."""
    try:
        return unit_list(actor=actor, action=action).get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise NotVisible("单位不存在或不在您的管理范围内", target_type=Unit._meta.label_lower, target_id=pk) from None


def unit_list_roots(*, actor, action: str = perms.UNIT_VIEW) -> list[Unit]:
    """The tops of the actor's visible subtrees (usually one: the actor's own unit)."""
    paths = policy.scope_roots(actor, action)
    return list(Unit.objects.filter(path__in=paths).order_by("path"))


def unit_list_ancestors(*, actor, unit: Unit, action: str = perms.UNIT_VIEW) -> list[Unit]:
    """Breadcrumbs: the unit's ancestors that the actor can see, root first."""
    return list(unit_list(actor=actor, action=action).filter(path__in=ancestor_paths(unit.path)).order_by("path"))


def unit_list_children(*, actor, unit: Unit, include_revoked: bool = False, action: str = perms.UNIT_VIEW):
    """Direct children with the size of each subtree from the rollup snapshot (ADR 0010).

    ``descendant_count`` (active units below) and ``<model_name>_count`` (blocking rows, e.g. active
    accounts) are as of ``tally_as_of`` (also on each child); ``has_children`` is live, so that a unit
    created since the last rebuild can be unfolded at once.
    """
    children = unit_list(actor=actor, action=action).filter(parent=unit)
    if not include_revoked:
        children = children.filter(status=UnitStatus.ACTIVE)
    children = children.annotate(
        descendant_count=_tally(UNITS),
        has_children=Exists(Unit.objects.filter(parent=OuterRef("pk"), status=UnitStatus.ACTIVE)),
        tally_as_of=_latest_run(),
    )
    for model in tallied_models():
        children = children.annotate(**{f"{model._meta.model_name}_count": _tally(tally_key(model))})
    return children.order_by("sort_order", "path")


def unit_subtree_stats(*, actor, unit: Unit) -> dict:
    """Counts for a dashboard over the unit's subtree, from the rollup snapshot taken at ``as_of``.

    ``units``: active units below the unit; ``people``: blocking rows (e.g. active accounts) by label.
    """
    policy.require(actor, perms.UNIT_VIEW, unit.path)
    # The rows and the snapshot's time in one statement (a second one only for a unit without rows).
    rows = list(UnitTally.objects.filter(unit=unit).values_list("key", "subtree", _latest_run()))
    tallies = {key: n for key, n, _ in rows}
    stats = {"units": tallies.get(UNITS, 0), "people": {}, "as_of": rows[0][2] if rows else tally_as_of()}
    for model in tallied_models():
        stats["people"][model.revoke_blocker_label] = tallies.get(tally_key(model), 0)
    return stats


def unit_list_matching(*, actor, text: str, limit: int = 50, action: str = perms.UNIT_VIEW):
    text = (text or "").strip()
    units = unit_list(actor=actor, action=action).filter(status="active")
    if text:
        units = units.filter(Q(name__contains=text) | Q(short_name__contains=text) | Q(code__startswith=text))
    return units.order_by("path")[:limit]


def _prefixes(path: str) -> list[str]:
    return [path[:end] for end in range(SEGMENT_WIDTH, len(path) + 1, SEGMENT_WIDTH)]


def unit_path_labels(paths) -> dict[str, str]:
    """Each unit path → its names from the top, "江苏省 / 南京市 / 鼓楼区" (one query for all of them). Names
    only: for rows the reader may already see (search results, audit events of their scope)."""
    paths = {path for path in paths if path}
    wanted = {prefix for path in paths for prefix in _prefixes(path)}
    names = dict(Unit.objects.filter(path__in=wanted).values_list("path", "name")) if wanted else {}
    return {path: " / ".join(names.get(prefix, "?") for prefix in _prefixes(path)) for path in paths}


def unit_is_visible(*, actor, unit: Unit, action: str = perms.UNIT_VIEW) -> bool:
    return policy.can(actor, action, unit.path)
