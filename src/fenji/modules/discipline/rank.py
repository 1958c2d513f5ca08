"""The rank guard (seed 003 §16; domain note §4): a grassroots unit — a town's 纪委, a street's 纪工委, a dispatched
group (派驻纪检监察组) — may not store a subject at 副科 or above; such matters go up to the county commission.

``may_record(unit_kind, rank)`` is the rule as a pure function: ranks in their order (``RANKS``), given by code or
by Chinese label; an unknown rank or unit kind is refused (deny by default: the rank must be resolved before
anything is saved). The threshold, 副科, follows county practice (科级 cadres are managed by the county committee:
[V-local]); a deployment may set another with ``FENJI_DISCIPLINE_RANK_LIMIT`` (a rank code).
"""

from .kinds import COMMISSION, GROUP, ROOM, STREET, TOWN

# In their order, lowest first (domain note §1 and §4).
RANKS = (
    ("masses", "群众"),
    ("party_member", "党员"),
    ("village_cadre", "村（社区）干部"),
    ("staff", "一般干部"),
    ("section_member", "股级"),
    ("deputy_section", "副科"),
    ("section", "正科"),
    ("deputy_division", "副处及以上"),
)
ORDER = {code: n for n, (code, _label) in enumerate(RANKS)}
BY_LABEL = {label: code for code, label in RANKS} | {"无": "masses", "村干部": "village_cadre", "社区干部": "village_cadre",
                                                     "副处": "deputy_division", "副处+": "deputy_division"}
GRASSROOTS = frozenset({TOWN, STREET, GROUP})  # may record below the limit only
COUNTY = frozenset({COMMISSION, ROOM})  # the commission and its rooms record any rank
DEFAULT_LIMIT = "deputy_section"


def rank_code(rank) -> str | None:
    """A rank's code from its code or its Chinese label; None when it is no known rank."""
    text = str(rank or "").strip()
    if text in ORDER:
        return text
    return BY_LABEL.get(text)


def limit() -> str:
    """The lowest rank a grassroots unit may not record (``FENJI_DISCIPLINE_RANK_LIMIT``, default 副科)."""
    from django.conf import settings

    return rank_code(getattr(settings, "FENJI_DISCIPLINE_RANK_LIMIT", "")) or DEFAULT_LIMIT


def may_record(unit_kind, rank) -> bool:
    """May a unit of ``unit_kind`` store a subject of ``rank``? Unknown ranks and unit kinds: no."""
    code = rank_code(rank)
    if code is None:
        return False
    if unit_kind in COUNTY:
        return True
    if unit_kind in GRASSROOTS:
        return ORDER[code] < ORDER[limit()]
    return False
