"""Who acts for a unit: the active accounts *of* each unit holding an action over it (a grant at that unit, or a
subtree grant above it), found set-based for many units at once. Dispatch asks it for the handlers of
deliveries, tickets for the handlers of tickets."""

from django.contrib.auth import get_user_model
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Concat

from fenji.core.access import policy
from fenji.core.access.models import Reach
from fenji.core.kernel.paths import SUBTREE_END


def holders_by_unit(action: str, unit_ids) -> dict[int, list]:
    """``{unit_id: [accounts]}`` of the accounts of those units holding ``action`` over them, in one query (plus
    the roles)."""
    unit_ids = {u for u in unit_ids if u is not None}
    if not unit_ids:
        return {}
    grants = (policy.live_grants().filter(account_id=OuterRef("pk"), role__in=policy.role_codes_with(action))
              .annotate(subtree_end=Concat("unit_path", Value(SUBTREE_END), output_field=CharField()))
              .filter(Q(unit_path=OuterRef("unit_path"))
                      | Q(reach=Reach.SUBTREE, unit_path__lte=OuterRef("unit_path"),
                          subtree_end__gt=OuterRef("unit_path"))))
    accounts = (get_user_model().objects.unscoped(reason=f"the holders of {action} at units, found through grants")
                .filter(unit_id__in=unit_ids, status="active").filter(Exists(grants))
                .select_related("person").order_by("unit_id", "pk"))
    found: dict[int, list] = {}
    for account in accounts:
        found.setdefault(account.unit_id, []).append(account)
    return found
