"""The kinds of unit of a prefecture's labour resources platform (seed 004: 州、县（市）二级管理, towns
configured by their county)."""

from fenji.core.kernel.profiles import UnitKindName

PREFECTURE = "labor_prefecture"
COUNTY = "labor_county"
TOWN = "labor_town"
DEPARTMENT = "labor_department"
VENDOR = "labor_vendor"  # the outside company that develops and runs the platform: its accounts see tickets only

UNIT_KINDS = (
    UnitKindName(PREFECTURE, "州人社局", "city"),
    UnitKindName(COUNTY, "县（市）人社局", "county"),
    UnitKindName(TOWN, "乡镇（街道）人社服务中心", "town"),
    UnitKindName(DEPARTMENT, "科室及局属单位", "department"),
    UnitKindName(VENDOR, "运维公司", "department"),
)
