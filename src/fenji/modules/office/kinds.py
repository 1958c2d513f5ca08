"""The kinds of unit of a district's government office network (seed 001: 新华区)."""

from fenji.core.kernel.profiles import UnitKindName

GOVERNMENT = "office_government"
GENERAL_OFFICE = "office_general_office"
BUREAU = "office_bureau"
TOWN = "office_town"
STREET = "office_street"
COMMUNITY = "office_community"

UNIT_KINDS = (
    UnitKindName(GOVERNMENT, "区政府", "county"),
    UnitKindName(GENERAL_OFFICE, "区政府办公室", "department"),
    UnitKindName(BUREAU, "局（委、办）", "department"),
    UnitKindName(TOWN, "乡镇", "town"),
    UnitKindName(STREET, "街道", "town"),
    UnitKindName(COMMUNITY, "村（社区）", "village"),
)
