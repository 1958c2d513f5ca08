from collections import Counter

from fenji.core.access import policy
from fenji.core.org.census import census_check
from fenji.core.org.divisions import divisions_source, province_import
from fenji.core.org.models import Unit, UnitCensus


def test_jiangsu_imports_whole_with_cities_counties_and_towns(db):
    root = province_import(actor=policy.SYSTEM, province_code="320000")
    assert root.name == "江苏省" and root.parent_id is None
    kinds = Counter(Unit.objects.values_list("kind", flat=True))
    assert kinds == {"province": 1, "city": 13, "county": 95, "town": 1237}
    nanjing = Unit.objects.get(code="320100")
    xuanwu = Unit.objects.get(code="320102")
    assert xuanwu.parent_id == nanjing.pk and xuanwu.path.startswith(nanjing.path)
    for unit in Unit.objects.select_related("parent").exclude(parent=None)[:2000]:
        assert unit.path[:-4] == unit.parent.path
    assert "民政部" in divisions_source()
    assert UnitCensus.objects.get(unit=root).active == 1346 and census_check() == 0  # the census counted them


def test_irregular_depth_is_kept(db):
    # 东莞市 (Guangdong) has townships directly under the prefecture, with no county level.
    province_import(actor=policy.SYSTEM, province_code="440000")
    dongguan = Unit.objects.get(name="东莞市")
    kinds = set(Unit.objects.filter(parent=dongguan).values_list("kind", flat=True))
    assert kinds == {"town"}
