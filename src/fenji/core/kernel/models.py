"""Base models every app can build on without importing any other app."""

from django.db import models
from django.db.models import Q

from .paths import PathField


class OrgOwned(models.Model):
    """A row that belongs to one unit and carries a copy of that unit's path.

    The copy makes "rows in a subtree" an index range on this table, without a join. When a
    subtree moves, the org service rewrites ``unit_path`` on every concrete subclass in the same
    transaction (see ``org.services.unit_move``). ``revoke_blocker`` names the rows that keep a
    unit from being revoked (e.g. active accounts); ``None`` means rows never block.
    """

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="所属单位")
    unit_path = PathField(editable=False, verbose_name="单位路径")

    revoke_blocker: Q | None = None
    revoke_blocker_label: str = ""

    class Meta:
        abstract = True


def org_owned_models() -> list[type[OrgOwned]]:
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, OrgOwned)]
