"""Base models every app can build on without importing any other app."""

from django.db import models
from django.db.models import Q

from .fields import blind_index_fields
from .paths import PathField
from .scoping import ScopedManager


class OrgOwned(models.Model):
    """A row that belongs to one unit and carries a copy of that unit's path.

    The copy makes "rows in a subtree" an index range on this table, without a join. When a
    subtree moves, the org service rewrites ``unit_path`` on every concrete subclass in the same
    transaction (see ``org.services.unit_move``). ``revoke_blocker`` names the rows that keep a
    unit from being revoked (e.g. active accounts); ``None`` means rows never block.

    The default manager is fail-closed (``kernel.scoping``): subclasses inherit it and do not
    declare ``objects`` again; reads say ``.visible_to(actor, action)`` or ``.unscoped(reason=...)``.
    """

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="所属单位")
    unit_path = PathField(editable=False, verbose_name="单位路径")

    revoke_blocker: Q | None = None
    revoke_blocker_label: str = ""

    objects = ScopedManager()

    class Meta:
        abstract = True


class BlindIndexed(models.Model):
    """Keeps the blind-index columns (``kernel.fields.BlindIndexField``) in step with their sources.

    Every save recomputes them; ``save(update_fields=[...])`` naming a source column writes its hash
    too, so that changing a mobile number with ``update_fields=["mobile"]`` cannot leave a stale hash.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            names = set(update_fields)
            kwargs["update_fields"] = names | {f.name for f in blind_index_fields(type(self)) if f.source in names}
        return super().save(*args, **kwargs)


def org_owned_models() -> list[type[OrgOwned]]:
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, OrgOwned)]
