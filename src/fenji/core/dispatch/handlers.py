"""Who handles a delivery: the active accounts *of the receiving unit* holding ``dispatch.delivery.handle`` over
it (a grant at that unit, or a subtree grant above it), found set-based for many units at once
(``people.holders``)."""

from fenji.core.people.holders import holders_by_unit

from . import permissions as perms


def handlers_by_unit(unit_ids) -> dict[int, list]:
    """``{unit_id: [accounts]}`` for the given receiving units, in one query (plus the roles)."""
    return holders_by_unit(perms.DELIVERY_HANDLE, unit_ids)
