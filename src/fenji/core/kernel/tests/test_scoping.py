"""A unit-owned model is fail-closed because it is unit-owned, not because its author remembered to say so."""

import datetime

import pytest
from django.db import models
from django.test.utils import isolate_apps
from django.utils import timezone

from fenji.core.kernel.models import OrgOwned
from fenji.core.kernel.scoping import UnscopedQuery
from fenji.core.ops import permissions as ops_perms
from fenji.core.ops.models import MaintenanceWindow
from fenji.testing import actor


@isolate_apps("fenji.core.kernel")
def test_a_new_unit_owned_model_refuses_unscoped_queries_without_declaring_a_manager():
    class Ledger(OrgOwned):
        title = models.CharField(max_length=20)

        class Meta:
            app_label = "kernel"

    with pytest.raises(UnscopedQuery, match="Ledger is unit-owned"):
        Ledger.objects.count()
    with pytest.raises(UnscopedQuery):
        list(Ledger.objects.filter(title="台账"))
    with pytest.raises(UnscopedQuery):
        Ledger.objects.filter(title="台账").update(title="新台账")
    with pytest.raises(UnscopedQuery):
        Ledger.objects.all().delete()
    with pytest.raises(ValueError):
        Ledger.objects.unscoped(reason="")


def test_an_inherited_manager_keeps_rows_to_the_actors_subtree(tree, city_admin, sibling_admin):
    """``MaintenanceWindow`` declares no manager: ``visible_to`` comes from ``OrgOwned``."""
    start = timezone.now() + datetime.timedelta(days=1)
    for unit in (tree.city, tree.town, tree.sibling_city):
        MaintenanceWindow.objects.create(unit=unit, unit_path=unit.path, title=f"{unit.name}维护",
                                         starts_at=start, ends_at=start + datetime.timedelta(hours=1))

    with pytest.raises(UnscopedQuery):
        list(MaintenanceWindow.objects.all())
    seen = MaintenanceWindow.objects.visible_to(actor(city_admin), ops_perms.MAINTENANCE_VIEW)
    assert sorted(w.unit_id for w in seen) == sorted([tree.city.pk, tree.town.pk])
    assert [w.unit_id for w in MaintenanceWindow.objects.visible_to(actor(sibling_admin), "no.such.action")] == []
    assert MaintenanceWindow.objects.unscoped(reason="test").count() == 3
