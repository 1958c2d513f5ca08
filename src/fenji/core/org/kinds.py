"""Unit kinds: the active profile decides which kinds its units have and what they are called (团省委,
纪委监委, 区政府…); the generic levels (``UnitKind``) stay valid everywhere, for imported divisions and for
rules that speak of levels (a profile kind carries the level it stands for)."""

from django.utils.translation import gettext as _

from fenji.core.kernel import profiles

from .models import UnitKind


def kind_choices() -> list[tuple[str, str]]:
    """The kinds offered on forms: the active profile's, or the generic levels if it declares none."""
    declared = profiles.active().unit_kinds
    if declared:
        return [(kind.code, _(kind.label)) for kind in declared]
    return [(value, _(str(label))) for value, label in UnitKind.choices]


def kind_known(code: str) -> bool:
    """A kind a unit may be given here: one of the active profile's, or a generic level."""
    return code in UnitKind.values or any(kind.code == code for kind in profiles.active().unit_kinds)


def kind_label(code: str) -> str:
    """The kind's name on screen: the active profile's, else any profile's that knows the code, else the
    generic level's; never the raw code."""
    label = profiles.unit_kind_label(code)
    if label is not None:
        return _(label)
    if code in UnitKind.values:
        return _(str(UnitKind(code).label))
    return _(str(UnitKind.OTHER.label))


def kind_level(code: str) -> str:
    return profiles.unit_kind_level(code)
