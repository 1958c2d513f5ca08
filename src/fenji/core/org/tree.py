"""Tree mechanics shared by the org services and the division import: one lock, child paths, prefix rewrites."""

from django.db import connection
from django.db.models import CharField, F, Max, Value
from django.db.models.functions import Concat, Substr

from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.paths import ALPHABET, SEGMENT_WIDTH, decode_segment, encode_segment, subtree_q

from .models import Unit

TREE_LOCK_KEY = 0x66656E6A69  # "fenji": one advisory lock serializes every tree write on PostgreSQL


def lock_tree() -> None:
    """Serialize tree writes. SQLite needs nothing more: IMMEDIATE transactions hold the write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TREE_LOCK_KEY])


def next_child_path(parent: Unit | None) -> str:
    """Called under the tree lock: the first free segment after the last child's."""
    prefix = parent.path if parent else ""
    siblings = Unit.objects.filter(parent=parent) if parent else Unit.objects.filter(parent__isnull=True)
    last = siblings.aggregate(last=Max("path"))["last"]
    number = decode_segment(last[len(prefix):]) + 1 if last else 1
    if number >= len(ALPHABET) ** SEGMENT_WIDTH:
        raise DomainError("下级单位数量已达上限")
    return prefix + encode_segment(number)


def rewrite_prefix(queryset, field: str, old: str, new: str, **extra) -> int:
    """``field = new || substr(field, len(old) + 1)`` for every row of the subtree, in one statement."""
    return queryset.filter(subtree_q(field, old)).update(
        **{field: Concat(Value(new), Substr(F(field), len(old) + 1), output_field=CharField())},
        **extra,
    )
