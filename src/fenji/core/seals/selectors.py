"""Scoped reads of seals: the units the security administrator manages and their seals."""

import base64

from fenji.core.kernel.errors import NotVisible

from . import permissions as perms
from .models import SealKey


def seal_key_list_for_units(*, actor, units) -> dict[int, list[SealKey]]:
    """Seals of ``units`` within the actor's scope, newest first per unit."""
    rows = (SealKey.objects.visible_to(actor, perms.KEY_MANAGE).filter(unit_id__in=[u.pk for u in units])
            .select_related("created_by__person").order_by("-created_at", "-id"))
    keys: dict[int, list[SealKey]] = {}
    for key in rows:
        keys.setdefault(key.unit_id, []).append(key)
    return keys


def seal_key_get(*, actor, pk: int, action: str = perms.KEY_MANAGE) -> SealKey:
    key = SealKey.objects.visible_to(actor, action).select_related("unit").filter(pk=pk).first()
    if key is None:
        raise NotVisible("印章不存在或不在您的管理范围内", target_type=SealKey._meta.label_lower, target_id=pk)
    return key


def image_data_uri(key: SealKey) -> str:
    return "data:image/png;base64," + base64.b64encode(bytes(key.image)).decode()
