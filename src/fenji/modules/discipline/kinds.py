"""The kinds of unit of a county's discipline inspection system (seed 003: 中牟县纪委监委)."""

from fenji.core.kernel.profiles import UnitKindName

COMMISSION = "disc_commission"
ROOM = "disc_room"
GROUP = "disc_group"
TOWN = "disc_town"
STREET = "disc_street"

UNIT_KINDS = (
    UnitKindName(COMMISSION, "纪委监委", "county"),
    UnitKindName(ROOM, "室（部）", "department"),
    UnitKindName(GROUP, "派驻纪检监察组", "department"),
    UnitKindName(TOWN, "乡镇纪委", "town"),
    UnitKindName(STREET, "街道纪工委", "town"),
)
