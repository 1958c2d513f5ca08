"""The League's kinds of unit (智慧团建: 领导机关, 团委, 团工委, 团总支, 团支部), each with the level it stands for."""

from fenji.core.kernel.profiles import UnitKindName

PROVINCE = "league_province"
CITY = "league_city"
COUNTY = "league_county"
COMMITTEE = "league_committee"
WORKING_COMMITTEE = "league_working"
GENERAL_BRANCH = "league_general"
BRANCH = "league_branch"

UNIT_KINDS = (
    UnitKindName(PROVINCE, "团省委", "province"),
    UnitKindName(CITY, "团市委", "city"),
    UnitKindName(COUNTY, "团县委", "county"),
    UnitKindName(COMMITTEE, "团委", "unit"),
    UnitKindName(WORKING_COMMITTEE, "团工委", "unit"),
    UnitKindName(GENERAL_BRANCH, "团总支", "unit"),
    UnitKindName(BRANCH, "团支部", "branch"),
)
