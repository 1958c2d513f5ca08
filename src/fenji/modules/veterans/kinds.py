"""The kinds of unit of the retired cadres' system (seed 000 §5: 省委老干部局 → 设区市委老干部局 and 省直
单位 → 县（市、区）委老干部局 and 市直单位 → 乡（镇、街道）and 县直单位; each unit over its own 下属单位)."""

from fenji.core.kernel.profiles import UnitKindName

PROVINCE = "vet_province"
CITY = "vet_city"
COUNTY = "vet_county"
TOWN = "vet_town"
UNIT = "vet_unit"
SUBUNIT = "vet_subunit"

UNIT_KINDS = (
    UnitKindName(PROVINCE, "省委老干部局", "province"),
    UnitKindName(CITY, "市委老干部局", "city"),
    UnitKindName(COUNTY, "县（市、区）委老干部局", "county"),
    UnitKindName(TOWN, "乡（镇、街道）", "town"),
    UnitKindName(UNIT, "直属单位", "unit"),
    UnitKindName(SUBUNIT, "下属单位", "unit"),
)
