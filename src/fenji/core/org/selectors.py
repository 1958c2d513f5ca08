"""Scoped reads of the tree: every function takes the actor and returns only what it may see."""

from django.db.models import CharField, F, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat

from fenji.core.access import policy
from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.models import org_owned_models
from fenji.core.kernel.paths import SUBTREE_END, ancestor_paths

from . import permissions as perms
from .models import Unit


def _count(queryset) -> Subquery:
    return Coalesce(
        Subquery(queryset.order_by().annotate(_n=Func(F("pk"), function="COUNT")).values("_n")[:1]),
        0,
        output_field=IntegerField(),
    )


def _in_outer_subtree(field: str) -> Q:
    end = Concat(OuterRef("path"), Value(SUBTREE_END), output_field=CharField())
    return Q(**{f"{field}__gte": OuterRef("path"), f"{field}__lt": end})


def unit_list(*, actor, action: str = perms.UNIT_VIEW):
    return policy.scope(actor, action, Unit.objects.all(), field="path")


def unit_get(*, actor, pk, action: str = perms.UNIT_VIEW) -> Unit:
    """The unit, or ``NotVisible`` both when it does not exist and when it is out of scope."""
    try:
        return unit_list(actor=actor, action=action).get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise NotVisible("单位不存在或不在您的管理范围内") from None


def unit_roots(*, actor, action: str = perms.UNIT_VIEW) -> list[Unit]:
    """The tops of the actor's visible subtrees (usually one: the actor's own unit)."""
    paths = policy.scope_roots(actor, action)
    return list(Unit.objects.filter(path__in=paths).order_by("path"))


def unit_ancestors(*, actor, unit: Unit, action: str = perms.UNIT_VIEW) -> list[Unit]:
    """Breadcrumbs: the unit's ancestors that the actor can see, root first."""
    return list(unit_list(actor=actor, action=action).filter(path__in=ancestor_paths(unit.path)).order_by("path"))


def unit_children(*, actor, unit: Unit, include_revoked: bool = False, action: str = perms.UNIT_VIEW):
    """Direct children with the size of each subtree (units below, and blocking rows such as accounts)."""
    children = unit_list(actor=actor, action=action).filter(parent=unit)
    if not include_revoked:
        children = children.filter(status="active")
    children = children.annotate(
        descendant_count=_count(Unit.objects.filter(_in_outer_subtree("path"), status="active")) - 1,
    )
    for model in org_owned_models():
        if model.revoke_blocker is not None:
            rows = (model._default_manager.unscoped(reason="sizes of visible units")
                    .filter(_in_outer_subtree("unit_path")).filter(model.revoke_blocker))
            children = children.annotate(**{f"{model._meta.model_name}_count": _count(rows)})
    return children.order_by("sort_order", "path")


def unit_subtree_stats(*, actor, unit: Unit) -> dict:
    """Counts for a dashboard over the unit's subtree: units by kind and blocking rows."""
    policy.require(actor, perms.UNIT_VIEW, unit.path)
    units = Unit.objects.filter(unit.subtree_q(), status="active")
    stats = {"units": units.count() - 1, "people": {}}
    for model in org_owned_models():
        if model.revoke_blocker is not None:
            stats["people"][model.revoke_blocker_label] = (
                model._default_manager.unscoped(reason="size of a visible unit")
                .filter(unit.subtree_q("unit_path")).filter(model.revoke_blocker).count()
            )
    return stats


def unit_search(*, actor, text: str, limit: int = 50, action: str = perms.UNIT_VIEW):
    text = (text or "").strip()
    units = unit_list(actor=actor, action=action).filter(status="active")
    if text:
        units = units.filter(Q(name__contains=text) | Q(short_name__contains=text) | Q(code__startswith=text))
    return units.order_by("path")[:limit]


def unit_is_visible(*, actor, unit: Unit, action: str = perms.UNIT_VIEW) -> bool:
    return policy.can(actor, action, unit.path)
