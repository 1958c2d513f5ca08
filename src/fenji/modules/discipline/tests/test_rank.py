"""The rank guard: grassroots units record subjects below 副科 only; the county commission and its rooms any rank;
an unknown rank or unit kind is refused."""

import pytest

from fenji.modules.discipline.kinds import COMMISSION, GROUP, ROOM, STREET, TOWN
from fenji.modules.discipline.rank import RANKS, may_record

BELOW = ["masses", "party_member", "village_cadre", "staff", "section_member"]
AT_OR_ABOVE = ["deputy_section", "section", "deputy_division"]


@pytest.mark.parametrize("kind", [TOWN, STREET, GROUP])
def test_grassroots_units_record_below_deputy_section_only(kind):
    assert [may_record(kind, rank) for rank in BELOW] == [True] * len(BELOW)
    assert [may_record(kind, rank) for rank in AT_OR_ABOVE] == [False] * len(AT_OR_ABOVE)


@pytest.mark.parametrize("kind", [COMMISSION, ROOM])
def test_the_county_commission_and_its_rooms_record_any_rank(kind):
    assert all(may_record(kind, code) for code, _label in RANKS)


@pytest.mark.parametrize("rank, allowed", [("股级", True), ("副科", False), ("正科", False), ("村干部", True),
                                           ("副处+", False), (" 一般干部 ", True)])
def test_a_rank_may_be_given_by_its_chinese_label(rank, allowed):
    assert may_record(TOWN, rank) is allowed


@pytest.mark.parametrize("kind, rank", [(TOWN, "科员级"), (TOWN, ""), (TOWN, None), (COMMISSION, "unknown"),
                                        ("town", "masses"), ("", "masses"), (None, "staff")])
def test_an_unknown_rank_or_unit_kind_is_refused(kind, rank):
    assert may_record(kind, rank) is False


def test_a_deployment_may_move_the_limit(settings):
    settings.FENJI_DISCIPLINE_RANK_LIMIT = "section"  # a county that lets towns record 副科
    assert may_record(TOWN, "副科") is True and may_record(TOWN, "正科") is False
    settings.FENJI_DISCIPLINE_RANK_LIMIT = "nonsense"  # an unknown setting falls back to 副科
    assert may_record(TOWN, "副科") is False
