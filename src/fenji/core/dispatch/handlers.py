"""Who handles a delivery: the active accounts *of the receiving unit* holding
``dispatch.delivery.handle`` over it (a grant at that unit, or a subtree grant above it). Found
set-based for many units at once, as ``workflow.reminders`` finds the deciders of a step."""

from django.contrib.auth import get_user_model
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Concat

from fenji.core.access import policy
from fenji.core.access.models import Reach
from fenji.core.kernel.paths import SUBTREE_END

from . import permissions as perms


def handlers_by_unit(unit_ids) -> dict[int, list]:
    """``{unit_id: [accounts]}`` for the given receiving units, in one query (plus the roles)."""
    unit_ids = {u for u in unit_ids if u is not None}
    if not unit_ids:
        return {}
    grants = (policy.live_grants().filter(account_id=OuterRef("pk"), role__in=policy.role_codes_with(perms.DELIVERY_HANDLE))
              .annotate(subtree_end=Concat("unit_path", Value(SUBTREE_END), output_field=CharField()))
              .filter(Q(unit_path=OuterRef("unit_path"))
                      | Q(reach=Reach.SUBTREE, unit_path__lte=OuterRef("unit_path"),
                          subtree_end__gt=OuterRef("unit_path"))))
    accounts = (get_user_model().objects.unscoped(reason="the handlers of deliveries, found through their grants")
                .filter(unit_id__in=unit_ids, status="active").filter(Exists(grants))
                .select_related("person").order_by("unit_id", "pk"))
    found: dict[int, list] = {}
    for account in accounts:
        found.setdefault(account.unit_id, []).append(account)
    return found
