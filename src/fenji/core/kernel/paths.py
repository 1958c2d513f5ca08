"""Materialized paths: fixed-width segments so that "X and everything below" is one index range.

A unit's path is its ancestors' segments followed by its own, e.g. ``0001`` → ``00010003``.
Segments are 4 characters over 0-9A-Z (36**4 ≈ 1.68 million children per unit). The subtree of
``p`` is the half-open range ``[p, p + "~")``: "~" sorts after every segment character under
binary collation, which SQLite uses by default and PostgreSQL gets from ``COLLATE "C"``.
"""

from django.db import models
from django.db.models import Q

SEGMENT_WIDTH = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SUBTREE_END = "~"
MAX_DEPTH = 24
MAX_PATH_LENGTH = SEGMENT_WIDTH * MAX_DEPTH


def encode_segment(number: int) -> str:
    if not 0 <= number < len(ALPHABET) ** SEGMENT_WIDTH:
        raise ValueError(f"segment number out of range: {number}")
    digits = []
    for _ in range(SEGMENT_WIDTH):
        number, rest = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[rest])
    return "".join(reversed(digits))


def decode_segment(segment: str) -> int:
    number = 0
    for char in segment:
        number = number * len(ALPHABET) + ALPHABET.index(char)
    return number


def depth_of(path: str) -> int:
    return len(path) // SEGMENT_WIDTH


def parent_path(path: str) -> str:
    return path[:-SEGMENT_WIDTH]


def ancestor_paths(path: str) -> list[str]:
    """Every proper ancestor's path, root first."""
    return [path[:end] for end in range(SEGMENT_WIDTH, len(path), SEGMENT_WIDTH)]


def is_within(path: str, root: str) -> bool:
    """True when ``path`` is ``root`` or lies below it."""
    return path.startswith(root)


def outermost(paths) -> list[str]:
    """The subtree roots among ``paths`` that lie in no other's subtree, once each, in their first order: a unit
    and a unit below it name one subtree, the upper one."""
    paths = list(dict.fromkeys(paths))
    return [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]


def subtree_q(field: str, root: str) -> Q:
    """A filter for rows whose ``field`` lies in the subtree of ``root``: an index range scan."""
    return Q(**{f"{field}__gte": root, f"{field}__lt": root + SUBTREE_END})


class PathField(models.CharField):
    """A CharField that compares byte-wise on every backend (``COLLATE "C"`` on PostgreSQL)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", MAX_PATH_LENGTH)
        super().__init__(*args, **kwargs)

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
